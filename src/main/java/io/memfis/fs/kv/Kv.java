package io.memfis.fs.kv;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.layout.CorruptValueException;
import io.memfis.store.ServerStats;
import io.memfis.store.Store;
import io.memfis.store.StoreException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Typed access to the store for the filesystem: values through their codecs, store
 * failures turned into errnos, and the compare-and-swap retry loop that every
 * read-modify-write of a shared value goes through.
 */
public final class Kv {

    /** Attempts before a read-modify-write gives up: only reached under pathological contention. */
    private static final int CAS_ATTEMPTS = 200;

    /**
     * Where a read-modify-write goes on once the store has answered. Not the thread that
     * completes the store's futures: spymemcached has one I/O thread for every server, and a
     * change may be expensive (a page of a thousand names) or wait for the store itself
     * (linking changes a node inside a record's change), which there would stall or deadlock
     * the whole mount. Not the caller's thread when it joins either: the futures are composed
     * by other classes (Catalog, Listings, NewNames) and joined with the plain {@link #await},
     * so a loop left for the join would need a finish method of its own again. Threads are
     * made on demand and end when idle (a Kv needs no closing); unbounded, so that a change
     * that waits for another read-modify-write never waits for a thread.
     */
    private static final ExecutorService RETRIES = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), Kv::retryThread);
    private static final AtomicInteger RETRY_THREADS = new AtomicInteger();

    private final Store store;

    private static Thread retryThread(Runnable r) {
        Thread t = new Thread(r, "memfis-kv-" + RETRY_THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    public Kv(Store store) {
        this.store = store;
    }

    /** The largest value one item holds, in bytes. */
    public int maxValueSize() {
        return store.maxValueSize();
    }

    /** Whether requests sent one after the other are applied in that order (one server: yes). */
    public boolean preservesOrder() {
        return store.preservesOrder();
    }

    /** The servers' own statistics, one per server. */
    public List<ServerStats> stats() {
        try {
            return store.stats();
        } catch (StoreException e) {
            throw translate(e);
        }
    }

    /** What a read-modify-write does to the current value (null when the key is absent). */
    @FunctionalInterface
    public interface Change<T> {
        /** The new value; {@code current} itself to leave the item as it is. */
        T apply(T current);
    }

    public <T> Versioned<T> get(String key, Codec<T> codec) {
        Store.Item item = await(store.get(key));
        return item == null ? null : new Versioned<>(decode(codec, key, item.value()), item.token());
    }

    public byte[] getBytes(String key) {
        Store.Item item = await(store.get(key));
        return item == null ? null : item.value();
    }

    public CompletableFuture<Store.Item> getAsync(String key) {
        return store.get(key);
    }

    public <T> Map<String, Versioned<T>> getAll(Collection<String> keys, Codec<T> codec) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Map<String, Store.Item> items = await(store.getAll(keys));
        Map<String, Versioned<T>> out = new HashMap<>(items.size() * 2);
        items.forEach((k, item) -> out.put(k, new Versioned<>(decode(codec, k, item.value()), item.token())));
        return out;
    }

    /** Stores the value only where there is none: its token, or empty when the key exists. */
    public <T> OptionalLong add(String key, T value, Codec<T> codec) {
        return await(store.add(key, codec.encode(value)));
    }

    public CompletableFuture<Long> setAsync(String key, byte[] value) {
        return store.set(key, value);
    }

    /** Starts storing a value with item flags ({@code GzipContent.FLAG} for compressed content). */
    public CompletableFuture<Long> setAsync(String key, byte[] value, int flags) {
        return store.set(key, value, flags);
    }

    /** Starts storing the value only where there is none: its token, or empty when the key exists. */
    public <T> CompletableFuture<OptionalLong> addAsync(String key, T value, Codec<T> codec) {
        return store.add(key, codec.encode(value));
    }

    /** Starts reading several keys at once: the items of those that exist. */
    public CompletableFuture<Map<String, Store.Item>> getAllAsync(Collection<String> keys) {
        return store.getAll(keys);
    }

    public long set(String key, byte[] value) {
        return await(store.set(key, value));
    }

    /** The items under those {@code keys} that exist, flags included. */
    public Map<String, Store.Item> getItems(Collection<String> keys) {
        return keys.isEmpty() ? Map.of() : await(store.getAll(keys));
    }

    /** Stores several values at once, all in flight together. */
    public void setAll(Map<String, byte[]> values) {
        setAll(values, Map.of());
    }

    /** Stores several values at once, with the item flags of {@code flags} (0 for keys not in it). */
    public void setAll(Map<String, byte[]> values, Map<String, Integer> flags) {
        List<CompletableFuture<Long>> writes = new ArrayList<>(values.size());
        values.forEach((k, v) -> writes.add(store.set(k, v, flags.getOrDefault(k, 0))));
        awaitAll(writes);
    }

    public boolean delete(String key) {
        return await(store.delete(key));
    }

    /** Deletes several keys at once; absent ones are fine. */
    public void deleteAll(Collection<String> keys) {
        List<CompletableFuture<Boolean>> deletes = new ArrayList<>(keys.size());
        for (String k : keys) {
            deletes.add(store.delete(k));
        }
        awaitAll(deletes);
    }

    public long incr(String key, long by, long initial) {
        return await(store.incr(key, by, initial));
    }

    /**
     * The compare-and-swap retry loop: applies {@code change} to the current value and
     * stores the result only if nobody wrote the key in between, else reads it again and
     * retries, so that concurrent writers never lose each other's updates. {@code known}
     * (may be null) is a value believed current, tried first to save a read.
     *
     * @return the value as stored, with its new token; null when the key was and stays absent
     */
    public <T> Versioned<T> modify(String key, Codec<T> codec, Versioned<T> known, Change<T> change) {
        Versioned<T> current = known;
        boolean fresh = known == null;
        if (fresh) {
            current = get(key, codec);
        }
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            T before = current == null ? null : current.value();
            T after = change.apply(before);
            if (after == before) {
                if (fresh) {
                    return current;
                }
            } else {
                OptionalLong token = current == null
                        ? await(store.add(key, codec.encode(after)))
                        : await(store.cas(key, current.token(), codec.encode(after)));
                if (token.isPresent()) {
                    return new Versioned<>(after, token.getAsLong());
                }
            }
            current = get(key, codec);
            fresh = true;
            if (attempt > 8) {
                Thread.onSpinWait();
            }
        }
        throw new FsException(Errno.EIO, "gave up updating " + key + " after " + CAS_ATTEMPTS + " conflicting writes");
    }

    /**
     * {@link #modify}, started without waiting, so that several requests can be in flight
     * together: with {@code known}, {@code change} runs now, on the caller's thread, and one
     * compare-and-swap against it goes out at once; when that misses (another write came
     * first), or nothing was known, or the change leaves the known value as it is (read
     * afresh to be sure), the whole loop goes on in {@link #async}. A change that throws
     * fails the future; {@link #await} throws what {@link #modify} would have thrown. A
     * caller that stops waiting (the store's time bound) leaves that loop to end by itself:
     * like any write that failed as unavailable, it may still be applied.
     */
    public <T> CompletableFuture<Versioned<T>> modifyAsync(String key, Codec<T> codec, Versioned<T> known, Change<T> change) {
        if (known != null) {
            T after;
            try {
                after = change.apply(known.value());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (after != known.value()) {
                return store.cas(key, known.token(), codec.encode(after)).thenCompose(token -> token.isPresent()
                        ? CompletableFuture.completedFuture(new Versioned<>(after, token.getAsLong()))
                        : async(() -> modify(key, codec, null, change)));
            }
        }
        return async(() -> modify(key, codec, null, change));
    }

    /**
     * Runs {@code work}, which waits for the store, on {@link #RETRIES}: the step of a future
     * that goes on with more requests (a compare-and-swap that missed, a fallback), since a
     * step added to a store's future may run on the store's own thread.
     */
    public <T> CompletableFuture<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, RETRIES);
    }

    public <T> T await(CompletableFuture<T> future) {
        try {
            return store.await(future);
        } catch (StoreException e) {
            throw translate(e);
        }
    }

    /**
     * Waits for every one of {@code futures}, then throws the first failure in their order as
     * {@link #await} would: requests started together are finished together, none left running.
     */
    public void awaitAll(List<? extends CompletableFuture<?>> futures) {
        RuntimeException first = null;
        for (CompletableFuture<?> f : futures) {
            try {
                await(f);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static FsException translate(StoreException e) {
        return switch (e.kind()) {
            case OUT_OF_MEMORY -> new FsException(Errno.ENOSPC, "memcached is out of memory: " + e.getMessage(), e);
            case TOO_LARGE -> new FsException(Errno.EFBIG, "value too large for memcached: " + e.getMessage(), e);
            case UNAVAILABLE -> FsException.unanswered("memcached: " + e.getMessage(), e);
            default -> new FsException(Errno.EIO, "memcached: " + e.getMessage(), e);
        };
    }

    public static <T> T decode(Codec<T> codec, String key, byte[] value) {
        try {
            return codec.decode(value);
        } catch (CorruptValueException e) {
            throw new FsException(Errno.EIO, "corrupt value under " + key + ": " + e.getMessage(), e);
        }
    }
}
