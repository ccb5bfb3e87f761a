package io.memfis.tools;

import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Raw access to the items of a namespace for the tools, which must see the layout as it is
 * stored (what the filesystem API hides: missing and extra keys, values that disagree).
 * Every change of a value others may change too goes through a compare-and-swap loop.
 */
final class Items {

    /** Keys asked for in one multi-get. */
    private static final int BATCH = 1000;
    private static final int CAS_ATTEMPTS = 100;

    private final Store store;

    Items(Store store) {
        this.store = store;
    }

    Store store() {
        return store;
    }

    byte[] get(String key) {
        Store.Item item = store.await(store.get(key));
        return item == null ? null : item.value();
    }

    /** The values of those {@code keys} that exist, a thousand keys per request. */
    Map<String, byte[]> getAll(Collection<String> keys) {
        Map<String, byte[]> out = new HashMap<>(keys.size() * 2);
        getItems(keys).forEach((k, item) -> out.put(k, item.value()));
        return out;
    }

    /** The items, flags included, of those {@code keys} that exist, a thousand keys per request. */
    Map<String, Store.Item> getItems(Collection<String> keys) {
        Map<String, Store.Item> out = new HashMap<>(keys.size() * 2);
        List<String> all = new ArrayList<>(keys);
        for (int i = 0; i < all.size(); i += BATCH) {
            out.putAll(store.await(store.getAll(all.subList(i, Math.min(all.size(), i + BATCH)))));
        }
        return out;
    }

    /** The item under {@code key}, flags included, or null. */
    Store.Item item(String key) {
        return store.await(store.get(key));
    }

    void set(String key, byte[] value) {
        store.await(store.set(key, value));
    }

    /** Stores the value only where there is none: false when the key exists. */
    boolean add(String key, byte[] value) {
        return store.await(store.add(key, value)).isPresent();
    }

    void delete(String key) {
        store.await(store.delete(key));
    }

    /** Deletes keys, all in flight together (absent ones are fine). */
    void deleteAll(Collection<String> keys) {
        List<CompletableFuture<Boolean>> pending = new ArrayList<>(keys.size());
        for (String k : keys) {
            pending.add(store.delete(k));
            if (pending.size() == BATCH) {
                pending.forEach(store::await);
                pending.clear();
            }
        }
        pending.forEach(store::await);
    }

    long incr(String key, long by) {
        return store.await(store.incr(key, by, by));
    }

    /**
     * Replaces the value under {@code key} with {@code change} of it, unless someone wrote it
     * in between (then reads and tries again). {@code change} gets null when the key is
     * absent and returns null to leave the item as it is.
     *
     * @return false when nothing was written
     */
    boolean edit(String key, UnaryOperator<byte[]> change) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Store.Item current = store.await(store.get(key));
            byte[] before = current == null ? null : current.value();
            byte[] after = change.apply(before);
            if (after == null || Arrays.equals(before, after)) {
                return false;
            }
            OptionalLong token = current == null
                    ? store.await(store.add(key, after))
                    : store.await(store.cas(key, current.token(), after));
            if (token.isPresent()) {
                return true;
            }
        }
        throw new ToolException("gave up writing " + key + ": it keeps changing (is a mount writing to it?)");
    }
}
