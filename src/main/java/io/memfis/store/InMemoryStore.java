package io.memfis.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * memcached's semantics in a map, for fast tests of the layers above: tokens change with
 * every write, counters are decimal text as memcached keeps them, and values above the
 * limit fail with {@link StoreException.Kind#TOO_LARGE}. Every future is already complete.
 */
final class InMemoryStore implements Stores.InMemory {

    /** Only bounds {@link #await} on futures that callers compose; ours are complete at once. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final int maxValueSize;
    private final Map<String, Item> items = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final long started = System.nanoTime();
    private volatile boolean broken;

    InMemoryStore(int maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    @Override
    public CompletableFuture<Item> get(String key) {
        Stores.checkKey(key);
        return run(() -> copy(items.get(key)));
    }

    @Override
    public CompletableFuture<Map<String, Item>> getAll(Collection<String> keys) {
        keys.forEach(Stores::checkKey);
        return run(() -> {
            Map<String, Item> found = new HashMap<>();
            for (String key : keys) {
                Item item = items.get(key);
                if (item != null) {
                    found.put(key, copy(item));
                }
            }
            return found;
        });
    }

    @Override
    public CompletableFuture<OptionalLong> add(String key, byte[] value) {
        return write(key, value, () -> {
            Item item = newItem(value);
            return items.putIfAbsent(key, item) == null ? OptionalLong.of(item.token()) : OptionalLong.empty();
        });
    }

    @Override
    public CompletableFuture<OptionalLong> cas(String key, long token, byte[] value) {
        return write(key, value, () -> {
            Item current = items.get(key);
            Item next = newItem(value);
            // replace(k, old, new) compares the Item itself: same array and token, so only this version
            return current != null && current.token() == token && items.replace(key, current, next)
                    ? OptionalLong.of(next.token()) : OptionalLong.empty();
        });
    }

    @Override
    public CompletableFuture<Long> set(String key, byte[] value, int flags) {
        return write(key, value, () -> {
            Item item = new Item(value.clone(), tokens.incrementAndGet(), flags);
            items.put(key, item);
            return item.token();
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        Stores.checkKey(key);
        return run(() -> items.remove(key) != null);
    }

    @Override
    public CompletableFuture<Long> incr(String key, long by, long initial) {
        Stores.checkKey(key);
        return run(() -> {
            long[] result = new long[1];
            items.compute(key, (k, current) -> {
                // unsigned 64-bit arithmetic that wraps, as memcached's
                result[0] = current == null ? initial : counter(k, current.value()) + by;
                return new Item(Long.toUnsignedString(result[0]).getBytes(StandardCharsets.US_ASCII),
                        tokens.incrementAndGet());
            });
            return result[0];
        });
    }

    /** Each request is applied before the call returns. */
    @Override
    public boolean preservesOrder() {
        return true;
    }

    @Override
    public int maxValueSize() {
        return maxValueSize;
    }

    @Override
    public List<ServerStats> stats() {
        checkAvailable();
        long bytes = items.values().stream().mapToLong(i -> i.value().length).sum();
        long uptime = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        return List.of(new ServerStats("memory", Runtime.getRuntime().maxMemory(), bytes, items.size(),
                maxValueSize + MemcachedStore.ITEM_OVERHEAD, false, evicted.get(), uptime));
    }

    @Override
    public List<String> keys(String prefix) {
        checkAvailable();
        return items.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
        return Futures.await(future, TIMEOUT);
    }

    @Override
    public void breakDown() {
        broken = true;
    }

    @Override
    public void heal() {
        broken = false;
    }

    @Override
    public boolean evict(String key) {
        boolean existed = items.remove(key) != null;
        if (existed) {
            evicted.incrementAndGet();
        }
        return existed;
    }

    @Override
    public void clear() {
        items.clear();
    }

    @Override
    public void close() {
        // nothing to release
    }

    private <T> CompletableFuture<T> write(String key, byte[] value, Supplier<T> op) {
        Stores.checkKey(key);
        if (value.length > maxValueSize) {
            return Futures.failed(MemcachedStore.tooLarge(key, value.length, maxValueSize));
        }
        return run(op);
    }

    private <T> CompletableFuture<T> run(Supplier<T> op) {
        try {
            checkAvailable();
            return CompletableFuture.completedFuture(op.get());
        } catch (StoreException e) {
            return Futures.failed(e);
        }
    }

    private void checkAvailable() {
        if (broken) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "the in-memory store is broken down");
        }
    }

    private Item newItem(byte[] value) {
        return new Item(value.clone(), tokens.incrementAndGet());
    }

    private static Item copy(Item item) {
        return item == null ? null : new Item(item.value().clone(), item.token(), item.flags());
    }

    private static long counter(String key, byte[] value) {
        String text = new String(value, StandardCharsets.US_ASCII);
        try {
            if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Long.parseUnsignedLong(text);
            }
        } catch (NumberFormatException e) {
            // above 2^64 - 1: not a counter either
        }
        throw new StoreException(StoreException.Kind.FAILED, "incr of '" + key + "': the value is not a counter");
    }
}
