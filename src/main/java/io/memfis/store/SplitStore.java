package io.memfis.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Two stores as one: content keys (as the caller's predicate tells them) on one, every
 * other key on the other, so that metadata lives on servers of its own. Servers are
 * numbered metadata's first, then content's.
 */
final class SplitStore implements Store {

    private final Store meta;
    private final Store content;
    private final Predicate<String> isContent;

    SplitStore(Store meta, Store content, Predicate<String> isContent) {
        this.meta = meta;
        this.content = content;
        this.isContent = isContent;
    }

    private Store of(String key) {
        return isContent.test(key) ? content : meta;
    }

    @Override
    public CompletableFuture<Item> get(String key) {
        return of(key).get(key);
    }

    @Override
    public CompletableFuture<Map<String, Item>> getAll(Collection<String> keys) {
        List<String> m = new ArrayList<>();
        List<String> c = new ArrayList<>();
        for (String k : keys) {
            (isContent.test(k) ? c : m).add(k);
        }
        CompletableFuture<Map<String, Item>> fromMeta = m.isEmpty() ? CompletableFuture.completedFuture(Map.of())
                : meta.getAll(m);
        CompletableFuture<Map<String, Item>> fromContent = c.isEmpty() ? CompletableFuture.completedFuture(Map.of())
                : content.getAll(c);
        return fromMeta.thenCombine(fromContent, (a, b) -> {
            Map<String, Item> all = new HashMap<>(a);
            all.putAll(b);
            return all;
        });
    }

    @Override
    public CompletableFuture<OptionalLong> add(String key, byte[] value) {
        return of(key).add(key, value);
    }

    @Override
    public CompletableFuture<OptionalLong> cas(String key, long token, byte[] value) {
        return of(key).cas(key, token, value);
    }

    @Override
    public CompletableFuture<Long> set(String key, byte[] value, int flags) {
        return of(key).set(key, value, flags);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return of(key).delete(key);
    }

    @Override
    public CompletableFuture<Long> incr(String key, long by, long initial) {
        return of(key).incr(key, by, initial);
    }

    @Override
    public boolean preservesOrder() {
        return false;
    }

    @Override
    public int maxValueSize() {
        return Math.min(meta.maxValueSize(), content.maxValueSize());
    }

    @Override
    public List<ServerStats> stats() {
        List<ServerStats> all = new ArrayList<>(meta.stats());
        all.addAll(content.stats());
        return all;
    }

    @Override
    public List<String> keys(String prefix) {
        LinkedHashSet<String> all = new LinkedHashSet<>(meta.keys(prefix));
        all.addAll(content.keys(prefix));
        return List.copyOf(all);
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
        return meta.await(future);
    }

    @Override
    public int serverCount() {
        return meta.serverCount() + content.serverCount();
    }

    @Override
    public int serverOf(String key) {
        return isContent.test(key) ? meta.serverCount() + content.serverOf(key) : meta.serverOf(key);
    }

    @Override
    public String serverName(int server) {
        int m = meta.serverCount();
        return server < m ? meta.serverName(server) : content.serverName(server - m);
    }

    @Override
    public Optional<String> placement() {
        return content.placement().flatMap(c -> meta.placement().map(m -> c + " meta " + m.substring(m.indexOf(' ') + 1)));
    }

    @Override
    public byte[] getOn(int server, String key) {
        int m = meta.serverCount();
        return server < m ? meta.getOn(server, key) : content.getOn(server - m, key);
    }

    @Override
    public void setOn(int server, String key, byte[] value) {
        int m = meta.serverCount();
        if (server < m) {
            meta.setOn(server, key, value);
        } else {
            content.setOn(server - m, key, value);
        }
    }

    @Override
    public void fence(int server, String reason) {
        int m = meta.serverCount();
        if (server < m) {
            meta.fence(server, reason);
        } else {
            content.fence(server - m, reason);
        }
    }

    @Override
    public void unfence(int server) {
        int m = meta.serverCount();
        if (server < m) {
            meta.unfence(server);
        } else {
            content.unfence(server - m);
        }
    }

    @Override
    public void onReconnect(IntConsumer listener) {
        meta.onReconnect(listener);
        content.onReconnect(i -> listener.accept(meta.serverCount() + i));
    }

    @Override
    public void close() {
        try {
            meta.close();
        } finally {
            content.close();
        }
    }
}
