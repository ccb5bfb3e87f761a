package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.kv.Kv;
import io.memfis.layout.Keys;

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

    public InodeAllocator(Kv kv, Keys keys) {
        this.kv = kv;
        this.keys = keys;
    }

    synchronized long allocate() {
        if (next >= end) {
            long top = kv.incr(keys.inodeCounter(), BLOCK, 0);
            if (top < BLOCK) {
                // incr created the counter: it was gone, and numbers from it could repeat old ones
                kv.delete(keys.inodeCounter());
                throw new FsException(Errno.EIO, "the inode counter " + keys.inodeCounter()
                        + " is missing (evicted, or memcached restarted); run memfis check --repair");
            }
            next = top - BLOCK + 1;
            end = top + 1;
        }
        return next++;
    }

    /**
     * Counts the numbers of this mount's block that it never handed out as freed, so that
     * statfs counts the inodes in use, not those taken (up to 63 more per mount or load).
     */
    public synchronized void giveBack() {
        long unused = end - next;
        if (unused > 0) {
            kv.incr(keys.freedCounter(), unused, unused);
            next = end;
        }
    }

    /** Counts an inode that no name refers to any more, for statfs. */
    void freed() {
        kv.incr(keys.freedCounter(), 1, 1);
    }
}
