package io.memfis.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A small key-value store with memcached's semantics, unaware of paths and files.
 *
 * <p>Every operation is asynchronous so that callers can keep several requests in flight;
 * {@link #await} waits for one with the store's time bound. A future fails with
 * {@link StoreException} when the server cannot be reached, answers an error or does not
 * answer within the bound. CAS tokens are opaque, never 0, and change with every write of
 * the key; a write that succeeds returns the item's new token so that the next
 * compare-and-swap needs no extra read.
 */
public interface Store extends AutoCloseable {

    /** The item under {@code key}, or null when there is none. */
    CompletableFuture<Item> get(String key);

    /** The items under {@code keys} that exist, requested together. */
    CompletableFuture<Map<String, Item>> getAll(Collection<String> keys);

    /** Stores the value only if the key is absent: the new token, or empty when it exists. */
    CompletableFuture<OptionalLong> add(String key, byte[] value);

    /** Replaces the value only if the key still has {@code token}: the new token, or empty. */
    CompletableFuture<OptionalLong> cas(String key, long token, byte[] value);

    /** Stores the value unconditionally and returns the new token. */
    CompletableFuture<Long> set(String key, byte[] value);

    /** Removes the key: true when it existed. */
    CompletableFuture<Boolean> delete(String key);

    /** Adds {@code by} to the counter, creating it with {@code initial} when absent; the new value. */
    CompletableFuture<Long> incr(String key, long by, long initial);

    /** The largest value one item can hold on every server, in bytes. */
    int maxValueSize();

    /** What each server reports of itself and of the settings that matter to memfis. */
    List<ServerStats> stats();

    /**
     * Every key that starts with {@code prefix}, where the servers allow enumerating keys
     * (memcached's {@code lru_crawler metadump all}).
     *
     * @throws UnsupportedOperationException when a server does not allow it
     */
    List<String> keys(String prefix);

    /** Waits for {@code future} within the store's time bound. */
    <T> T await(CompletableFuture<T> future);

    @Override
    void close();

    /** A value with the token that a later {@link #cas} must present. */
    record Item(byte[] value, long token) {
    }
}
