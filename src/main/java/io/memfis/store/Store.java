package io.memfis.store;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * A small key-value store with memcached's semantics, unaware of paths and files.
 *
 * <p>Every operation is asynchronous so that callers can keep several requests in flight;
 * {@link #await} waits for one with the store's time bound. A future fails with
 * {@link StoreException} when the server cannot be reached, answers an error or does not
 * answer within the bound. CAS tokens are opaque, never 0, and change with every write of
 * the key; a write that succeeds returns the item's new token so that the next
 * compare-and-swap needs no extra read, or {@link #UNKNOWN_TOKEN} where the protocol does
 * not tell it (memcached's text protocol, through a proxy): a compare-and-swap with that
 * token never succeeds, so a caller's loop reads the item again first, and a cache must
 * not order values by it.
 *
 * <p>Keys are 1 to 250 bytes of UTF-8 without spaces or control characters 0x00-0x1F (as
 * {@code io.memfis.layout.Keys} builds them); any other key is a bug, and the operation
 * throws {@link IllegalArgumentException} at once. Values above {@link #maxValueSize()} are
 * refused with {@link StoreException.Kind#TOO_LARGE} without being sent, so the item keeps
 * its value (memcached itself would delete it). The store may read a value's array after
 * the call has returned: leave it unchanged until the future completes.
 *
 * <p>A write that failed with {@link StoreException.Kind#UNAVAILABLE} may still have been
 * applied: the request may have reached a server that answered too late. Read the item
 * again before deciding what to write next. Futures may complete on the store's own
 * threads: dependent stages should be short; one that blocks holds only its own thread.
 */
public interface Store extends AutoCloseable {

    /** The token a write returns when the store cannot tell the new one; no item ever has it. */
    long UNKNOWN_TOKEN = 0;

    /** The item under {@code key}, or null when there is none. */
    CompletableFuture<Item> get(String key);

    /** The items under {@code keys} that exist, requested together. */
    CompletableFuture<Map<String, Item>> getAll(Collection<String> keys);

    /** Stores the value only if the key is absent: the new token, or empty when it exists. */
    CompletableFuture<OptionalLong> add(String key, byte[] value);

    /** Replaces the value only if the key still has {@code token}: the new token, or empty. */
    CompletableFuture<OptionalLong> cas(String key, long token, byte[] value);

    /** Stores the value unconditionally, with flags 0, and returns the new token. */
    default CompletableFuture<Long> set(String key, byte[] value) {
        return set(key, value, 0);
    }

    /**
     * Stores the value unconditionally with the item's 32-bit {@code flags}, which memcached
     * keeps and returns with every read (nginx's {@code memcached_gzip_flag} tests them), and
     * returns the new token. {@link #add} and {@link #cas} store flags 0.
     */
    CompletableFuture<Long> set(String key, byte[] value, int flags);

    /** Removes the key: true when it existed. */
    CompletableFuture<Boolean> delete(String key);

    /**
     * Adds {@code by} to the counter, creating it with {@code initial} (and not adding) when
     * absent; the new value. Counters are unsigned 64-bit decimal text (a {@link #get} reads
     * "16"), wrapping at 2^64; incrementing any other value fails with
     * {@link StoreException.Kind#FAILED}.
     */
    CompletableFuture<Long> incr(String key, long by, long initial);

    /**
     * True when requests are applied in the order they are sent, whatever their keys (one
     * server, one connection): a caller may then send a record before the listing entry
     * that names it without waiting in between, and a crash still leaves them in order.
     */
    boolean preservesOrder();

    /**
     * The largest value one item can hold on every server under any valid key, in bytes.
     *
     * @throws StoreException UNAVAILABLE when a server cannot be asked yet
     */
    int maxValueSize();

    /**
     * What each server reports of itself and of the settings that matter to memfis, in the
     * order the servers were given.
     *
     * @throws StoreException UNAVAILABLE when a server does not answer
     */
    List<ServerStats> stats();

    /**
     * Every key that starts with {@code prefix}, where the servers allow enumerating keys
     * (memcached's {@code lru_crawler metadump all}). Not a snapshot, and slow (seconds):
     * for tools. A key written or deleted meanwhile may or may not be listed, and memcached
     * skips items that are in use at that moment (the listing asks again when it saw fewer
     * items than the server holds, but a key under constant load may still be missed).
     *
     * @throws UnsupportedOperationException when a server does not allow it
     */
    List<String> keys(String prefix);

    /** How many servers the keys are spread over: 1 for one memcached and for memory. */
    default int serverCount() {
        return 1;
    }

    /** The index, in {@link #stats()}'s order, of the server that holds {@code key}. */
    default int serverOf(String key) {
        return 0;
    }

    /**
     * Where keys go, as a namespace records it: {@code HASH SERVERS} with the servers as
     * {@link ServerPool#spec()} writes them ({@code modulo} for one server, which nginx does
     * not hash), then {@code " meta " + SERVERS} when metadata has servers of its own;
     * empty for a store in memory.
     */
    default java.util.Optional<String> placement() {
        return java.util.Optional.empty();
    }

    /**
     * The value of {@code key} on server {@code server} itself, wherever the store would
     * place the key: for an item that every server holds a copy of. Slow (a connection of
     * its own): for rare reads.
     *
     * @throws StoreException UNAVAILABLE when that server does not answer
     */
    default byte[] getOn(int server, String key) {
        Item item = await(get(key));
        return item == null ? null : item.value();
    }

    /** Stores {@code value} under {@code key} on server {@code server} itself, as {@link #getOn} reads it. */
    default void setOn(int server, String key, byte[] value) {
        await(set(key, value));
    }

    /** Server {@code server} as messages name it ({@code HOST:PORT}). */
    default String serverName(int server) {
        return stats().get(server).address();
    }

    /**
     * Makes every following operation on a key of {@code server} fail at once with
     * {@link StoreException.Kind#UNAVAILABLE} and {@code reason}, without reaching the
     * server, until {@link #unfence}: for a server that came back without the items it
     * held, where a read would show a file as missing and a write would put a file where
     * the rest of it is not. {@link #getOn} and {@link #setOn} still reach it. Only stores
     * of several servers can fence one.
     */
    default void fence(int server, String reason) {
        throw new UnsupportedOperationException("a store of one server fences none");
    }

    /**
     * Calls {@code listener} with a server's index each time the store connects to it again
     * after losing it (it may have restarted empty), on the store's I/O thread, before any
     * new request reaches it: the listener may only {@link #fence} and hand the rest to
     * another thread. A store that never loses a server never calls it.
     */
    default void onReconnect(IntConsumer listener) {
    }

    /** Undoes {@link #fence}. */
    default void unfence(int server) {
        throw new UnsupportedOperationException("a store of one server fences none");
    }

    /**
     * {@link #keys}, handed over one at a time instead of held in a list, for namespaces of
     * millions of keys: a key may be handed over more than once.
     *
     * @throws UnsupportedOperationException when a server does not allow it
     */
    default void forEachKey(String prefix, Consumer<String> each) {
        keys(prefix).forEach(each);
    }

    /**
     * Waits for {@code future} within the store's time bound, in total. A failure is thrown
     * as {@link StoreException} (a timeout as UNAVAILABLE); an unchecked exception that a
     * caller's own stage threw is thrown as it is.
     */
    <T> T await(CompletableFuture<T> future);

    @Override
    void close();

    /** A value with the token that a later {@link #cas} must present, and its flags. */
    record Item(byte[] value, long token, int flags) {
        public Item(byte[] value, long token) {
            this(value, token, 0);
        }
    }
}
