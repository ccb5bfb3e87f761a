package io.memfis.tools;

import io.memfis.fs.DirEntry;
import io.memfis.fs.FsException;
import io.memfis.fs.MemFs;
import io.memfis.fs.PathNames;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code memfis export}: writes a namespace to a local directory as {@code cp -a} would,
 * through the filesystem API: content (holes stay holes), modes with the set-id and sticky
 * bits, owners, access and modification times to the nanosecond, symlinks as they are,
 * hard links as hard links, extended attributes, fifos, sockets and devices. The root's
 * attributes go to the directory itself. A path that cannot be exported is reported and
 * skipped; the rest goes on.
 *
 * <p>The calling thread walks the namespace a directory at a time, depth first, and makes
 * the local directories; {@value #JOBS} workers export everything else, each entry fetched
 * (a round trip to memcached) and written while the others wait for theirs. At most
 * {@value #QUEUED} entries are handed over and not done, so memory holds the listings on the
 * way down and those entries, not the tree. A directory's own attributes are set once
 * everything below it is done (its mode may forbid what was written into it, and each new
 * name changes its times).
 */
public final class Export {

    /** Read at once from memfis: one part, so a large file moves part by part. */
    private static final int CHUNK = 1 << 20;
    /** A block of zeros this large is left as a hole: the block size of local filesystems. */
    private static final int BLOCK = 4096;
    /** Entries exported at once: enough that waiting for memcached overlaps the local writes. */
    static final int JOBS = 16;
    /** Entries handed to the workers and not done, at most. */
    private static final int QUEUED = 8 * JOBS;

    /**
     * What an export did.
     *
     * @param ownersKept false when this user may not give files away (not root): owners are its own
     */
    public record Result(long entries, long bytes, int failures, boolean ownersKept) {
    }

    private final MemFs fs;
    private final Consumer<String> failures;
    /** The first local name of each file with several names, once it is written: its other names become hard links to it. */
    private final Map<Long, CompletableFuture<Path>> linked = new ConcurrentHashMap<>();
    /** Each worker's buffer for content. */
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[CHUNK]);
    private final ExecutorService workers;
    private final Semaphore queued = new Semaphore(QUEUED);
    /** Set when the root directory and everything below it is done. */
    private final CountDownLatch allDone = new CountDownLatch(1);
    /** An error that is no path's own (a bug): the export stops and throws it. */
    private final AtomicReference<RuntimeException> broken = new AtomicReference<>();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile boolean ownersKept = true;

    private Export(MemFs fs, Consumer<String> failures) {
        this.fs = fs;
        this.failures = failures;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(JOBS, JOBS, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "memfis-export-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // every worker waits at the queue from the start: an entry never overtakes one handed over before it
        pool.prestartAllCoreThreads();
        this.workers = pool;
    }

    /**
     * Exports everything in {@code fs} to {@code target}, which must be an empty directory or
     * not exist yet (its parent must); each path that fails goes to {@code failures} as one
     * line, from any thread, one line at a time.
     *
     * @throws ToolException when the target cannot be used
     */
    public static Result run(MemFs fs, Path target, Consumer<String> failures) {
        prepare(target);
        Export export = new Export(fs, failures);
        try {
            export.directory(new Directory(null, "/", target, fs.getattr("/")));
            export.allDone.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("export interrupted", e);
        } finally {
            export.stop();
        }
        RuntimeException bug = export.broken.get();
        if (bug != null) {
            throw bug;
        }
        return new Result(export.entries.get(), export.bytes.get(), export.failed.get(), export.ownersKept);
    }

    private static void prepare(Path target) {
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ToolException(target + " is not a directory");
                }
                try (DirectoryStream<Path> in = Files.newDirectoryStream(target)) {
                    if (in.iterator().hasNext()) {
                        throw new ToolException(target + " is not empty: export writes into an empty or new directory");
                    }
                }
            } else {
                Files.createDirectory(target);
            }
        } catch (IOException e) {
            throw new ToolException("cannot use " + target + ": " + e.getMessage(), e);
        }
    }

    /** The workers finish what they have; after a bug, they are interrupted. */
    private void stop() {
        if (broken.get() != null) {
            workers.shutdownNow();
        } else {
            workers.shutdown();
        }
        try {
            workers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A directory on its way: its attributes are set when the entries it lists are done, and
     * then it counts as done in its parent.
     */
    private static final class Directory {
        final Directory parent;
        final String path;
        final Path local;
        final Attributes attributes;
        /** Entries handed over and not done, plus one until its listing has been handed over. */
        final AtomicInteger unfinished = new AtomicInteger(1);

        Directory(Directory parent, String path, Path local, Attributes attributes) {
            this.parent = parent;
            this.path = path;
            this.local = local;
            this.attributes = attributes;
        }
    }

    /** Lists {@code dir}, makes its directories and walks into them, and hands everything else to the workers. */
    private void directory(Directory dir) {
        List<DirEntry> children;
        try {
            children = fs.readdir(dir.path);
        } catch (FsException e) {
            fail(dir.path, e.getMessage());
            children = List.of();
        }
        for (DirEntry e : children) {
            RuntimeException bug = broken.get();
            if (bug != null) {
                throw bug;
            }
            String child = PathNames.child(dir.path, e.name());
            if (e.attributes() == null) {
                fail(child, "listed, but its record is missing (see memfis check)");
                continue;
            }
            Path local = dir.local.resolve(e.name());
            Attributes a = e.attributes();
            entries.incrementAndGet();
            if (a.type() == FileType.DIRECTORY) {
                try {
                    Files.createDirectory(local);
                } catch (IOException x) {
                    fail(child, x.getMessage());
                    continue;
                }
                dir.unfinished.incrementAndGet();
                directory(new Directory(dir, child, local, a));
            } else {
                dir.unfinished.incrementAndGet();
                queued.acquireUninterruptibly();
                workers.execute(() -> {
                    try {
                        entry(child, local, a);
                    } finally {
                        queued.release();
                        done(dir);
                    }
                });
            }
        }
        done(dir);
    }

    /** One of {@code dir}'s entries is done: the last one sets its attributes. */
    private void done(Directory dir) {
        for (Directory d = dir; d != null && d.unfinished.decrementAndGet() == 0; d = d.parent) {
            Directory finished = d;
            guarded(d.path, () -> attributes(finished.path, finished.local, finished.attributes));
            if (d.parent == null) {
                allDone.countDown();
            }
        }
    }

    /** An entry that is not a directory. */
    private void entry(String path, Path local, Attributes a) {
        guarded(path, () -> {
            switch (a.type()) {
                case FILE -> {
                    if (a.nlink() > 1) {
                        linkedFile(path, local, a);
                        return;
                    }
                    copy(path, local);
                }
                case SYMLINK -> LocalFiles.symlink(a.target(), local);
                default -> LocalFiles.mknod(local, a.stMode(), a.rdev());
            }
            attributes(path, local, a);
        });
    }

    /** The first name of a file with several names to get here is written; the others wait for it, then link to it. */
    private void linkedFile(String path, Path local, Attributes a) throws IOException {
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> first = linked.putIfAbsent(a.ino(), mine);
        if (first != null) {
            // the first is being written by another worker (it claimed the file as it began): no cycle
            Files.createLink(local, first.join());
            return;
        }
        try {
            copy(path, local);
            attributes(path, local, a);
        } finally {
            mine.complete(local);
        }
    }

    /** What exporting a path does, which may fail with a local or a memfis error. */
    private interface Step {
        void run() throws IOException;
    }

    /** Runs {@code step}; a failure of the path is reported, anything else stops the export. */
    private void guarded(String path, Step step) {
        try {
            step.run();
        } catch (IOException | FsException x) {
            fail(path, x.getMessage());
        } catch (RuntimeException | Error x) {
            RuntimeException bug = x instanceof RuntimeException r ? r : new IllegalStateException(x.toString(), x);
            broken.compareAndSet(null, bug);
            allDone.countDown();
        }
    }

    /** Copies a file's content; holes and blocks of zeros are skipped, so holes stay holes. */
    private void copy(String path, Path local) throws IOException {
        byte[] buffer = buffers.get();
        long fh = fs.open(path, 0);
        try (RandomAccessFile out = new RandomAccessFile(local.toFile(), "rw")) {
            long offset = fs.dataFrom(fh, 0);
            int n;
            while ((n = fs.read(fh, path, offset, buffer, CHUNK)) > 0) {
                writeData(out, buffer, offset, n);
                offset = fs.dataFrom(fh, offset + n);
            }
            out.setLength(offset); // the end of the last read, or the size when the file ends in a hole
            bytes.addAndGet(offset);
        } finally {
            fs.release(fh, path);
        }
    }

    /**
     * Owner first (chown clears the set-id bits), then extended attributes (before a mode
     * that may forbid writing them), the mode, and the times last (everything else changes them).
     */
    private void attributes(String path, Path local, Attributes a) throws IOException {
        try {
            LocalFiles.lchown(local, a.uid(), a.gid());
        } catch (IOException e) {
            if (!LocalFiles.notPermitted(e)) {
                throw e;
            }
            ownersKept = false;
        }
        if (a.xattrs()) {
            for (String name : fs.listxattr(path)) {
                LocalFiles.setXattr(local, name, fs.getxattr(path, name));
            }
        }
        if (a.type() != FileType.SYMLINK) {
            LocalFiles.chmod(local, a.mode());
        }
        LocalFiles.setTimes(local, a.atime(), a.mtime());
    }

    private void fail(String path, String message) {
        failed.incrementAndGet();
        synchronized (failures) {
            failures.accept(path + ": " + message);
        }
    }

    /** Writes the first {@code n} bytes of the buffer at {@code offset}, each run of blocks that are not all zeros at once. */
    private static void writeData(RandomAccessFile out, byte[] buffer, long offset, int n) throws IOException {
        int runStart = -1;
        for (int block = 0; block < n; block += BLOCK) {
            boolean data = !zeros(buffer, block, Math.min(n, block + BLOCK));
            if (data && runStart < 0) {
                runStart = block;
            } else if (!data && runStart >= 0) {
                out.seek(offset + runStart);
                out.write(buffer, runStart, block - runStart);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            out.seek(offset + runStart);
            out.write(buffer, runStart, n - runStart);
        }
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
