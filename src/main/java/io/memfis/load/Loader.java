package io.memfis.load;

import io.memfis.fs.MemFs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Copies a local tree into a namespace without FUSE, through the same {@link MemFs} calls
 * the mount makes for {@code cp -a DIR/. MOUNT/PATH}, in the same order per directory, so
 * that the keys and values are the ones cp would leave; many files are in flight at once.
 * A second load of the same tree sends only what changed (size or mtime for content; owner,
 * mode, xattrs for attributes), and, like rsync without {@code --delete}, leaves alone what
 * the namespace has and the tree does not, unless asked to remove it.
 */
public final class Loader {

    /** Threads by default: enough to keep memcached busy while files are read. */
    public static final int DEFAULT_JOBS = 16;

    /**
     * The pauses before each new try, at the end of a load, of the entries memcached did not
     * answer for (a stall, a lost connection): a few seconds in all, then they are failures.
     */
    private static final long[] RETRY_PAUSES_MILLIS = {1_000, 4_000, 10_000};

    /** An entry that could not be loaded. */
    public record Failure(String path, String message) {
    }

    /**
     * What a load did.
     *
     * @param entries   entries in the tree, the directory itself included
     * @param loaded    entries created, replaced, updated or given new attributes
     * @param unchanged entries already as in the tree
     * @param deleted   entries removed because the tree does not have them (counting a removed directory once)
     * @param bytesSent content bytes sent
     * @param retried   entries tried again because memcached did not answer for them the first time
     */
    public record Result(int entries, int loaded, int unchanged, int deleted, long bytesSent, List<Failure> failures,
                         long elapsedNanos, int retried) {
    }

    /** How far a load got, at one moment. */
    public record Snapshot(int totalEntries, long totalBytes, int entriesDone, long bytesDone, long bytesSent,
                           long elapsedNanos) {
    }

    /** Live counters of a load, read by a progress display on another thread. */
    public static final class Progress {
        private final long startNanos = System.nanoTime();
        /** -1 before the load starts; then what was read of the tree so far, growing as the load goes. */
        volatile int totalEntries = -1;
        /** Grows as the load reads the tree. */
        volatile long totalBytes;
        final AtomicInteger entriesDone = new AtomicInteger();
        final AtomicInteger loaded = new AtomicInteger();
        final AtomicInteger unchanged = new AtomicInteger();
        final AtomicInteger deleted = new AtomicInteger();
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

        Result result(int entries, List<Failure> failures) {
            return result(entries, failures, 0);
        }

        Result result(int entries, List<Failure> failures, int retried) {
            return new Result(entries, loaded.get(), unchanged.get(), deleted.get(), bytesSent.get(), failures,
                    elapsedNanos(), retried);
        }

        /** Adds what a retry did (its own counters) to this load's. */
        void add(Progress retry) {
            loaded.addAndGet(retry.loaded.get());
            unchanged.addAndGet(retry.unchanged.get());
            deleted.addAndGet(retry.deleted.get());
            bytesSent.addAndGet(retry.bytesSent.get());
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
     * @throws IOException when {@code dir} cannot be read at all
     */
    public Result load(Path dir) throws IOException, InterruptedException {
        return load(dir, false);
    }

    /**
     * Loads {@code dir}; with {@code delete}, also removes from the namespace below
     * {@code into} what {@code dir} does not have, as {@code rsync -a --delete}. The entries
     * memcached did not answer for (no answer in time, a lost connection; not a refusal) are
     * tried again at the end, after a pause, a few times, before they count as failed.
     */
    public Result load(Path dir, boolean delete) throws IOException, InterruptedException {
        SourceTree tree = open(dir, SourceTree.Scope.EVERYTHING, null);
        LoadRun run = new LoadRun(fs, tree, progress, jobs, delete, false);
        run.run(into);
        List<Failure> failed = run.failures(false);
        Map<String, Integer> again = run.unanswered();
        int retried = again.values().stream().mapToInt(Integer::intValue).sum();
        for (int i = 0; i < RETRY_PAUSES_MILLIS.length && !again.isEmpty(); i++) {
            Thread.sleep(RETRY_PAUSES_MILLIS[i]);
            Progress counts = new Progress();
            run = new LoadRun(fs, SourceTree.open(dir, retryScope(again.keySet()), null, into), counts, jobs, delete,
                    true);
            run.run(into);
            progress.add(counts);
            failed.addAll(run.failures(false));
            again = run.unanswered();
        }
        failed.addAll(run.failures(true)); // still not answered after the last try
        return progress.result(tree.entries(), failed, retried);
    }

    /**
     * What a retry looks at: the entries at {@code paths} (relative to the top, "" for the
     * top itself), a directory with everything below it, and of the directories on the way
     * only the names that lead there.
     */
    static SourceTree.Scope retryScope(Set<String> paths) {
        if (paths.contains("")) {
            return SourceTree.Scope.EVERYTHING;
        }
        Map<String, Set<String>> toward = SourceTree.toward(paths);
        return relative -> {
            if (paths.contains(relative) || Changes.within(relative, paths)) {
                return SourceTree.Selection.ALL;
            }
            Set<String> names = toward.get(relative);
            return names == null ? SourceTree.Selection.NONE : new SourceTree.Selection(names, Set.of());
        };
    }

    /** Loads what {@code scope} selects of {@code dir} (a sync), noting its files in {@code known}. */
    Result load(Path dir, SourceTree.Scope scope, boolean delete, KnownFiles known)
            throws IOException, InterruptedException {
        SourceTree tree = open(dir, scope, known);
        return new LoadRun(fs, tree, progress, jobs, delete, false).run(into);
    }

    /** Tells what {@link #load} would do, one line per change ({@code create /a/b}), changing nothing. */
    public Result dryRun(Path dir, Consumer<String> out) throws IOException {
        return dryRun(dir, false, out);
    }

    /** As {@link #dryRun(Path, Consumer)}, with {@code delete PATH} lines for what a load with deletion removes. */
    public Result dryRun(Path dir, boolean delete, Consumer<String> out) throws IOException {
        SourceTree tree = open(dir, SourceTree.Scope.EVERYTHING, null);
        return new DryRun(fs, tree, progress, delete, out).run(into);
    }

    private SourceTree open(Path dir, SourceTree.Scope scope, KnownFiles known) throws IOException {
        SourceTree tree = SourceTree.open(dir, scope, known, into);
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
