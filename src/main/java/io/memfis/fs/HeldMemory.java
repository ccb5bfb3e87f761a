package io.memfis.fs;

import io.memfis.fs.data.WritebackQueue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of the writeback memory cap each held file has taken, by inode. A file is held
 * once however often it is closed until its store is made, and that one store saves what
 * every close queued; so a later close (dd closes the duplicate of its output first, while
 * the file is still empty) must grow the file's reservation to what it holds now rather
 * than reserve beside it and free at once, which let writers past the cap.
 */
final class HeldMemory {

    private final WritebackQueue queue;
    private final Map<Long, Reservation> byInode = new ConcurrentHashMap<>();

    /** Guarded by itself. */
    private static final class Reservation {
        long bytes;
        boolean freed;
    }

    HeldMemory(WritebackQueue queue) {
        this.queue = queue;
    }

    /**
     * A new hold on {@code ino}: takes {@code bytes} of the cap, waiting while the queue
     * holds too much; {@link #free} gives it back when the hold ends.
     */
    void hold(long ino, long bytes) {
        Reservation r = new Reservation();
        byInode.put(ino, r);
        grow(r, bytes);
    }

    /**
     * The file {@code ino}, held already, holds {@code bytes} now: its reservation grows to
     * that (waiting at the cap as a new one does). Nothing when it is not held.
     */
    void topUp(long ino, long bytes) {
        Reservation r = byInode.get(ino);
        if (r != null) {
            grow(r, bytes);
        }
    }

    private void grow(Reservation r, long bytes) {
        long more;
        synchronized (r) {
            more = bytes - r.bytes;
        }
        if (more <= 0) {
            return;
        }
        queue.reserve(more);
        boolean late;
        synchronized (r) {
            late = r.freed;
            if (!late) {
                r.bytes += more;
            }
        }
        if (late) {
            queue.free(more);
        }
    }

    /** The hold on {@code ino} ended: its reservation goes back to the cap. */
    void free(long ino) {
        Reservation r = byInode.remove(ino);
        if (r == null) {
            return;
        }
        long bytes;
        synchronized (r) {
            r.freed = true;
            bytes = r.bytes;
        }
        queue.free(bytes);
    }
}
