package io.memfis.load;

import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code memfis sync}: keeps a namespace directory equal to a local one. It watches the
 * tree first, then loads it with deletion; from then on it collects what the watch reports
 * and, once the tree has been quiet for a moment (or changes have waited for a second),
 * applies them as one batch: renames first, then a load with deletion of just the
 * directories something happened in (new directories whole), which sends only what
 * differs. A file still being written waits for the next batch. Lost events make it load
 * the whole tree again; a namespace whose format marker went away (memcached restarted
 * empty) or a memcached that does not answer makes it wait, with a growing pause, and fill
 * the namespace again from the tree.
 */
public final class Sync {

    private static final Logger log = LoggerFactory.getLogger(Sync.class);

    /** How long the tree must be quiet before a batch goes; and how recent a write leaves a file for the next one. */
    private static final long QUIET_NANOS = Duration.ofMillis(200).toNanos();
    /** How long changes wait at most while the tree keeps changing. */
    private static final long MAX_WAIT_NANOS = Duration.ofMillis(800).toNanos();
    /** A file written to without a pause for this long is sent anyway, as it is then. */
    private static final long MAX_BUSY_NANOS = Duration.ofSeconds(5).toNanos();
    /** How often the format marker is read while nothing changes. */
    private static final long HEALTH_NANOS = Duration.ofSeconds(1).toNanos();
    /** The longest pause between two attempts to reach memcached again. */
    private static final long MAX_BACKOFF_MILLIS = 1000;
    /** How often the summary line is logged (when something happened). */
    private static final long SUMMARY_NANOS = Duration.ofMinutes(10).toNanos();
    /** While some directory has no watch (the kernel's limit), the tree is rescanned this often. */
    private static final long UNWATCHED_RESCAN_NANOS = Duration.ofMinutes(1).toNanos();
    /** Failures logged per load at most. */
    private static final int FAILURES_LOGGED = 20;

    private final Store store;
    private final FsOptions options;
    private final Path top;
    private final String into;
    private final int jobs;
    private final Changes changes = new Changes();
    private final KnownFiles known = new KnownFiles();
    private volatile boolean stopping;
    private MemFs fs;

    private long batches;
    private long changed;
    private long deleted;
    private long renamed;
    private long bytesSent;
    private long rescans;
    private long refills;
    private long lastSummary = System.nanoTime();
    private long lastFullLoad;
    private boolean activeSinceSummary;

    /**
     * @param store   memcached (it may be down: the sync waits for it)
     * @param options the namespace; it is formatted when empty
     * @param dir     the local directory
     * @param into    the namespace directory kept equal to it
     */
    public Sync(Store store, FsOptions options, Path dir, String into, int jobs) {
        this.store = store;
        // nothing trusted from an earlier batch: a chmod through one name of a file must not
        // hide behind the attributes remembered for another of its names
        this.options = options.withMayFormat(true).withHealthInterval(Duration.ZERO).withAttrTimeout(Duration.ZERO);
        this.top = dir.toAbsolutePath().normalize();
        this.into = Loader.normalize(into);
        this.jobs = jobs;
        new Loader(null, this.into, jobs); // validates jobs now, not at the first batch
    }

    /** Runs until {@link #stop}; what is in flight then is finished. */
    public void run() throws IOException, InterruptedException {
        try (Watcher watcher = Watcher.start(top, changes)) {
            log.info("watching {} ({} directories) for memfis://{}{}", top, watcher.watched(), options.namespace(),
                    into);
            connectAndLoad("start");
            while (!stopping) {
                boolean due = changes.awaitBatch(QUIET_NANOS, MAX_WAIT_NANOS, HEALTH_NANOS);
                if (stopping) {
                    break;
                }
                if (due) {
                    Changes.Batch batch = changes.take(System.nanoTime(), QUIET_NANOS, MAX_BUSY_NANOS);
                    if (batch.rescan()) {
                        rescans++;
                        watcher.rewatch();
                        loadAll("rescan after lost events");
                    } else {
                        apply(batch);
                    }
                } else if (fs == null) {
                    connectAndLoad("refill");
                } else if (!healthy()) {
                    closeFs();
                    connectAndLoad("refill");
                } else if (watcher.exhausted() && System.nanoTime() - lastFullLoad > UNWATCHED_RESCAN_NANOS) {
                    rescans++;
                    watcher.rewatch();
                    loadAll("rescan: some directories have no watch");
                }
                summaryIfDue(false);
            }
        } finally {
            summaryIfDue(true);
            closeFs();
        }
    }

    /** Asks {@link #run} to return once the batch in flight is done; callable from any thread. */
    public void stop() {
        stopping = true;
        changes.wake();
    }

