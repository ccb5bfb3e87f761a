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

/**
 * Typed access to the store for the filesystem: values through their codecs, store
 * failures turned into errnos, and the compare-and-swap retry loop that every
 * read-modify-write of a shared value goes through.
 */
public final class Kv {

    /** Attempts before a read-modify-write gives up: only reached under pathological contention. */
    private static final int CAS_ATTEMPTS = 200;

    private final Store store;

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
     * Starts a read-modify-write without waiting: one compare-and-swap against {@code known}
     * is sent at once, so that several can be in flight together; {@link Attempt#finish}
     * waits for it and runs the full {@link #modify} loop if the key changed meanwhile.
     * {@code change} runs now, on the caller's thread, and may throw.
     */
    public <T> Attempt<T> start(String key, Codec<T> codec, Versioned<T> known, Change<T> change) {
        if (known == null) {
            return new Attempt<>(this, key, codec, null, change, null);
        }
        T after = change.apply(known.value());
        if (after == known.value()) {
            // nothing to write by what we believed: read afresh when finishing, to be sure
            return new Attempt<>(this, key, codec, null, change, null);
        }
        CompletableFuture<OptionalLong> cas = store.cas(key, known.token(), codec.encode(after));
        return new Attempt<>(this, key, codec, new Versioned<>(after, 0), change, cas);
    }

    /** A read-modify-write in flight; see {@link #start}. */
    public static final class Attempt<T> {
        private final Kv kv;
        private final String key;
        private final Codec<T> codec;
        private final Versioned<T> sent;
        private final Change<T> change;
        private final CompletableFuture<OptionalLong> cas;

        private Attempt(Kv kv, String key, Codec<T> codec, Versioned<T> sent, Change<T> change,
                        CompletableFuture<OptionalLong> cas) {
            this.kv = kv;
            this.key = key;
            this.codec = codec;
            this.sent = sent;
            this.change = change;
            this.cas = cas;
        }

        /** The value as stored, with its token; retries with fresh reads when the first try lost. */
        public Versioned<T> finish() {
            if (cas == null) {
                return sent != null ? sent : kv.modify(key, codec, null, change);
            }
            OptionalLong token = kv.await(cas);
            if (token.isPresent()) {
                return new Versioned<>(sent.value(), token.getAsLong());
            }
            return kv.modify(key, codec, null, change);
        }
    }

    public <T> T await(CompletableFuture<T> future) {
        try {
            return store.await(future);
        } catch (StoreException e) {
            throw translate(e);
        }
    }

    void awaitAll(List<? extends CompletableFuture<?>> futures) {
        StoreException first = null;
        for (CompletableFuture<?> f : futures) {
            try {
                store.await(f);
            } catch (StoreException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw translate(first);
        }
    }

    static FsException translate(StoreException e) {
        return switch (e.kind()) {
            case OUT_OF_MEMORY -> new FsException(Errno.ENOSPC, "memcached is out of memory: " + e.getMessage(), e);
            case TOO_LARGE -> new FsException(Errno.EFBIG, "value too large for memcached: " + e.getMessage(), e);
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
