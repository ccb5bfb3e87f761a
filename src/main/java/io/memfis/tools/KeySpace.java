package io.memfis.tools;

import io.memfis.layout.Keys;
import io.memfis.store.Store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The keys a namespace holds, as the servers list them ({@code lru_crawler metadump all}),
 * taken before the walk: each key the walk expects is crossed off, and what is left at the
 * end is what no name leads to (orphans). Listed first, so that a key written while the walk
 * runs is never taken for an orphan; where a server does not list keys, orphans are not
 * searched and {@link #unlisted} says why.
 *
 * <p>A million files are two million keys, too many to hold as strings in a small heap: the
 * listing keeps a 64-bit fingerprint of each key (the first 8 bytes of its SHA-256), sorted,
 * and a bit per fingerprint for "crossed off", 8 bytes a key. The names of the keys left are
 * taken from a second listing at the end (a key deleted meanwhile is no orphan any more).
 * An orphan whose fingerprint equals that of an expected key would go unreported: with n
 * keys, a chance of about n² / 2⁶⁵ (10⁻⁷ for two million).
 */
final class KeySpace {

    private final Store store;
    private final Keys keys;
    private final MessageDigest sha256;
    /** The listed keys' fingerprints, sorted, each once; null when keys cannot be listed. */
    private final long[] listed;
    private final BitSet crossed;
    private final String unlisted;

    private KeySpace(Store store, Keys keys, long[] listed, String unlisted) {
        this.store = store;
        this.keys = keys;
        this.sha256 = sha256();
        this.listed = listed;
        this.crossed = new BitSet(listed == null ? 0 : listed.length);
        this.unlisted = unlisted;
    }

    static KeySpace list(Store store, Keys keys) {
        KeySpace fingerprints = new KeySpace(store, keys, null, null);
        try {
            long[][] all = {new long[1024]};
            int[] n = {0};
            store.forEachKey(keys.prefix(), k -> {
                if (keys.owns(k)) {
                    if (n[0] == all[0].length) {
                        all[0] = Arrays.copyOf(all[0], n[0] * 2);
                    }
                    all[0][n[0]++] = fingerprints.fingerprint(k);
                }
            });
            long[] sorted = Arrays.copyOf(all[0], n[0]);
            all[0] = null;
            Arrays.sort(sorted);
            return new KeySpace(store, keys, distinct(sorted), null);
        } catch (UnsupportedOperationException e) {
            return new KeySpace(store, keys, null, e.getMessage());
        }
    }

    /** Why orphans are not searched, or null when they are. */
    String unlisted() {
        return unlisted;
    }

    /** Crosses off a key that a name, a node or the namespace itself accounts for. */
    void expect(String key) {
        int at = indexOf(key);
        if (at >= 0) {
            crossed.set(at);
        }
    }

    void expectAll(Collection<String> keys) {
        for (String k : keys) {
            expect(k);
        }
    }

    /**
     * The keys nothing accounted for, sorted, from a second listing: those listed the first
     * time and never crossed off. Empty when keys could not be listed.
     */
    List<String> leftovers() {
        if (listed == null || crossed.cardinality() == listed.length) {
            return List.of();
        }
        TreeSet<String> left = new TreeSet<>();
        store.forEachKey(keys.prefix(), k -> {
            if (keys.owns(k)) {
                int at = indexOf(k);
                if (at >= 0 && !crossed.get(at)) {
                    left.add(k);
                }
            }
        });
        return new ArrayList<>(left);
    }

    private int indexOf(String key) {
        if (listed == null) {
            return -1;
        }
        int at = Arrays.binarySearch(listed, fingerprint(key));
        return at < 0 ? -1 : at;
    }

    private synchronized long fingerprint(String key) {
        byte[] d = sha256.digest(key.getBytes(StandardCharsets.UTF_8));
        long f = 0;
        for (int i = 0; i < 8; i++) {
            f = f << 8 | d[i] & 0xff;
        }
        return f;
    }

    private static long[] distinct(long[] sorted) {
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, n);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
