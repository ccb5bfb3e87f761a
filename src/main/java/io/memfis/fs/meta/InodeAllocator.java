package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.kv.Kv;
import io.memfis.layout.Keys;

import java.util.ArrayList;
import java.util.List;

/**
 * Allocates inode numbers, unique across every mount of the namespace: each mount takes a
 * block from the shared counter with one {@code incr} and hands its numbers out locally.
 */
public final class InodeAllocator {

    static final long ROOT = 1;
    private static final int BLOCK = 64;

    private final Kv kv;
    private final Keys keys;
    private long next;
    private long end;
    /** Numbers left in blocks that {@link #reserve} gave up. */
    private long skipped;
    /** The blocks this mount took, as {first, last}, merged where they follow each other: its own numbers. */
    private final List<long[]> taken = new ArrayList<>();

    public InodeAllocator(Kv kv, Keys keys) {
        this.kv = kv;
        this.keys = keys;
    }

    synchronized long allocate() {
        if (next >= end) {
            long top = take(BLOCK);
            next = top - BLOCK + 1;
            end = top + 1;
        }
        return next++;
    }

    /**
     * Makes sure that the next {@code count} numbers need no request: a run of new names
     * numbered one after the other waits once for its numbers, not once per 64. The blocks
     * are those that allocating one by one would take (the counter ends where it would),
     * unless another mount took numbers in between: then what was left of this mount's
     * block is skipped, and counted as freed at {@link #giveBack}.
     */
    synchronized void reserve(int count) {
        long missing = count - (end - next);
        if (missing > 0) {
            int block = (int) ((missing + BLOCK - 1) / BLOCK * BLOCK);
            long top = take(block);
            long from = top - block + 1;
            if (from != end) {
                skipped += end - next;
                next = from;
            }
            end = top + 1;
        }
    }

    /** Takes {@code block} numbers from the shared counter: the highest. */
    private long take(int block) {
        long top = kv.incr(keys.inodeCounter(), block, 0);
        if (top < block) {
            // incr created the counter: it was gone, and numbers from it could repeat old ones
            kv.delete(keys.inodeCounter());
            throw new FsException(Errno.EIO, "the inode counter " + keys.inodeCounter()
                    + " is missing (evicted, or memcached restarted); run memfis check --repair");
        }
        long first = top - block + 1;
        long[] last = taken.isEmpty() ? null : taken.get(taken.size() - 1);
        if (last != null && last[1] + 1 == first) {
            last[1] = top;
        } else {
            taken.add(new long[]{first, top});
        }
        return top;
    }

    /** Whether this mount took {@code ino} from the counter: a record of that number is one it made. */
    synchronized boolean isOwn(long ino) {
        for (long[] block : taken) {
            if (ino >= block[0] && ino <= block[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts the numbers of this mount's blocks that it never handed out as freed, so that
     * statfs counts the inodes in use, not those taken (until then it counts those too: up
     * to 63 per mount or load, more when a load's blocks were interleaved with another's).
     */
    public synchronized void giveBack() {
        long unused = end - next + skipped;
        if (unused > 0) {
            kv.incr(keys.freedCounter(), unused, unused);
            next = end;
            skipped = 0;
        }
    }

    /** Counts an inode that no name refers to any more, for statfs. */
    void freed() {
        kv.incr(keys.freedCounter(), 1, 1);
    }
}
