package io.memfis.stats;

import io.memfis.store.ServerStats;
import io.memfis.store.Store;
import io.memfis.store.StoreException;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store that counts the requests it passes on to another, and how they failed: no answer
 * in time or no connection (UNAVAILABLE: timeouts), or an error answer. A multi-get is one
 * request, as it is one round trip.
 */
public final class CountingStore implements Store {

    private final Store store;
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

    public CountingStore(Store store) {
        this.store = store;
    }

    private <T> CompletableFuture<T> counted(CompletableFuture<T> request) {
        requests.increment();
        request.whenComplete((value, failure) -> {
            if (failure != null) {
                Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                boolean unavailable = t instanceof StoreException e && e.kind() == StoreException.Kind.UNAVAILABLE;
                (unavailable ? timeouts : errors).increment();
            }
        });
        return request;
    }

    public long requests() {
        return requests.sum();
    }

    public long errors() {
        return errors.sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    @Override
    public CompletableFuture<Item> get(String key) {
        return counted(store.get(key));
    }

    @Override
    public CompletableFuture<Map<String, Item>> getAll(Collection<String> keys) {
        return counted(store.getAll(keys));
    }

    @Override
    public CompletableFuture<OptionalLong> add(String key, byte[] value) {
        return counted(store.add(key, value));
    }

    @Override
    public CompletableFuture<OptionalLong> cas(String key, long token, byte[] value) {
        return counted(store.cas(key, token, value));
    }

    @Override
    public CompletableFuture<Long> set(String key, byte[] value, int flags) {
        return counted(store.set(key, value, flags));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return counted(store.delete(key));
    }

    @Override
    public CompletableFuture<Long> incr(String key, long by, long initial) {
        return counted(store.incr(key, by, initial));
    }

    @Override
    public boolean preservesOrder() {
        return store.preservesOrder();
    }

    @Override
    public int maxValueSize() {
        return store.maxValueSize();
    }

    @Override
    public List<ServerStats> stats() {
        return store.stats();
    }

    @Override
    public List<String> keys(String prefix) {
        return store.keys(prefix);
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
        return store.await(future);
    }

    @Override
    public int serverCount() {
        return store.serverCount();
    }

    @Override
    public int serverOf(String key) {
        return store.serverOf(key);
    }

    @Override
    public Optional<String> placement() {
        return store.placement();
    }

    @Override
    public byte[] getOn(int server, String key) {
        return store.getOn(server, key);
    }

    @Override
    public void setOn(int server, String key, byte[] value) {
        store.setOn(server, key, value);
    }

    @Override
    public String serverName(int server) {
        return store.serverName(server);
    }

    @Override
    public void fence(int server, String reason) {
        store.fence(server, reason);
    }

    @Override
    public void onReconnect(IntConsumer listener) {
        store.onReconnect(listener);
    }

    @Override
    public void unfence(int server) {
        store.unfence(server);
    }

    @Override
    public void close() {
        store.close();
    }
}
