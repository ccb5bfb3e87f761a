package io.memfis.load;

import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load's threads. Sending the content of a file that exists already goes before
 * creating more entries: a file's open state stays short (its cached record is still fresh
 * when it is saved, so saving costs no extra lookup) and few files are open at once.
 * Otherwise first come, first served.
 */
final class Workers implements AutoCloseable {

    /** {@code order}: the sequence number, urgent ones first (a queue of thousands compares it often). */
    private record Task(Runnable work, long order) implements Runnable, Comparable<Task> {
        @Override
        public void run() {
            work.run();
        }

        @Override
        public int compareTo(Task o) {
            return Long.compare(order, o.order);
        }
    }

    private static final long ORDINARY = 1L << 62;

    private final ThreadPoolExecutor pool;
    private final AtomicLong seq = new AtomicLong();

    /** For entries and directories, in the order they were handed over. */
    final Executor ordinary = r -> submit(r, false);
    /** For the content of files already created. */
    final Executor urgent = r -> submit(r, true);

    Workers(int threads) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new PriorityBlockingQueue<>(64),
                r -> {
                    Thread t = new Thread(r, "memfis-load-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    private void submit(Runnable r, boolean urgent) {
        long n = seq.incrementAndGet();
        pool.execute(new Task(r, urgent ? n : ORDINARY + n));
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
