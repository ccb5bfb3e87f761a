package io.memfis.fs;

import io.memfis.fs.data.FileIo;
import io.memfis.fs.data.WritebackQueue;
import io.memfis.fs.meta.Catalog;
import io.memfis.fs.meta.Listings;
import io.memfis.fs.meta.NewNames;
import io.memfis.fs.meta.WritebackNames;
import io.memfis.fs.meta.Entry;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The writeback mode of a mount: {@code create} answers once this mount has reserved the
 * name ({@link WritebackNames}), {@code close} once the file is queued
 * ({@link WritebackQueue}), and both are stored in the background. Until then the mount
 * answers from what it holds: the reserved name, and the file held open with its unsaved
 * content. Operations that change a name or a directory wait first for what is queued at
 * or below it, so that they act on what is stored.
 */
final class Writeback implements AutoCloseable {

    /** What a reserved name holds in memory, about: its record and bookkeeping. */
    static final long NAME_BYTES = 1024;

    /** Runs an operation as the filesystem runs its changes (under its tree lock). */
    interface Guard {
        <T> T run(Supplier<T> op);
    }

    private final WritebackQueue queue;
    private final HeldMemory memory;
    private final WritebackNames names;
    private final WritebackSaves saves;
    private final FileIo files;
    private final Guard guard;

    Writeback(long memoryCap, NewNames newNames, Catalog catalog, Listings listings, FileIo files, Guard guard) {
        this.queue = new WritebackQueue(memoryCap);
        this.memory = new HeldMemory(queue);
        this.names = new WritebackNames(newNames, catalog, listings, attempt -> queue.run(() -> guard.run(attempt)));
        this.saves = new WritebackSaves(queue, files, guard);
        this.files = files;
        this.guard = guard;
    }

    /** Creates and opens a regular file; its name is stored in the background. */
    long create(String path, int mode, int uid, int gid, int flags) {
        queue.reserve(NAME_BYTES);
        WritebackNames.Reservation r;
        try {
            r = guard.run(() -> names.reserve(path, mode, uid, gid));
        } catch (RuntimeException failure) {
            queue.free(NAME_BYTES);
            throw failure;
        }
        queue.begin(path);
        long ino = r.local().ino();
        r.stored().whenComplete((stored, failure) -> {
            if (failure != null) {
                files.abandon(ino);
                queue.failed(path, failure);
            }
            queue.end(path);
            queue.free(NAME_BYTES);
        });
        return files.openNew(r.local().ino(), flags);
    }

    /**
     * Queues what was written through {@code fh} (close): it is stored in the background,
     * after the file's name. A writer waits here while the queue holds its memory cap. A
     * file queued already is stored once, with what was written since: its hold's share of
     * the cap grows to what the file holds now.
     */
    void queue(long fh, String path) {
        long ino = files.inodeOf(fh);
        long bytes = files.memoryOf(fh) + NAME_BYTES;
        long held = files.holdForWriteback(fh);
        if (held < 0) {
            memory.topUp(ino, bytes);
            return;
        }
        memory.hold(ino, bytes);
        queue.begin(path);
        CompletableFuture<Entry> named = names.stored(path);
        named.handle((e, nameFailure) -> nameFailure)
                .thenCompose(nameFailure -> nameFailure != null ? CompletableFuture.<Void>failedFuture(nameFailure)
                        : saves.save(held, path))
                .whenComplete((v, saveFailure) -> {
                    boolean nameLost = named.isCompletedExceptionally();
                    Throwable failure = saveFailure;
                    try {
                        if (nameLost) {
                            files.abandon(ino);
                        }
                        guard.run(() -> {
                            files.releaseHeld(held, path);
                            return null;
                        });
                    } catch (RuntimeException last) {
                        failure = failure != null ? failure : last;
                    }
                    // a lost name was reported when it failed
                    if (failure != null && !nameLost) {
                        queue.failed(path, failure);
                    }
                    queue.end(path);
                    memory.free(ino);
                });
    }

    /** fsync: waits until everything queued is stored; EIO when a store failed since the last fsync. */
    void sync() {
        names.hurry();
        queue.awaitIdle();
        queue.check();
    }

    /** Waits until nothing is queued at {@code path} or below it. */
    void settle(String path) {
        if (queue.busyWithin(path)) {
            names.hurry();
            queue.awaitWithin(path);
        }
    }

    boolean busyWithin(String path) {
        return queue.busyWithin(path);
    }

    /** Every store that failed since the mount began. */
    List<WritebackQueue.Failure> failures() {
        return queue.failures();
    }

    /** Waits until everything is stored or has failed for good. */
    @Override
    public void close() {
        names.drain();
        queue.close();
        names.close();
    }
}