    /** Opens the namespace (formatting it when memcached is empty) and loads the whole tree, waiting for memcached as long as it takes. */
    private void connectAndLoad(String why) throws IOException, InterruptedException {
        long backoff = 250;
        boolean told = false;
        while (!stopping) {
            try {
                if (fs == null) {
                    fs = MemFs.open(store, options);
                }
                if (told) {
                    log.warn("memcached answers again; refilling memfis://{}{} from {}", options.namespace(), into, top);
                }
                if (why.equals("refill")) {
                    refills++;
                }
                Loader.Result r = loadAll(why);
                if (r.failures().isEmpty() || healthy()) {
                    return;
                }
            } catch (RuntimeException e) {
                if (!told) {
                    log.warn("memfis://{} cannot be used ({}); retrying", options.namespace(), e.getMessage());
                    told = true;
                } else {
                    log.debug("still cannot use memfis://{}: {}", options.namespace(), e.getMessage());
                }
            }
            closeFs();
            pause(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            why = "refill";
        }
    }

    /** Whether the namespace is still there: memcached answers and the format marker is in place. */
    private boolean healthy() {
        if (fs == null) {
            return false;
        }
        try {
            if (fs.formatMarkerPresent()) {
                return true;
            }
            log.warn("memfis://{} lost its format marker (memcached restarted empty); refilling it from {}",
                    options.namespace(), top);
        } catch (RuntimeException e) {
            log.warn("memcached does not answer ({}); waiting for it", e.getMessage());
        }
        return false;
    }

    private Loader.Result loadAll(String why) throws IOException, InterruptedException {
        lastFullLoad = System.nanoTime();
        known.clear();
        Loader.Result r = new Loader(fs, into, jobs).load(top, SourceTree.Scope.EVERYTHING, true, known);
        log.info("{}: loaded {}: {} entries, {} sent, {} deleted, {} unchanged, {} in {} s", why, top, r.entries(),
                r.loaded(), r.deleted(), r.unchanged(), bytes(r.bytesSent()), seconds(r.elapsedNanos()));
        count(r);
        return r;
    }

    /** One batch: renames, then a load with deletion of the directories where something happened. */
    private void apply(Changes.Batch batch) throws IOException, InterruptedException {
        try {
            applyNow(batch);
        } catch (RuntimeException e) {
            log.warn("batch failed: {}", e.getMessage());
            if (!healthy()) {
                closeFs();
                connectAndLoad("refill");
            } else {
                rescans++;
                loadAll("rescan after a failed batch");
            }
        }
    }

    private void applyNow(Changes.Batch batch) throws IOException, InterruptedException {
        long start = System.nanoTime();
        int moved = new Renames(fs, top, into).apply(batch.gone(), batch.came());
        Loader.Result r = new Loader(fs, into, jobs).load(top, scope(batch), true, known);
        batches++;
        renamed += moved;
        count(r);
        log.info("batch: {} directories looked at, {} entries sent, {} deleted, {} renamed, {} in {} ms{}",
                batch.size(), r.loaded(), r.deleted(), moved, bytes(r.bytesSent()),
                (System.nanoTime() - start) / 1_000_000,
                batch.skipped().isEmpty() ? "" : "; files still being written wait for the next batch");
        if (!r.failures().isEmpty() && !healthy()) {
            closeFs();
            connectAndLoad("refill");
        }
    }

    private void count(Loader.Result r) {
        changed += r.loaded();
        deleted += r.deleted();
        bytesSent += r.bytesSent();
        activeSinceSummary = true;
        int shown = 0;
        for (Loader.Failure f : r.failures()) {
            if (!f.message().startsWith("cannot delete")
                    && !java.nio.file.Files.exists(Path.of(f.path()), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // removed or renamed on disk while the batch ran: the next batch has it
                log.debug("gone before it was loaded: {}", f.path());
                continue;
            }
            if (shown++ == FAILURES_LOGGED) {
                log.warn("... and {} more failures", r.failures().size() - FAILURES_LOGGED);
                break;
            }
            log.warn("not loaded: {}: {}", f.path(), f.message());
        }
    }

    /**
     * What a batch's load looks at: the directories where something happened, each listed
     * whole but for the files still being written; new directories with everything below;
     * of the directories on the way to those, only the names leading there; of others, the
     * directory's own attributes.
     */
    static SourceTree.Scope scope(Changes.Batch batch) {
        Set<String> listed = new HashSet<>(batch.dirs());
        Set<String> whole = batch.newDirs();
        Set<String> all = new HashSet<>(listed);
        all.addAll(whole);
        Map<String, Set<String>> toward = SourceTree.toward(all);
        return relative -> {
            if (listed.contains(relative) || Changes.within(relative, whole)) {
                return new SourceTree.Selection(null, batch.skipped().getOrDefault(relative, Set.of()));
            }
            Set<String> names = toward.get(relative);
            return names == null ? SourceTree.Selection.NONE : new SourceTree.Selection(names, Set.of());
        };
    }

    private void summaryIfDue(boolean last) {
        long now = System.nanoTime();
        if (!last && (now - lastSummary < SUMMARY_NANOS || !activeSinceSummary)) {
            return;
        }
        lastSummary = now;
        activeSinceSummary = false;
        log.info("{}: {} batches, {} entries sent ({}), {} deleted, {} renamed, {} rescans, {} refills",
                last ? "sync stopped" : "sync running", batches, changed, bytes(bytesSent), deleted, renamed,
                rescans, refills);
    }

    private void pause(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!stopping && System.currentTimeMillis() < end) {
            Thread.sleep(Math.min(50, millis));
        }
    }

    private void closeFs() {
        if (fs != null) {
            try {
                fs.close();
            } catch (RuntimeException e) {
                log.debug("closing the namespace: {}", e.getMessage());
            }
            fs = null;
        }
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }

    private static String bytes(long n) {
        return n < 10_000 ? n + " B" : n < 10_000_000 ? (n / 1000) + " kB" : (n / 1_000_000) + " MB";
    }
}
