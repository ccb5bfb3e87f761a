package io.memfis.load;

import io.memfis.fs.Created;
import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.MemFs;
import io.memfis.fs.NewEntry;
import io.memfis.fs.OpenFlags;
import io.memfis.fs.PathNames;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One load of a scanned tree. Each directory's entries are created in cp's order, so that
 * listings come out as cp leaves them: a run of entries the namespace lacks is created in
 * one go ({@link MemFs#createAll}, a few round trips for all), any other entry on its own;
 * directories proceed in parallel. A new file of one name that fits one part and has no
 * extended attributes is made complete in that go (its record with its final attributes,
 * then its content, then its listing entry); any other file's content and attributes are
 * sent by a task of its own once the file exists. A later name of a hard-linked file waits for the
 * earlier one. A directory's own attributes are set when its entries are all there, as cp
 * does.
 *
 * <p>The tree is read as the load goes: a thread of its own lists the directories depth
 * first (cp's order, which chains the names of hard-linked files as cp does), at most
 * {@value #DIRS_AHEAD} directories listed and not yet finished, with at most
 * {@value #ENTRIES_AHEAD} entries between them, so that memory holds the directories in
 * progress, not the tree: a million files load in the launcher's heap.
 */
final class LoadRun {


    /**
     * Memory for content in flight, in MiB: a small file holds at most one, a large one up to
     * a dozen; {@value #AHEAD_MIB} more for runs read ahead of their turn.
     */
    private static final int MEMORY_MIB = 80;
    private static final int AHEAD_MIB = 16;
    private static final int MAX_MIB_PER_FILE = 12;

    /** Entries created in one go at most: a huge directory's requests and open files stay bounded. */
    private static final int MAX_RUN = 256;
    /** Content read for the complete files of one run, at most (about: the last file may pass it). */
    private static final long RUN_BYTES = 8L << 20;

    /** Directories listed and not finished, at most: what the load holds of the tree. */
    private static final int DIRS_AHEAD = 16;
    /** Entries of those directories, at most (a directory with more goes alone). */
    private static final int ENTRIES_AHEAD = 10_000;

    private final MemFs fs;
    private final Destination dest;
    private final SourceTree tree;
    private final Loader.Progress progress;
    private final Workers workers;
    private final FileContent content;
    private final Semaphore memory = new Semaphore(MEMORY_MIB);
    private final Semaphore readAhead = new Semaphore(AHEAD_MIB);
    private final Semaphore listedDirs = new Semaphore(DIRS_AHEAD);
    private final Semaphore listedEntries = new Semaphore(ENTRIES_AHEAD);
    /** Entries listed and not yet done, plus one while the listing goes on: zero is the end. */
    private final AtomicLong unfinished = new AtomicLong(2);
    private final CountDownLatch allDone = new CountDownLatch(1);
    private final Queue<Failed> failures = new ConcurrentLinkedQueue<>();
    /**
     * Saving a file with several names stores its content under each name's key; a name of
     * it removed or added meanwhile (in another directory of the same run) could keep a key
     * nothing refers to, or miss one. Saves share this lock; such name changes take it alone.
     */
    private final ReadWriteLock sharedNames = new ReentrantReadWriteLock();
    /** Whether what the namespace has and the tree does not is removed (load --delete). */
    private final boolean delete;
    /**
     * A second try of entries that memcached did not answer for: what the namespace has is
     * read from the listings, a record they do not name (a create cut short) is deleted
     * before its name is created again, and the directories on the way count for nothing.
     */
    private final boolean retry;

    /**
     * A failure; {@code below} counts the entries given up with it, known only at the end;
     * {@code relative} is the entry's path in the tree (null for none), {@code unanswered}
     * whether memcached did not answer (a try later may succeed).
     */
    private record Failed(String path, String message, AtomicInteger below, String relative, boolean unanswered) {
        int entries() {
            return 1 + (below == null ? 0 : below.get());
        }
    }

    LoadRun(MemFs fs, SourceTree tree, Loader.Progress progress, int jobs, boolean delete, boolean retry) {
        this.fs = fs;
        this.delete = delete;
        this.retry = retry;
        this.dest = new Destination(fs);
        this.tree = tree;
        this.progress = progress;
        this.workers = new Workers(jobs);
        this.content = new FileContent(fs);
    }

    Loader.Result run(String into) throws InterruptedException {
        Thread lister = new Thread(this::listAll, "memfis-load-list");
        lister.setDaemon(true);
        try (workers) {
            lister.start();
            workers.ordinary.execute(() -> startRoot(into));
            allDone.await();
        }
        List<Loader.Failure> failed = failures(false);
        failed.addAll(failures(true));
        return progress.result(tree.entries(), failed);
    }

    /**
     * The failures memcached did not answer for, or the others (the tree's problems among
     * them): each with the entries below it that were given up with it.
     */
    List<Loader.Failure> failures(boolean unanswered) {
        List<Loader.Failure> failed = new ArrayList<>();
        if (!unanswered) {
            for (SourceTree.Problem p : tree.problems) {
                failed.add(new Loader.Failure(tree.dir + "/" + p.relative(), p.message()));
            }
        }
        for (Failed f : failures) {
            if (f.unanswered() == unanswered) {
                int below = f.entries() - 1;
                failed.add(new Loader.Failure(f.path(),
                        below > 0 ? f.message() + " (with the " + below + " entries below it)" : f.message()));
            }
        }
        return failed;
    }

    /** The tree's paths of the entries memcached did not answer for, and how many entries they hold. */
    Map<String, Integer> unanswered() {
        Map<String, Integer> out = new HashMap<>();
        for (Failed f : failures) {
            if (f.unanswered()) {
                out.merge(f.relative(), f.entries(), Integer::sum);
            }
        }
        return out;
    }

    /**
     * Reads the tree in cp's order, listing each directory as it is reached, waiting while
     * {@value #DIRS_AHEAD} listed directories, or {@value #ENTRIES_AHEAD} entries of them,
     * are not finished. A directory given up before
     * it was listed is listed all the same: what it holds is counted and given up with it.
     */
    private void listAll() {
        Deque<Source> pending = new ArrayDeque<>();
        pending.push(tree.root);
        try {
            while (!pending.isEmpty()) {
                Source dir = pending.pop();
                tree.reached(dir);
                if (dir.type != FileType.DIRECTORY) {
                    continue;
                }
                listedDirs.acquireUninterruptibly();
                List<Source> children = tree.list(dir);
                int entries = Math.min(children.size(), ENTRIES_AHEAD);
                listedEntries.acquireUninterruptibly(entries);
                unfinished.addAndGet(children.size());
                progress.totalEntries = tree.entries();
                progress.totalBytes = tree.bytes();
                AtomicInteger abandoned;
                synchronized (dir) {
                    abandoned = dir.abandonedBelow;
                    if (abandoned == null) {
                        dir.children = children;
                        dir.slotEntries = entries;
                    }
                }
                if (abandoned != null) {
                    releaseSlot(entries);
                    abandonAll(children, abandoned);
                }
                dir.listed.complete(null);
                for (int i = children.size() - 1; i >= 0; i--) {
                    pending.push(children.get(i));
                }
            }
        } catch (Throwable t) {
            // not an I/O error (those are the directory's problem): a bug, or out of memory
            Source at = pending.isEmpty() ? tree.root : pending.peek();
            failures.add(new Failed(tree.pathOf(at), "the reading of the tree stopped: " + t, null, null, false));
            pending.forEach(d -> {
                d.reached.complete(null);
                d.listed.complete(null);
            });
        } finally {
            progress.totalEntries = tree.entries();
            progress.totalBytes = tree.bytes();
            countDown(1);
        }
    }

    private void startRoot(String into) {
        Source root = tree.root;
        try {
            Attributes have = dest.lookup(into);
            boolean fresh = have == null;
            if (fresh) {
                dest.makeParents(into, root.uid, root.gid);
                have = fs.mkdir(into, root.mode, root.uid, root.gid);
            } else if (!have.isDirectory()) {
                throw new FsException(Errno.ENOTDIR, into + " is not a directory in the namespace");
            }
            loadDirWhenListed(root, into, have, fresh);
        } catch (Throwable t) {
            fail(root, t, true);
        }
    }

    private void loadDirWhenListed(Source dir, String path, Attributes self, boolean fresh) {
        dir.listed.thenRunAsync(() -> loadDir(dir, path, self, fresh), workers.ordinary);
    }

    /** Creates the entries of {@code dir} one after the other, then sets its own attributes. */
    private void loadDir(Source dir, String path, Attributes self, boolean fresh) {
        List<Source> children;
        synchronized (dir) {
            children = dir.children;
        }
        Map<String, Attributes> have;
        try {
            if (dir.problem != null) {
                throw new IOException(dir.problem);
            }
            have = fresh ? Map.of() : retry ? dest.listedOnly(path, children)
                    : dir.partial ? dest.lookupAll(path, children) : dest.entries(path);
        } catch (Throwable t) {
            fail(dir, t, true);
            return;
        }
        AtomicBoolean changed = new AtomicBoolean(fresh);
        if (delete && !fresh && !dir.partial && removeExtra(dir, children, path, have)) {
            changed.set(true);
        }
        DirWork work = new DirWork(path, changed);
        List<Source> missing = new ArrayList<>();
        long runBytes = 0;
        for (Source c : children) {
            // a file with several names may be a later one: known once the reading of the tree reaches it
            boolean linked = c.type == FileType.FILE && c.nlink > 1;
            if (have.get(c.name) == null && c.problem == null && !linked) {
                missing.add(c);
                runBytes += mayBeComplete(c) ? c.size : 0;
                if (missing.size() == MAX_RUN || runBytes >= RUN_BYTES) {
                    work.createAll(missing, null);
                    missing = new ArrayList<>();
                    runBytes = 0;
                }
                continue;
            }
            work.createAll(missing, null);
            missing = new ArrayList<>();
            runBytes = 0;
            if (!c.reached.isDone()) {
                // waits for the reading thread, which may need this directory's slot to get there
                releaseSlot(dir);
            }
            work.then(c.reached.thenCompose(v ->
                    c.previousName == null ? CompletableFuture.completedFuture(null) : c.previousName.done), () -> {
                if (step(c, PathNames.child(path, c.name), have.get(c.name))) {
                    changed.set(true);
                }
            });
        }
        // the last entries made in one go set the directory's times with them, as finishDir would
        work.createAll(missing, new NewEntry.DirTimes(dir.atime, dir.mtime));
        synchronized (dir) {
            dir.children = List.of();
        }
        work.then(CompletableFuture.completedFuture(null),
                () -> finishDir(dir, path, self, changed.get(), work.timesSet.get()));
    }

    /**
     * One directory's work, in order: runs of entries the namespace lacks, each made in one
     * go, and entries on their own. A run's content is read while what comes just before it
     * is done (one run ahead: more held the content through collections for nothing), when
     * {@link #readAhead} has room for it; else when the run's turn comes.
     */
    private final class DirWork {
        private final String path;
        private final AtomicBoolean changed;
        /** Whether the directory's times went with its last run. */
        final AtomicBoolean timesSet = new AtomicBoolean();
        /** Completed when everything handed over so far is done. */
        private CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        /** Completed when the last thing handed over may start. */
        private CompletableFuture<Void> started = done;
        /** Completed when the runs handed over so far are read, or left to be read in their turn. */
        private CompletableFuture<?> read = CompletableFuture.completedFuture(null);

        DirWork(String path, AtomicBoolean changed) {
            this.path = path;
            this.changed = changed;
        }

        /** Creates {@code run} after what came before; with {@code dirTimes}, sets the directory's times with it. */
        void createAll(List<Source> run, NewEntry.DirTimes dirTimes) {
            if (run.isEmpty()) {
                return;
            }
            CompletableFuture<Ahead> ahead = CompletableFuture.allOf(read, started)
                    .thenApplyAsync(v -> readAhead(run), workers.ordinary).exceptionally(t -> null);
            read = ahead;
            started = done;
            done = done.thenCombine(ahead, (v, a) -> a).thenAcceptAsync(a ->
                    LoadRun.this.createAll(path, run, a, changed, dirTimes, timesSet), workers.ordinary);
        }

        /** Runs {@code step} once what came before is done and {@code ready} is complete. */
        void then(CompletableFuture<?> ready, Runnable step) {
            started = done;
            done = CompletableFuture.allOf(done, ready).thenRunAsync(step, workers.ordinary);
        }
    }

    /** A run's entries read ahead of its turn, holding {@code permits} of {@link #readAhead}. */
    private record Ahead(List<NewEntry> entries, int permits) {
    }

    /** Reads {@code run}'s content now if {@link #readAhead} has room for it, never waiting for room; else null. */
    private Ahead readAhead(List<Source> run) {
        int permits = permits(run);
        if (!readAhead.tryAcquire(permits)) {
            return null;
        }
        try {
            return new Ahead(newEntries(run), permits);
        } catch (Throwable t) {
            readAhead.release(permits);
            return null; // read again in its turn, which reports what went wrong
        }
    }

    /** The memory permits (MiB) a run's content needs. */
    private int permits(List<Source> run) {
        long bytes = 0;
        for (Source c : run) {
            bytes += mayBeComplete(c) ? c.size : 0;
        }
        return (int) Math.min(AHEAD_MIB, (bytes + (1 << 20) - 1) >> 20);
    }

    private List<NewEntry> newEntries(List<Source> run) {
        List<NewEntry> entries = new ArrayList<>(run.size());
        for (Source c : run) {
            entries.add(newEntry(c));
        }
        return entries;
    }

    /** Removes what the namespace has in the directory and the tree does not; true when something went. */
    private boolean removeExtra(Source dir, List<Source> children, String path, Map<String, Attributes> have) {
        boolean removed = false;
        for (String name : Destination.extra(dir, children, have)) {
            String child = PathNames.child(path, name);
            try {
                removeAlone(child, have.get(name));
                progress.deleted.incrementAndGet();
                removed = true;
            } catch (Throwable t) {
                failures.add(new Failed(child, "cannot delete: " + message(t), null, null, false));
            }
        }
        return removed;
    }

    /** Removes what is at {@code path}, alone when it may be a name of a file with several. */
    private void removeAlone(String path, Attributes a) {
        boolean shared = a != null && (a.isDirectory() || a.nlink() > 1);
        if (shared) {
            sharedNames.writeLock().lock();
        }
        try {
            dest.remove(path, a);
        } finally {
            if (shared) {
                sharedNames.writeLock().unlock();
            }
        }
    }

    /**
     * Creates the entries of {@code run}, which the namespace lacks, in one go, with their
     * content as read {@code ahead} (or read now when null); with {@code dirTimes}, sets the
     * directory's times in the same go ({@code timesSet} tells whether they were).
     */
    private void createAll(String dir, List<Source> run, Ahead ahead, AtomicBoolean changed,
                           NewEntry.DirTimes dirTimes, AtomicBoolean timesSet) {
        changed.set(true);
        int permits = ahead != null ? 0 : permits(run);
        List<NewEntry> entries;
        List<Created> made;
        memory.acquireUninterruptibly(permits);
        try {
            entries = ahead != null ? ahead.entries() : newEntries(run);
            made = fs.createAll(dir, entries, dirTimes);
        } catch (Throwable t) {
            run.forEach(c -> fail(c, t, true));
            return;
        } finally {
            memory.release(permits);
            if (ahead != null) {
                readAhead.release(ahead.permits());
            }
        }
        for (int i = 0; i < run.size(); i++) {
            Source c = run.get(i);
            Created m = made.get(i);
            if (dirTimes != null && m.failure() == null) {
                timesSet.set(true); // one name made: the directory's update went with it
            }
            if (m.failure() != null) {
                fail(c, m.failure(), true);
            } else if (entries.get(i).complete() != null) {
                c.loadedAs = PathNames.child(dir, c.name);
                progress.bytesSent.addAndGet(c.size);
                progress.bytesDone.addAndGet(c.size);
                finished(c, true);
            } else {
                created(c, PathNames.child(dir, c.name), m);
            }
        }
    }

    /**
     * Whether a new file may be made complete in one go (its record, then its content, as
     * {@link MemFs#createAll} does): one that fits one part and has one name.
     */
    private boolean mayBeComplete(Source c) {
        return c.type == FileType.FILE && c.nlink == 1 && c.size <= fs.format().partSize();
    }

    /**
     * What to create for {@code c}: a file that may be made complete, with its content read
     * now, unless it has extended attributes or changed since it was listed (those, and any
     * that cannot be read, are created open and copied as cp does, which reports the error).
     */
    private NewEntry newEntry(Source c) {
        if (mayBeComplete(c)) {
            try {
                Path source = Path.of(tree.pathOf(c));
                byte[] bytes = SourceFiles.userXattrs(source).isEmpty() ? content.readWhole(source, c.size) : null;
                if (bytes != null) {
                    return NewEntry.completeFile(c.name, c.mode, c.uid, c.gid, bytes, c.atime, c.mtime);
                }
            } catch (IOException e) {
                // the copy through an open file meets it again and says so
            }
        }
        return new NewEntry(c.name, c.type, c.mode, c.uid, c.gid, c.target, c.rdev);
    }

    /** Goes on with an entry just created: a directory's entries, a file's content, the rest of the attributes. */
    private void created(Source c, String path, Created m) {
        try {
            switch (c.type) {
                case DIRECTORY -> loadDirWhenListed(c, path, m.attributes(), true);
                case FILE -> workers.urgent.execute(() -> copyFile(c, path, m.fh(), null));
                case SYMLINK -> symlinkMade(c, path, m.attributes(), Action.CREATE);
                default -> specialMade(c, path, m.attributes(), Action.CREATE);
            }
        } catch (Throwable t) {
            fail(c, t, true);
        }
    }

    /** Puts one entry in place; true when the directory's entries changed. Never throws. */
    private boolean step(Source c, String path, Attributes have) {
        boolean replaced = false;
        try {
            if (c.problem != null) {
                throw new IOException(c.problem);
            }
            String linkTarget = c.previousName == null ? null : c.previousName.loadedAs;
            long linkIno = -1;
            if (linkTarget != null) {
                Attributes first = c.previousName.outside ? dest.lookup(linkTarget) : fs.getattr(linkTarget);
                // a name outside the scan that is not in the namespace (yet): copy this one
                linkTarget = first == null ? null : linkTarget;
                linkIno = first == null ? -1 : first.ino();
            }
            Action action = Action.of(c, have, linkIno);
            if (action == Action.REPLACE) {
                removeAlone(path, have);
                have = null;
                replaced = true;
                action = linkTarget != null ? Action.LINK : Action.CREATE;
            }
            return switch (c.type) {
                case DIRECTORY -> directory(c, path, have) || replaced;
                case FILE -> file(c, path, have, action, linkTarget) || replaced;
                case SYMLINK -> symlink(c, path, have, action) || replaced;
                default -> special(c, path, have, action) || replaced;
            };
        } catch (Throwable t) {
            fail(c, t, true);
            return true;
        }
    }

    private boolean directory(Source c, String path, Attributes have) {
        boolean fresh = have == null;
        Attributes self = fresh ? fs.mkdir(path, c.mode, c.uid, c.gid) : have;
        loadDirWhenListed(c, path, self, fresh);
        return fresh;
    }

    /** Creates, links or rewrites a file; its content goes in a task of its own. */
    private boolean file(Source c, String path, Attributes have, Action action, String linkTarget) throws IOException {
        switch (action) {
            case LINK -> {
                sharedNames.writeLock().lock();
                try {
                    fs.link(linkTarget, path);
                } finally {
                    sharedNames.writeLock().unlock();
                }
                c.loadedAs = linkTarget;
                if (!c.previousName.outside) {
                    finished(c, true);
                    return true;
                }
                // linked to a name met in an earlier scan: this name owns the file in this one
                // (that name, if this scan meets it later, takes this one for its earlier name),
                // so a change made on disk through either name is sent here or not at all
                Attributes linked = fs.getattr(path);
                if (contentDiffers(c, linked)) {
                    rewrite(c, path, linked);
                } else {
                    syncOwnedAttributes(c, path, linked);
                    finished(c, true);
                }
                return true;
            }
            case ATTRIBUTES, UNCHANGED -> {
                // the first name of a file in this scan owns its content and attributes
                boolean owner = linkTarget == null || c.previousName.outside;
                if (owner && linkTarget != null && contentDiffers(c, have)) {
                    rewrite(c, path, have);
                    return false;
                }
                boolean changed = action == Action.ATTRIBUTES;
                if (owner) {
                    changed |= syncOwnedAttributes(c, path, have);
                }
                c.loadedAs = linkTarget != null ? linkTarget : path;
                progress.bytesDone.addAndGet(linkTarget == null ? c.size : 0);
                finished(c, changed);
                return false;
            }
            default -> {
                boolean created = have == null;
                if (created) {
                    long fh = fs.create(path, c.mode, c.uid, c.gid, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL);
                    workers.urgent.execute(() -> copyFile(c, path, fh, null));
                } else {
                    rewrite(c, path, have);
                }
                return created;
            }
        }
    }

    /** Owner, xattrs and mode where the namespace's ({@code have}) differ, in cp's order; true when xattrs changed. */
    private boolean syncOwnedAttributes(Source c, String path, Attributes have) throws IOException {
        if (have.uid() != c.uid || have.gid() != c.gid) {
            fs.chown(path, c.uid, c.gid);
        }
        boolean xattrs = syncXattrs(c, path, have);
        if (have.mode() != c.mode) {
            fs.chmod(path, c.mode);
        }
        return xattrs;
    }

    /** Sends a file's content again through an existing name, in a task of its own. */
    private void rewrite(Source c, String path, Attributes have) {
        long fh = fs.open(path, OpenFlags.O_WRONLY | OpenFlags.O_TRUNC);
        workers.urgent.execute(() -> copyFile(c, path, fh, have));
    }

    private static boolean contentDiffers(Source c, Attributes have) {
        return have.size() != c.size || have.mtime() != c.mtime;
    }

    /** The content, then the attributes in cp's order (times, owner, xattrs, mode), then close. */
    private void copyFile(Source c, String path, long fh, Attributes before) {
        int permits = (int) Math.min(MAX_MIB_PER_FILE, 1 + (c.size >> 20));
        memory.acquireUninterruptibly(permits);
        sharedNames.readLock().lock();
        long sent = 0;
        Throwable failure = null;
        try {
            sent = content.copy(tree.pathOf(c), c, fh, path);
            fs.utimens(path, c.atime, c.mtime);
            fs.chown(path, c.uid, c.gid);
            syncXattrs(c, path, before);
            fs.chmod(path, c.mode);
            fs.flush(fh, path);
        } catch (Throwable t) {
            failure = t;
        } finally {
            memory.release(permits);
        }
        try {
            fs.release(fh, path);
        } catch (Throwable t) {
            failure = failure == null ? t : failure;
        } finally {
            sharedNames.readLock().unlock();
        }
        if (failure != null) {
            fail(c, failure, false);
            return;
        }
        c.loadedAs = path;
        progress.bytesSent.addAndGet(sent);
        progress.bytesDone.addAndGet(c.size);
        finished(c, true);
    }

    private boolean symlink(Source c, String path, Attributes have, Action action) {
        boolean created = have == null;
        symlinkMade(c, path, created ? fs.symlink(c.target, path, c.uid, c.gid) : have, created ? Action.CREATE : action);
        return created;
    }

    /** A symlink's owner and times, as cp sets them (lchown, then utimensat without following). */
    private void symlinkMade(Source c, String path, Attributes a, Action action) {
        if (a.uid() != c.uid || a.gid() != c.gid) {
            fs.chown(path, c.uid, c.gid);
        }
        if (action == Action.CREATE || a.mtime() != c.mtime) {
            fs.utimens(path, c.atime, c.mtime);
        }
        finished(c, action != Action.UNCHANGED);
    }

    /** Fifos, sockets and devices, as cp -a makes them: mknod, times, owner, mode. */
    private boolean special(Source c, String path, Attributes have, Action action) {
        boolean created = have == null;
        specialMade(c, path, created ? fs.mknod(path, c.type, c.mode, c.rdev, c.uid, c.gid) : have,
                created ? Action.CREATE : action);
        return created;
    }

    private void specialMade(Source c, String path, Attributes a, Action action) {
        if (action == Action.CREATE || a.mtime() != c.mtime) {
            fs.utimens(path, c.atime, c.mtime);
        }
        if (a.uid() != c.uid || a.gid() != c.gid) {
            fs.chown(path, c.uid, c.gid);
        }
        if (a.mode() != c.mode) {
            fs.chmod(path, c.mode);
        }
        finished(c, action != Action.UNCHANGED);
    }

    /**
     * A directory's own attributes, once its entries are in place: times (unless
     * {@code timesSet} with its last entries), owner, xattrs, mode.
     */
    private void finishDir(Source dir, String path, Attributes self, boolean entriesChanged, boolean timesSet) {
        try {
            boolean changed = entriesChanged;
            if (!timesSet && (entriesChanged || self.mtime() != dir.mtime)) {
                fs.utimens(path, dir.atime, dir.mtime);
                changed = true;
            }
            if (self.uid() != dir.uid || self.gid() != dir.gid) {
                fs.chown(path, dir.uid, dir.gid);
                changed = true;
            }
            changed |= syncXattrs(dir, path, self);
            if (self.mode() != dir.mode) {
                fs.chmod(path, dir.mode);
                changed = true;
            }
            finished(dir, changed);
        } catch (Throwable t) {
            fail(dir, t, false);
        }
    }

    /** Makes the namespace's user xattrs those of the source; true when something was sent. */
    private boolean syncXattrs(Source c, String path, Attributes have) throws IOException {
        if (!Action.mayHaveXattrs(c.type)) {
            return false;
        }
        Map<String, byte[]> want = SourceFiles.userXattrs(Path.of(tree.pathOf(c)));
        if (want.isEmpty() && (have == null || !have.xattrs())) {
            return false;
        }
        Map<String, byte[]> there = dest.xattrs(path, have);
        boolean changed = false;
        for (Map.Entry<String, byte[]> e : want.entrySet()) {
            if (!Arrays.equals(there.get(e.getKey()), e.getValue())) {
                fs.setxattr(path, e.getKey(), e.getValue(), 0);
                changed = true;
            }
        }
        for (String name : there.keySet()) {
            if (name.startsWith("user.") && !want.containsKey(name)) {
                fs.removexattr(path, name);
                changed = true;
            }
        }
        return changed;
    }

    private void finished(Source c, boolean changed) {
        if (!(retry && c.partial)) {
            (changed ? progress.loaded : progress.unchanged).incrementAndGet();
        }
        c.done.complete(null);
        releaseSlot(c);
        countDown(1);
    }

    /**
     * Records a failure of {@code c}; with {@code withSubtree}, nothing below it was started
     * and all of it counts as done (its files' later names elsewhere stop waiting for them).
     */
    private void fail(Source c, Throwable t, boolean withSubtree) {
        AtomicInteger below = withSubtree ? new AtomicInteger() : null;
        failures.add(new Failed(tree.pathOf(c), message(t), below, c.relative(), FsException.isUnanswered(t)));
        if (withSubtree) {
            abandon(c, below);
        } else {
            c.done.complete(null);
            releaseSlot(c);
        }
        countDown(1);
    }

    private static String message(Throwable t) {
        return t instanceof FsException || t instanceof IOException ? t.getMessage() : t.toString();
    }

    /** Gives up {@code c} and what is below it: what is listed now, and the rest when it is listed. */
    private void abandon(Source c, AtomicInteger below) {
        c.done.complete(null);
        List<Source> children;
        int slot;
        synchronized (c) {
            c.abandonedBelow = below;
            children = c.children;
            c.children = List.of();
            slot = c.slotEntries;
            c.slotEntries = -1;
        }
        if (slot >= 0) {
            releaseSlot(slot);
        }
        abandonAll(children, below);
    }

    private void abandonAll(List<Source> children, AtomicInteger below) {
        for (Source child : children) {
            below.incrementAndGet();
            abandon(child, below);
            countDown(1);
        }
    }

    /** A finished directory gives its slot to the next to list. */
    private void releaseSlot(Source c) {
        if (c.type != FileType.DIRECTORY) {
            return;
        }
        int slot;
        synchronized (c) {
            slot = c.slotEntries;
            c.slotEntries = -1;
        }
        if (slot >= 0) {
            releaseSlot(slot);
        }
    }

    private void releaseSlot(int entries) {
        listedEntries.release(entries);
        listedDirs.release();
    }

    private void countDown(int entries) {
        progress.entriesDone.addAndGet(entries);
        if (unfinished.addAndGet(-entries) == 0) {
            allDone.countDown();
        }
    }
}
