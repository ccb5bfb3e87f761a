package io.memfis.fs;

import io.memfis.fs.data.FileIo;
import io.memfis.fs.data.WritebackQueue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The saves of a writeback mount's closed files, taken together: those that become ready
 * at once (a batch of names stored) are saved by one thread with all their stores in
 * flight, one wait for all, instead of a thread woken and a round trip waited per file.
 * A file whose save fails there is saved again on its own, with the queue's retries, so
 * that it fails (and is reported) as it did alone.
 */
final class WritebackSaves {

    /** Files saved in one go at most: each holds its lock until the go is over. */
    static final int BATCH = 64;

    private final WritebackQueue queue;
    private final FileIo files;
    private final Writeback.Guard guard;
    /** Guarded by this. */
    private final List<Save> ready = new ArrayList<>();
    private boolean draining;

    private record Save(long fh, String path, CompletableFuture<Void> done) {
    }

    WritebackSaves(WritebackQueue queue, FileIo files, Writeback.Guard guard) {
        this.queue = queue;
        this.files = files;
        this.guard = guard;
    }

    /** Saves the file of {@code fh} (a handle the queue holds) soon, with others ready then. */
    CompletableFuture<Void> save(long fh, String path) {
        Save s = new Save(fh, path, new CompletableFuture<>());
        boolean start;
        synchronized (this) {
            ready.add(s);
            start = !draining;
            draining = true;
        }
        if (start) {
            queue.run(() -> {
                drain();
                return null;
            });
        }
        return s.done();
    }

    /** Saves what is ready, and what became ready meanwhile, until nothing is. */
    private void drain() {
        while (true) {
            List<Save> taken;
            synchronized (this) {
                if (ready.isEmpty()) {
                    draining = false;
                    return;
                }
                taken = new ArrayList<>(ready.subList(0, Math.min(BATCH, ready.size())));
                ready.subList(0, taken.size()).clear();
            }
            try {
                saveTogether(taken);
            } catch (RuntimeException | Error e) {
                // never leave a save unanswered: its file stays queued until it is
                taken.forEach(s -> s.done().completeExceptionally(e));
            }
        }
    }

    private void saveTogether(List<Save> saves) {
        List<Long> fhs = new ArrayList<>(saves.size());
        List<String> paths = new ArrayList<>(saves.size());
        for (Save s : saves) {
            fhs.add(s.fh());
            paths.add(s.path());
        }
        RuntimeException[] failures;
        try {
            failures = guard.run(() -> files.flushAll(fhs, paths));
        } catch (RuntimeException e) {
            failures = new RuntimeException[saves.size()];
            Arrays.fill(failures, e);
        }
        for (int i = 0; i < saves.size(); i++) {
            Save s = saves.get(i);
            if (failures[i] == null) {
                s.done().complete(null);
            } else {
                queue.run(() -> guard.run(() -> {
                    files.flush(s.fh(), s.path());
                    return null;
                })).whenComplete((v, failure) -> {
                    if (failure == null) {
                        s.done().complete(null);
                    } else {
                        s.done().completeExceptionally(failure);
                    }
                });
            }
        }
    }
}
