package io.memfis.tools;

import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Raw access to the items of a namespace for the tools, which must see the layout as it is
 * stored (what the filesystem API hides: missing and extra keys, values that disagree),
 * through the filesystem's typed store layer: its error translation and its
 * compare-and-swap loop for every change of a value others may change too.
 */
final class Items {

    /** Keys asked for in one multi-get, or deleted in one batch. */
    private static final int BATCH = 1000;

    private final Kv kv;

    Items(Store store) {
        this.kv = new Kv(store);
    }

    byte[] get(String key) {
        return kv.getBytes(key);
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
            out.putAll(kv.getItems(all.subList(i, Math.min(all.size(), i + BATCH))));
        }
        return out;
    }

    /** The item under {@code key}, flags included, or null. */
    Store.Item item(String key) {
        return kv.await(kv.getAsync(key));
    }

    void set(String key, byte[] value) {
        kv.set(key, value);
    }

    /** Stores the value only where there is none: false when the key exists. */
    boolean add(String key, byte[] value) {
        return kv.add(key, value, Codec.BYTES).isPresent();
    }

    void delete(String key) {
        kv.delete(key);
    }

    /** Deletes keys, a thousand in flight together (absent ones are fine). */
    void deleteAll(Collection<String> keys) {
        List<String> all = new ArrayList<>(keys);
        for (int i = 0; i < all.size(); i += BATCH) {
            kv.deleteAll(all.subList(i, Math.min(all.size(), i + BATCH)));
        }
    }

    long incr(String key, long by) {
        return kv.incr(key, by, by);
    }

    /**
     * Replaces the value under {@code key} with {@code change} of it, unless someone wrote it
     * in between (then reads and tries again). {@code change} gets null when the key is
     * absent and returns null to leave the item as it is.
     *
     * @return false when nothing was written
     */
    boolean edit(String key, UnaryOperator<byte[]> change) {
        boolean[] wrote = new boolean[1];
        kv.modify(key, Codec.BYTES, null, before -> {
            byte[] after = change.apply(before);
            wrote[0] = after != null && !Arrays.equals(before, after);
            return wrote[0] ? after : before;
        });
        return wrote[0];
    }
}
