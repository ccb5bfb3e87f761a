package io.memfis.load;

import io.memfis.fs.MemFs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Copies a local tree into a namespace without FUSE, through the same {@link MemFs} calls
 * the mount makes for {@code cp -a DIR/. MOUNT/PATH}, in the same order per directory, so
 * that the keys and values are the ones cp would leave; many files are in flight at once.
 * A second load of the same tree sends only what changed (size or mtime for content; owner,
 * mode, xattrs for attributes), and, like rsync without {@code --delete}, leaves alone what
 * the namespace has and the tree does not.
 */
public final class Loader {

    private static final Logger log = LoggerFactory.getLogger(Loader.class);

    /** Threads by default: enough to keep memcached busy while files are read. */
    public static final int DEFAULT_JOBS = 16;

    /** An entry that could not be loaded. */
    public record Failure(String path, String message) {
    }

    /**
     * What a load did.
     *
     * @param entries   entries in the tree, the directory itself included
     * @param loaded    entries created, replaced, updated or given new attributes
     * @param unchanged entries already as in the tree
     * @param bytesSent content bytes sent
     */
    public record Result(int entries, int loaded, int unchanged, long bytesSent, List<Failure> failures,
                         long elapsedNanos) {
    }

    /** How far a load got, at one moment. */
    public record Snapshot(int totalEntries, long totalBytes, int entriesDone, long bytesDone, long bytesSent,
                           long elapsedNanos) {
    }

    /** Live counters of a load, read by a progress display on another thread. */
    public static final class Progress {
        private final long startNanos = System.nanoTime();
        /** -1 while the tree is being scanned. */
        volatile int totalEntries = -1;
        volatile long totalBytes;
        final AtomicInteger entriesDone = new AtomicInteger();
        final AtomicInteger loaded = new AtomicInteger();
        final AtomicInteger unchanged = new AtomicInteger();
        /** Content bytes done: sent, or found unchanged. */
        final AtomicLong bytesDone = new AtomicLong();
        final AtomicLong bytesSent = new AtomicLong();

        public Snapshot snapshot() {
            return new Snapshot(totalEntries, totalBytes, entriesDone.get(), bytesDone.get(), bytesSent.get(),
                    elapsedNanos());
        }

        long elapsedNanos() {
            return System.nanoTime() - startNanos;
        }
    }

    private final MemFs fs;
    private final String into;
    private final int jobs;
    private final Progress progress = new Progress();

    /**
     * @param fs   the namespace; null only for a {@link #dryRun} into a namespace that does not exist yet
     * @param into the namespace directory that receives the tree's content ("/" or "/a/b")
     * @param jobs how many entries are worked on at once
     * @throws IllegalArgumentException for a path that is not absolute and normal, or no jobs
     */
    public Loader(MemFs fs, String into, int jobs) {
        if (jobs < 1 || jobs > 1024) {
            throw new IllegalArgumentException("--jobs must be between 1 and 1024");
        }
        this.fs = fs;
        this.into = normalize(into);
        this.jobs = jobs;
    }

    public Progress progress() {
        return progress;
    }

    /**
     * Loads {@code dir}; a file that fails does not stop the others.
     *
     * @throws IOException when {@code dir} cannot be scanned at all
     */
    public Result load(Path dir) throws IOException, InterruptedException {
        SourceTree tree = scan(dir);
        return new LoadRun(fs, tree, progress, jobs).run(into);
    }

    /** Tells what {@link #load} would do, one line per change ({@code create /a/b}), changing nothing. */
    public Result dryRun(Path dir, Consumer<String> out) throws IOException {
        SourceTree tree = scan(dir);
        return new DryRun(fs, tree, progress, out).run(into);
    }

    private SourceTree scan(Path dir) throws IOException {
        SourceTree tree = SourceTree.open(dir);
        progress.totalEntries = tree.entries();
        return tree;
    }

    /**
     * The namespace path {@code path} names: "/", or absolute without empty, "." or ".."
     * components and without a trailing slash.
     *
     * @throws IllegalArgumentException when it is not absolute or has "." or ".."
     */
    public static String normalize(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("--into must be an absolute path in the namespace: " + path);
        }
        StringBuilder out = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("--into must not contain '.' or '..': " + path);
            }
            out.append('/').append(part);
        }
        return out.isEmpty() ? "/" : out.toString();
    }
}
