package io.memfis.layout;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Which parts of a file stored in parts were written, as sorted, disjoint ranges of part
 * numbers: a part inside the file's size and outside every range is a hole, never stored,
 * and reads as zeros; a part inside a range that memcached lacks was lost. {@link #ALL},
 * the value of a record without the field (every record before holes were recorded), means
 * every part below the size was written. A file of one item has no parts: ALL.
 */
public final class PartRanges {

    /** Every part below the file's size. */
    public static final PartRanges ALL = new PartRanges(null);
    /** The most ranges a record holds; a file written in more pieces stores its shortest holes as empty parts. */
    public static final int MAX_RANGES = 64;

    /** From (inclusive), to (exclusive), pairwise; null for ALL. */
    private final long[] bounds;

    private PartRanges(long[] bounds) {
        this.bounds = bounds;
    }

    /** Ranges as they are stored in a record: from, to, from, to...; sorted, disjoint, not empty. */
    public static PartRanges ofBounds(long[] bounds) {
        if (bounds.length % 2 != 0) {
            throw new IllegalArgumentException("part ranges need pairs of numbers: " + Arrays.toString(bounds));
        }
        for (int i = 0; i < bounds.length; i += 2) {
            if (bounds[i] < (i == 0 ? 0 : bounds[i - 1] + 1) || bounds[i + 1] <= bounds[i]) {
                throw new IllegalArgumentException("part ranges not sorted and disjoint: " + Arrays.toString(bounds));
            }
        }
        return new PartRanges(bounds.clone());
    }

    /** The set bits of {@code written} below {@code count}; ALL when that is every part (the record then needs no field). */
    public static PartRanges of(BitSet written, long count) {
        int n = (int) count;
        if (written.nextClearBit(0) >= n) {
            return ALL;
        }
        long[] b = new long[8];
        int len = 0;
        for (int from = written.nextSetBit(0); from >= 0 && from < n; from = written.nextSetBit(from)) {
            int to = Math.min(n, written.nextClearBit(from));
            if (len == b.length) {
                b = Arrays.copyOf(b, len * 2);
            }
            b[len++] = from;
            b[len++] = to;
            from = to;
        }
        return new PartRanges(Arrays.copyOf(b, len));
    }

    public boolean isAll() {
        return bounds == null;
    }

    /** The bounds as stored (from, to, ...); only when not ALL. */
    public long[] bounds() {
        return bounds.clone();
    }

    public int rangeCount() {
        return bounds == null ? 1 : bounds.length / 2;
    }

    /** The written parts among the {@code count} a file of its size has. */
    public BitSet bits(long count) {
        BitSet bits = new BitSet();
        if (bounds == null) {
            bits.set(0, (int) count);
            return bits;
        }
        for (int i = 0; i < bounds.length && bounds[i] < count; i += 2) {
            bits.set((int) bounds[i], (int) Math.min(count, bounds[i + 1]));
        }
        return bits;
    }

    /** Bytes the written parts of a file of {@code size} may hold: what {@code st_blocks} counts. */
    public long storedBytes(long size, int partSize) {
        if (bounds == null) {
            return size;
        }
        long bytes = 0;
        for (int i = 0; i < bounds.length && bounds[i] * partSize < size; i += 2) {
            bytes += Math.min(size, bounds[i + 1] * partSize) - bounds[i] * partSize;
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartRanges other && Arrays.equals(bounds, other.bounds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds);
    }

    @Override
    public String toString() {
        return bounds == null ? "all" : Arrays.toString(bounds);
    }
}
