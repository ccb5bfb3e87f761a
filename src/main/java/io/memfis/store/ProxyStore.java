package io.memfis.store;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The store through a memcached proxy that speaks only the text protocol and places keys
 * itself (twemproxy, Debian's {@code nutcracker}): one "server" to memfis, whatever is
 * behind it.
 *
 * <p>The text protocol's {@code set}, {@code add} and {@code cas} answer {@code STORED}
 * without the item's new CAS token, so every write returns {@link Store#UNKNOWN_TOKEN}, and
 * a {@code cas} with that token fails at once without being sent: the caller's loop reads
 * the item with {@code gets} (which does carry the token) and swaps against that. A token
 * read after the write instead would be racy: another mount may write in between, and its
 * value would then be taken for ours.
 *
 * <p>The proxy passes no {@code stats} and no {@code lru_crawler}: {@link #stats} and
 * {@link #keys} ask the servers behind it directly when they are given, and otherwise there
 * are no stats and no listing. The largest value is the servers' smallest
 * {@code item_size_max}, or memcached's default (1 MiB) when they are not given. Counters
 * are created as the binary protocol does in one step, here in up to three: {@code incr},
 * {@code add} when it was missing, {@code incr} again when another writer added it first.
 *
 * <p>To memfis the proxy is one server: nothing tells it when a server behind the proxy
 * restarts (the proxy keeps memfis's connection), so no server is fenced; the namespace's
 * watch of its format marker still notices the loss of the server that holds it.
 */
final class ProxyStore implements Store {

    /** memcached's default {@code item_size_max} ({@code -I 1m}). */
    static final int DEFAULT_ITEM_SIZE = 1 << 20;

    /** Bytes of keys asked for in one {@code gets}, at most: well inside the proxy's buffers. */
    private static final int GETS_KEY_BYTES = 8 * 1024;

    private final TextClient client;
    private final ServerAdmin behind;
    private final boolean serversKnown;
    private final Duration timeout;
    private volatile int maxValueSize;

    private ProxyStore(TextClient client, List<InetSocketAddress> behind, Duration timeout) {
        this.client = client;
        this.behind = new ServerAdmin(behind, timeout);
        this.serversKnown = !behind.isEmpty();
        this.timeout = timeout;
    }

    /** Connects to the proxy at {@code proxy}; {@code behind} (may be empty) are the servers it distributes over. */
    static ProxyStore connect(InetSocketAddress proxy, List<InetSocketAddress> behind, Duration timeout) {
        ProxyStore store = new ProxyStore(TextClient.connect(proxy, timeout), behind, timeout);
        if (!store.serversKnown) {
            store.maxValueSize = DEFAULT_ITEM_SIZE - MemcachedStore.ITEM_OVERHEAD;
        }
        return store;
    }

    @Override
    public CompletableFuture<Item> get(String key) {
        return getAll(List.of(key)).thenApply(found -> found.get(key));
    }

    /** {@code gets} of many keys at once, in as few requests as their length allows. */
    @Override
    public CompletableFuture<Map<String, Item>> getAll(Collection<String> keys) {
        keys.forEach(Stores::checkKey);
        List<CompletableFuture<TextClient.Answer>> asks = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String key : new LinkedHashSet<>(keys)) {
            if (line.length() > 0 && line.length() + key.length() > GETS_KEY_BYTES) {
                asks.add(client.send(line.toString(), null, TextClient.Shape.VALUES));
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "gets " : " ").append(key);
        }
        if (line.length() > 0) {
            asks.add(client.send(line.toString(), null, TextClient.Shape.VALUES));
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, Item> found = new HashMap<>();
            asks.forEach(a -> found.putAll(a.join().items()));
            return found;
        });
    }

    @Override
    public CompletableFuture<OptionalLong> add(String key, byte[] value) {
        return write("add", key, 0, "", value).thenApply(line -> stored("add", key, line));
    }

    /** A token this store returned for a write is {@link Store#UNKNOWN_TOKEN}: that swap fails unsent. */
    @Override
    public CompletableFuture<OptionalLong> cas(String key, long token, byte[] value) {
        if (token == UNKNOWN_TOKEN) {
            Stores.checkKey(key);
            return CompletableFuture.completedFuture(OptionalLong.empty());
        }
        return write("cas", key, 0, " " + Long.toUnsignedString(token), value).thenApply(line -> stored("cas", key, line));
    }

    @Override
    public CompletableFuture<Long> set(String key, byte[] value, int flags) {
        return write("set", key, flags, "", value).thenApply(line -> {
            if (!line.equals("STORED")) {
                throw unexpected("set", key, line);
            }
            return UNKNOWN_TOKEN;
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        Stores.checkKey(key);
        return client.send("delete " + key, null, TextClient.Shape.LINE).thenApply(a -> switch (a.line()) {
            case "DELETED" -> true;
            case "NOT_FOUND" -> false;
            default -> throw unexpected("delete", key, a.line());
        });
    }

    @Override
    public CompletableFuture<Long> incr(String key, long by, long initial) {
        Stores.checkKey(key);
        return incr(key, by, initial, 0);
    }

    private CompletableFuture<Long> incr(String key, long by, long initial, int attempt) {
        return client.send("incr " + key + " " + Long.toUnsignedString(by), null, TextClient.Shape.LINE)
                .thenCompose(a -> {
                    if (!a.line().equals("NOT_FOUND")) {
                        return CompletableFuture.completedFuture(number("incr", key, a.line()));
                    }
                    if (attempt > 0) {
                        throw unexpected("incr", key, "NOT_FOUND right after another writer created it");
                    }
                    byte[] start = Long.toUnsignedString(initial).getBytes(StandardCharsets.US_ASCII);
                    return add(key, start).thenCompose(added -> added.isPresent()
                            ? CompletableFuture.completedFuture(initial)
                            : incr(key, by, initial, attempt + 1));
                });
    }

    @Override
    public boolean preservesOrder() {
        return false; // the proxy sends each key to its own server, on its own connection
    }

    @Override
    public int maxValueSize() {
        int known = maxValueSize;
        if (known == 0) {
            known = behind.smallestItem() - MemcachedStore.ITEM_OVERHEAD;
            maxValueSize = known;
        }
        return known;
    }

    /** The servers behind the proxy, when given; none otherwise (the proxy passes no stats). */
    @Override
    public List<ServerStats> stats() {
        return behind.stats();
    }

    @Override
    public List<String> keys(String prefix) {
        requireServers();
        return behind.keys(prefix);
    }

    @Override
    public void forEachKey(String prefix, Consumer<String> each) {
        requireServers();
        behind.forEachKey(prefix, each);
    }

    @Override
    public Optional<String> placement() {
        return Optional.of(Stores.PROXY_PLACEMENT);
    }

    @Override
    public String serverName(int server) {
        return client.name();
    }

    /** Through the proxy, which passes {@code get} and {@code set}: the proxy is the one server. */
    @Override
    public byte[] getOn(int server, String key) {
        Item item = await(get(key));
        return item == null ? null : item.value();
    }

    @Override
    public void setOn(int server, String key, byte[] value) {
        await(set(key, value));
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
        return Futures.await(future, timeout);
    }

    @Override
    public void close() {
        client.close();
    }

    private void requireServers() {
        if (!serversKnown) {
            throw new UnsupportedOperationException("memcached proxy " + client.name() + " passes no lru_crawler: "
                    + "give the servers behind it with -s to list keys");
        }
    }

    private CompletableFuture<String> write(String verb, String key, int flags, String cas, byte[] value) {
        Stores.checkKey(key);
        int limit = maxValueSize;
        if (limit > 0 && value.length > limit) {
            return Futures.failed(MemcachedStore.tooLarge(key, value.length, limit));
        }
        return client.send(verb + " " + key + " " + Integer.toUnsignedString(flags) + " 0 " + value.length + cas,
                value, TextClient.Shape.LINE).thenApply(TextClient.Answer::line);
    }

    private OptionalLong stored(String what, String key, String line) {
        return switch (line) {
            case "STORED" -> OptionalLong.of(UNKNOWN_TOKEN);
            case "NOT_STORED", "EXISTS", "NOT_FOUND" -> OptionalLong.empty();
            default -> throw unexpected(what, key, line);
        };
    }

    private long number(String what, String key, String line) {
        try {
            return Long.parseUnsignedLong(line);
        } catch (NumberFormatException e) {
            throw unexpected(what, key, line);
        }
    }

    private StoreException unexpected(String what, String key, String line) {
        return new StoreException(StoreException.Kind.FAILED, "memcached " + client.name() + ": " + what + " '" + key
                + "': " + line);
    }
}
