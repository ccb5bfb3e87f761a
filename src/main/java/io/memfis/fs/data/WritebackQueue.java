package io.memfis.fs.data;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.PathNames;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The stores a writeback mount has answered for but not made yet: the memory they hold
 * (bounded: a writer waits at the cap), the paths they concern (so that an operation on
 * one can wait for them), their runs on a pool of threads, many in flight, with retries,
 * and the failures, kept until an fsync reports them. It knows paths and jobs, not what a
 * job stores.
 */
public final class WritebackQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WritebackQueue.class);

    /** Stores in flight at most: each waits for memcached in a thread of its own. */
    static final int THREADS = 16;
    /**
     * Pauses before the attempts after a failure that may pass: memcached gone or slow (EIO)
     * may be back within seconds (a restart, a network hiccup): about 25 s of tries, plus the
     * --timeout of each. A full one (ENOSPC, with -M)
     * frees nothing by itself: one more try, for a file someone removed meanwhile.
     */
    private static final long[] RETRY_MILLIS = {250, 500, 1000, 2000, 4000, 8000, 8000};
    private static final int ENOSPC_RETRIES = 1;

    /** A store that could not be made: the path it was for, and why. */
    public record Failure(String path, String reason) {
    }

    private final long capacity;
    private final ExecutorService pool;
    private final ScheduledExecutorService retries;
    /** Guarded by this: memory held, work outstanding per path, failures. */
    private long inUse;
    private final Map<String, Integer> outstanding = new HashMap<>();
    private int total;
    private final List<Failure> failures = new ArrayList<>();
    private int reported;
    private boolean closed;

    public WritebackQueue(long capacity) {
        this.capacity = capacity;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(THREADS, r -> daemon(r, "memfis-writeback-" + n.incrementAndGet()));
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "memfis-writeback-retry"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    long capacity() {
        return capacity;
    }

    /**
     * Takes {@code bytes} of the memory cap, waiting while the queue holds too much; a
     * reservation larger than the cap waits until the queue holds nothing.
     */
    public synchronized void reserve(long bytes) {
        long want = Math.min(bytes, capacity);
        boolean interrupted = false;
        while (inUse > 0 && inUse + want > capacity) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        inUse += want;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void free(long bytes) {
        inUse -= Math.min(bytes, capacity);
        notifyAll();
    }

    /** Memory held now by what waits to be stored. */
    public synchronized long inUse() {
        return inUse;
    }

    /** Work on {@code path} begins: operations on it (or above it) wait until it {@link #end}s. */
    public synchronized void begin(String path) {
        outstanding.merge(path, 1, Integer::sum);
        total++;
    }

    public synchronized void end(String path) {
        outstanding.computeIfPresent(path, (p, n) -> n == 1 ? null : n - 1);
        total--;
        notifyAll();
    }

    /** Waits until nothing is outstanding at {@code path} or below it. */
    public synchronized void awaitWithin(String path) {
        awaitWhile(() -> anyWithin(path));
    }

    private boolean anyWithin(String path) {
        if (outstanding.containsKey(path)) {
            return true;
        }
        for (String p : outstanding.keySet()) {
            if (PathNames.isWithin(p, path)) {
                return true;
            }
        }
        return false;
    }

    /** Whether anything is outstanding at {@code path} or below. */
    public synchronized boolean busyWithin(String path) {
        return anyWithin(path);
    }

    /** Waits until nothing at all is outstanding. */
    public synchronized void awaitIdle() {
        awaitWhile(() -> total > 0);
    }

    /** Waits, uninterruptibly (what is queued must be stored), while {@code busy} holds. */
    private synchronized void awaitWhile(BooleanSupplier busy) {
        boolean interrupted = false;
        while (busy.getAsBoolean()) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code attempt} on the pool, again after a pause when it fails with EIO or
     * ENOSPC (memcached gone, hanging or full may pass), up to a few times: the future
     * fails with the last failure.
     */
    public CompletableFuture<Void> run(Supplier<?> attempt) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pool.execute(() -> attempt(attempt, 0, done));
        return done;
    }

    private void attempt(Supplier<?> attempt, int failed, CompletableFuture<Void> done) {
        try {
            attempt.get();
            done.complete(null);
        } catch (FsException e) {
            if (failed < retriesFor(e)) {
                retries.schedule(() -> pool.execute(() -> attempt(attempt, failed + 1, done)),
                        RETRY_MILLIS[failed], TimeUnit.MILLISECONDS);
            } else {
                done.completeExceptionally(e);
            }
        } catch (RuntimeException | Error e) {
            done.completeExceptionally(e);
        }
    }

    private static int retriesFor(FsException e) {
        return e.errno() == Errno.EIO ? RETRY_MILLIS.length : e.errno() == Errno.ENOSPC ? ENOSPC_RETRIES : 0;
    }

    /** A store that will not be made: logged now with its path, reported by the next {@link #check}. */
    public void failed(String path, Throwable why) {
        Throwable cause = why.getCause() != null && !(why instanceof FsException) ? why.getCause() : why;
        String reason = cause instanceof FsException f ? f.errno() + ": " + f.getMessage() : cause.toString();
        synchronized (this) {
            failures.add(new Failure(path, reason));
        }
        log.error("writeback: could not store {} ({}); what was written to it since its last store is lost", path, reason);
    }

    /** EIO when a store failed since the last check: what fsync says. */
    public void check() {
        Failure first;
        int count;
        synchronized (this) {
            if (reported == failures.size()) {
                return;
            }
            first = failures.get(reported);
            count = failures.size() - reported;
            reported = failures.size();
        }
        throw new FsException(Errno.EIO, count + " file(s) of this mount could not be stored, the first "
                + first.path() + " (" + first.reason() + "); see the log");
    }

    /** Every store that failed since the mount began. */
    public synchronized List<Failure> failures() {
        return new ArrayList<>(failures);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Waits until everything queued is stored or has failed for good, then stops the threads. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (total > 0) {
                log.info("writeback: storing what is still queued ({} file(s), {} bytes)", total, inUse);
            }
        }
        awaitIdle();
        synchronized (this) {
            closed = true;
        }
        pool.shutdown();
        retries.shutdownNow();
        List<Failure> lost = failures();
        if (lost.isEmpty()) {
            log.info("writeback: everything is stored");
        } else {
            log.error("writeback: {} file(s) could not be stored; the log names each above", lost.size());
        }
    }
}
