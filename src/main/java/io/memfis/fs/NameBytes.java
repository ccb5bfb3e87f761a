package io.memfis.fs;

import java.util.Collection;

/**
 * What names and paths cost the heap, and how much of it a cache of them may take. The
 * caches of names are bounded by these bytes, not by a count of entries: a count sized for
 * short names let 80,000 names of 240 characters fill a heap of 16 MB, where the JVM then
 * spent its time collecting. Each cache takes a share of the heap the JVM may grow to, so
 * that the launcher's heap keeps the room they had and a smaller one bounds them lower.
 */
public final class NameBytes {

    /**
     * A string's own header and its array's, and the slot of the map, set or list that holds
     * it, about (a map's node is 32 bytes, its table 8 per entry, twice as many as it holds).
     */
    private static final int OVERHEAD = 72;

    private NameBytes() {
    }

    /** About the bytes of heap that {@code s} and its slot in a collection take. */
    public static long of(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                return OVERHEAD + 2L * n; // not Latin-1: two bytes a character
            }
        }
        return OVERHEAD + n;
    }

    /** {@link #of(String)} of every name in {@code names}. */
    public static long of(Collection<String> names) {
        long bytes = 0;
        for (String n : names) {
            bytes += of(n);
        }
        return bytes;
    }

    /** About the bytes of heap that {@code count} names of {@code characters} Latin-1 characters in all take. */
    public static long of(int count, long characters) {
        return (long) count * OVERHEAD + characters;
    }

    /** One {@code divisor}th of the heap this JVM may grow to: what one cache may hold. */
    public static long heapShare(int divisor) {
        return Runtime.getRuntime().maxMemory() / divisor;
    }
}
