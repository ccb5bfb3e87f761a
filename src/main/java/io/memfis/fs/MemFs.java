package io.memfis.fs;

import io.memfis.fs.data.Contents;
import io.memfis.fs.data.FileIo;
import io.memfis.fs.data.Patch;
import io.memfis.fs.data.Records;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.meta.Catalog;
import io.memfis.fs.meta.Content;
import io.memfis.fs.meta.Entry;
import io.memfis.fs.meta.InodeAllocator;
import io.memfis.fs.meta.Listings;
import io.memfis.fs.meta.Namespace;
import io.memfis.fs.meta.NewNames;
import io.memfis.fs.meta.OwnChanges;
import io.memfis.fs.meta.ReaddirAhead;
import io.memfis.fs.meta.Tree;
import io.memfis.fs.meta.Xattrs;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Keys;
import io.memfis.store.ServerStats;
import io.memfis.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A POSIX filesystem over a {@link Store}, addressed by absolute paths; it knows nothing of
 * FUSE. Every method either does what the POSIX call of the same name does or throws
 * {@link FsException} with the errno a local disk would give.
 *
 * <p>Within one mount, renaming a directory excludes every other change of the tree (it
 * rewrites the keys of the whole subtree); everything else runs concurrently, and
 * concurrent writers, here or in other mounts, meet only in compare-and-swap loops.
 */
public final class MemFs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MemFs.class);

    /** A time argument of {@link #utimens}: the current time. */
    public static final long NOW = Long.MIN_VALUE;
    /** A time argument of {@link #utimens}: leave this time as it is. */
    public static final long OMIT = Long.MIN_VALUE + 1;

    /** The flags of a create that must make the file. */
    private static final int CREATE_FLAGS = OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL;

    private final Kv kv;
    private final Keys keys;
    private final FormatMarker format;
    private final Namespace namespace;
    private final Catalog catalog;
    private final FileIo files;
    private final Contents contents;
    private final Tree tree;
    private final Xattrs xattrs;
    private final Times times;
    private final ReaddirAhead ahead;
    private final ReadWriteLock treeLock = new ReentrantReadWriteLock();
    private final ScheduledExecutorService watcher;
    private static final long STATS_TTL_NANOS = 1_000_000_000L;
    private volatile FsStats lastStats;
    private volatile long lastStatsAt;
    private final LongSupplier ticker;
    private final InodeAllocator inodes;
    /** The writeback mode's queue, or null in the default mode. */
    private final Writeback writeback;

    private MemFs(Store store, FsOptions options, long writebackMemory) {
        this.kv = new Kv(store);
        this.keys = Keys.of(options.namespace());
        this.times = new Times(options.clock());
        this.ticker = options.ticker();
        this.format = Namespace.open(kv, store, keys, options.mayFormat(), options.owner(), times.now());
        this.namespace = Namespace.watching(kv, store, keys, options.ticker());
        this.catalog = new Catalog(kv, keys, options.ticker(), options.attrTimeout().toNanos());
        this.contents = new Contents(kv, keys, format.partSize(), options.gzip());
        Listings listings = new Listings(kv, keys, format.pageBytes(), options.ticker(), options.attrTimeout().toNanos());
        this.ahead = new ReaddirAhead(kv, keys, catalog, listings, options.ticker(), options.attrTimeout().toNanos(),
                TimeUnit.SECONDS.toNanos(1));
        this.inodes = new InodeAllocator(kv, keys);
        this.files = new FileIo(new CatalogRecords(), contents, times);
        OwnChanges changes = new OwnChanges(catalog, listings, ahead);
        NewNames newNames = new NewNames(kv, keys, catalog, listings, inodes, times, changes);
        this.tree = new Tree(kv, keys, catalog, listings, inodes, new FileContent(), times, ahead, newNames, changes);
        this.writeback = writebackMemory > 0
                ? new Writeback(writebackMemory, newNames, catalog, listings, files, this::change) : null;
        this.xattrs = new Xattrs(kv, keys, catalog, times, format);
        if (options.healthInterval().isZero()) {
            this.watcher = null;
        } else {
            this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "memfis-format-watch");
                t.setDaemon(true);
                return t;
            });
            long ms = options.healthInterval().toMillis();
            watcher.scheduleWithFixedDelay(namespace::verify, ms, ms, TimeUnit.MILLISECONDS);
            watcher.scheduleWithFixedDelay(files::retryLeftovers, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Opens the namespace of {@code options} in {@code store}, formatting it when it is empty
     * and the options allow.
     *
     * @throws FsException when the namespace cannot be used (unknown layout, no marker, ...)
     */
    public static MemFs open(Store store, FsOptions options) {
        return new MemFs(store, options, 0);
    }

    /**
     * Opens the namespace as {@link #open(Store, FsOptions)} does, in the writeback mode:
     * creates and closes answer before memcached has what they made, which is stored in the
     * background holding at most {@code writebackMemory} bytes (a writer waits beyond).
     */
    public static MemFs openWriteback(Store store, FsOptions options, long writebackMemory) {
        if (writebackMemory <= 0) {
            throw new IllegalArgumentException("the writeback memory must be positive");
        }
        return new MemFs(store, options, writebackMemory);
    }

    /** The paths (and why) whose stores failed since the writeback mount began; empty in the default mode. */
    public List<String> writebackFailures() {
        List<String> out = new ArrayList<>();
        if (writeback != null) {
            writeback.failures().forEach(f -> out.add(f.path() + ": " + f.reason()));
        }
        return out;
    }

    /**
     * Tells {@code listener}, before the operation returns, every name of a hard-linked
     * file whose attributes (link count, ctime, mode, ...) an operation on this mount
     * changed through another name or by linking, unlinking or renaming one: whoever caches
     * attributes per name must drop them for these.
     */
    public void onLinkedNamesChanged(Consumer<List<String>> listener) {
        catalog.onNodeChanged(listener);
    }

    public Keys keys() {
        return keys;
    }

    public FormatMarker format() {
        return format;
    }

    /**
     * Whether the namespace's format marker is there now, read from memcached (a sync asks
     * this to notice memcached restarted empty).
     *
     * @throws FsException when memcached does not answer
     */
    public boolean formatMarkerPresent() {
        return kv.getBytes(keys.format()) != null;
    }

    public Attributes getattr(String path) {
        return read(() -> {
            PathNames.checkLookup(path);
            // a save between the lookup and the look at the open file: both would miss what it saved
            Attributes a = files.withoutSaveBetween(() -> {
                Entry e = tree.lookup(path);
                return e == null ? null : files.current(e.attributes());
            });
            if (a == null) {
                throw FsException.of(Errno.ENOENT, path);
            }
            return a;
        });
    }

    public List<DirEntry> readdir(String path) {
        return read(() -> {
            try {
                List<DirEntry> listed = tree.list(path);
                return writeback == null ? listed : withReserved(path, listed);
            } catch (FsException e) {
                if (e.errno() == Errno.EIO) {
                    namespace.verify();
                }
                throw e;
            }
        });
    }

    /** The listing of {@code dir} with the names this writeback mount reserved there and has not stored yet. */
    private List<DirEntry> withReserved(String dir, List<DirEntry> listed) {
        List<String> reserved = catalog.reservedIn(dir);
        if (reserved.isEmpty()) {
            return listed;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        listed.forEach(d -> seen.add(d.name()));
        List<DirEntry> out = new ArrayList<>(listed);
        for (String name : reserved) {
            Entry e = seen.contains(name) ? null : catalog.peek(PathNames.child(dir, name));
            if (e != null) {
                out.add(new DirEntry(name, files.current(e.attributes())));
            }
        }
        return out;
    }

    public Attributes mkdir(String path, int mode, int uid, int gid) {
        return change(() -> tree.create(path, FileType.DIRECTORY, mode, uid, gid, null, 0).attributes());
    }

    /** Creates a node that is not a regular file or directory: fifo, socket or device; or a regular file. */
    public Attributes mknod(String path, FileType type, int mode, long rdev, int uid, int gid) {
        if (type == FileType.DIRECTORY || type == FileType.SYMLINK) {
            throw FsException.of(Errno.EINVAL, path);
        }
        return change(() -> tree.create(path, type, mode, uid, gid, null, type == FileType.FILE ? 0 : rdev).attributes());
    }

    /** Creates and opens a regular file: the handle for read, write, flush and release. */
    public long create(String path, int mode, int uid, int gid, int flags) {
        try {
            if (writeback != null) {
                return writeback.create(path, mode, uid, gid, flags);
            }
            return change(() -> files.openNew(tree.create(path, FileType.FILE, mode, uid, gid, null, 0).ino(), flags));
        } catch (FsException e) {
            if (e.errno() != Errno.EEXIST || (flags & OpenFlags.O_EXCL) != 0) {
                throw e;
            }
            // another mount (or process) made the name since this one last read the directory:
            // open what it made, as open(O_CREAT) without O_EXCL does
            return change(() -> {
                Entry existing = catalog.findFresh(path);
                if (existing == null) {
                    throw e;
                }
                Permissions.checkOpen(existing.attributes(), uid, gid, flags, path);
                return openExisting(path, flags);
            });
        }
    }

    public Attributes symlink(String target, String path, int uid, int gid) {
        NewEntry e = new NewEntry(PathNames.name(path), FileType.SYMLINK, 0777, uid, gid, target, 0);
        e.check(path);
        return change(() -> tree.create(path, FileType.SYMLINK, e.effectiveMode(), uid, gid, target, 0).attributes());
    }

    /**
     * Creates entries of directory {@code dir}, in order, as mkdir, mknod, symlink and create
     * (write only, O_CREAT|O_EXCL) one after the other would, with the requests of all in
     * flight together: what loading a tree does. An entry that fails does not stop the others.
     *
     * <p>A {@linkplain NewEntry#completeFile complete file} is made whole instead of left
     * open: its record, with its final size, times, owner and mode, then its content once the
     * record is in (the name is this mount's: content is never written under a name another
     * writer made), then its listing entry; so it is listed only once complete, and costs two
     * writes where create, write, the attribute calls and close cost three. Its content must
     * fit one part (EFBIG otherwise).
     */
    public List<Created> createAll(String dir, List<NewEntry> entries) {
        return createAll(dir, entries, null);
    }

    /**
     * {@link #createAll(String, List)}, then, with {@code dirTimes}, {@code dir}'s access and
     * modification times set in the same update of its record that the new names make (a
     * {@code utimens} less when these are its last entries), provided one of them is made.
     */
    public List<Created> createAll(String dir, List<NewEntry> entries, NewEntry.DirTimes dirTimes) {
        for (NewEntry e : entries) {
            if (e.complete() != null && !contents.isWhole(e.complete().content().length)) {
                throw FsException.of(Errno.EFBIG, PathNames.child(dir, e.name()));
            }
        }
        return change(() -> {
            List<Created> out = new ArrayList<>(entries.size());
            List<NewNames.Made> made = tree.createAll(dir, entries,
                    (i, path) -> files.storeComplete(path, entries.get(i).complete().content()), dirTimes);
            for (int i = 0; i < made.size(); i++) {
                NewNames.Made m = made.get(i);
                if (m.failure() != null) {
                    out.add(new Created(null, -1, namespace.explain(m.failure())));
                    continue;
                }
                Entry e = m.made();
                boolean open = e.attributes().type() == FileType.FILE && entries.get(i).complete() == null;
                out.add(new Created(e.attributes(), open ? files.openNew(e.ino(), CREATE_FLAGS) : -1, null));
            }
            return out;
        });
    }

    /**
     * Whether the regular file {@code path} with attributes {@code a} is stored whole under
     * its content key, the key nginx asks for: a file of one part always, a larger one when
     * it is stored compressed.
     */
    public boolean storedWhole(String path, Attributes a) {
        return contents.isWhole(a.size()) || read(() -> contents.holdsWhole(contents.await(contents.readWholeAsync(path)), a.size()));
    }

    public String readlink(String path) {
        return read(() -> {
            Attributes a = catalog.require(path).attributes();
            if (a.type() != FileType.SYMLINK) {
                throw FsException.of(Errno.EINVAL, path);
            }
            return a.target();
        });
    }

    /**
     * Deletes the unlisted record at {@code path}, if there is one (see
     * {@link Tree#dropUnlisted}): before a load creates again a name whose create memcached
     * did not answer. True when one was deleted.
     */
    public boolean dropUnlisted(String path) {
        return change(() -> tree.dropUnlisted(path));
    }

    public void unlink(String path) {
        settle(path);
        change(() -> {
            tree.unlink(path);
            return null;
        });
    }

    public void rmdir(String path) {
        settle(path);
        change(() -> {
            tree.rmdir(path);
            return null;
        });
    }

    public void rename(String from, String to) {
        Attributes src = getattr(from);
        Lock lock = src.isDirectory() ? treeLock.writeLock() : treeLock.readLock();
        while (true) {
            settle(from);
            settle(to);
            lock.lock();
            // a directory's keys are copied: nothing may be queued below it (stores take the read lock)
            if (writeback == null || !src.isDirectory() || !writeback.busyWithin(from)) {
                break;
            }
            lock.unlock();
        }
        try {
            read(() -> {
                    tree.rename(from, to);
                return null;
            });
        } finally {
            lock.unlock();
        }
    }

    public void link(String from, String to) {
        settle(from);
        settle(to);
        change(() -> {
            tree.link(from, to);
            return null;
        });
    }

    public void chmod(String path, int mode) {
        patch(path, Patch.mode(mode & 07777, times.now()));
    }

    /** Changes owner and group; -1 leaves one as it is. */
    public void chown(String path, int uid, int gid) {
        patch(path, Patch.owner(uid == -1 ? null : uid, gid == -1 ? null : gid, times.now()));
    }

    /** Sets access and modification times (ns since the epoch, or {@link #NOW} or {@link #OMIT}). */
    public void utimens(String path, long atime, long mtime) {
        long now = times.now();
        patch(path, Patch.times(timeOf(atime, now), timeOf(mtime, now), now));
    }

    public void truncate(String path, long size) {
        settle(path);
        change(() -> {
            if (catalog.require(path).attributes().isDirectory()) {
                throw FsException.of(Errno.EISDIR, path);
            }
            // through its open file if it has one here, else opened for the purpose
            long fh = openExisting(path, 0);
            try {
                files.truncate(fh, path, size);
                files.flush(fh, path);
            } finally {
                files.release(fh, path);
            }
            return null;
        });
    }

    public long open(String path, int flags) {
        return read(() -> openExisting(path, flags));
    }

    /**
     * Opens an existing file. Its record is read afresh (close-to-open): the name may hold
     * another file by now. For reading, its content is asked for in the same breath.
     */
    private long openExisting(String path, int flags) {
        Entry cached = catalog.peek(path);
        CompletableFuture<Store.Item> content = files.prefetch(path, cached == null ? null : cached.attributes(), flags);
        Entry e = catalog.findFresh(path);
        if (e == null) {
            throw FsException.of(Errno.ENOENT, path);
        }
        if (e.attributes().isDirectory()) {
            throw FsException.of(Errno.EISDIR, path);
        }
        return files.open(path, e.attributes(), flags, content);
    }

    /**
     * The attributes the file of this handle had when it was opened, with this mount's unsaved
     * changes: whoever caches per name (the kernel does, size and pages, for the attribute
     * timeout, and clips reads to that size) compares them with what it was last told for
     * the name. Null for a handle of {@link #create}: the file is new.
     */
    public Attributes openedWith(long fh) {
        return files.openedWith(fh);
    }

    public int read(long fh, String path, long offset, byte[] dst, int length) {
        return read(fh, path, offset, ReadBuffer.of(dst), length);
    }

    /** Reads up to {@code length} bytes at {@code offset} into {@code dst}: how many there were. */
    public int read(long fh, String path, long offset, ReadBuffer dst, int length) {
        return read(() -> files.read(fh, path, offset, dst, length));
    }

    /** The first offset from {@code offset} on that may hold data (as SEEK_DATA): holes read as zeros. */
    public long dataFrom(long fh, long offset) {
        return read(() -> files.dataFrom(fh, offset));
    }

    /** Writes {@code length} bytes of {@code src} at {@code offset}: the file's size after the write. */
    public long write(long fh, String path, long offset, byte[] src, int length) {
        return read(() -> files.write(fh, path, offset, src, length));
    }

    public void ftruncate(long fh, String path, long size) {
        read(() -> {
            files.truncate(fh, path, size);
            return null;
        });
    }

    /**
     * fallocate(2) through an open file (see {@link FallocateModes}): memcached reserves
     * nothing, so a later write can still find it full. Returns the file's size after.
     */
    public long fallocate(long fh, String path, int mode, long offset, long length) {
        FallocateModes.check(path, mode, offset, length);
        return read(() -> files.fallocate(fh, path, mode, offset, length));
    }

    public Attributes fgetattr(long fh, String path) {
        return read(() -> files.withoutSaveBetween(() -> files.attributes(fh, catalog.require(path).attributes())));
    }

    /** Saves what was written through the handle (close): others mounts see it from their next open. */
    public void flush(long fh, String path) {
        if (writeback != null) {
            writeback.queue(fh, path);
            return;
        }
        change(() -> {
            files.flush(fh, path);
            return null;
        });
    }

    public void fsync(long fh, String path) {
        flush(fh, path);
        if (writeback != null) {
            writeback.sync();
        }
    }

    /**
     * Waits until everything written so far is stored: at once in the default mode; in the
     * writeback mode, EIO when a store failed since the last fsync.
     */
    public void sync() {
        if (writeback != null) {
            writeback.sync();
        }
    }

    public void release(long fh, String path) {
        if (writeback != null) {
            writeback.queue(fh, path);
        }
        change(() -> {
            files.release(fh, path);
            return null;
        });
    }

    public byte[] getxattr(String path, String name) {
        return read(() -> xattrs.get(path, name));
    }

    /**
     * The extended attribute's value, or null when the file has none of that name: ENODATA
     * without an exception, for the probes that ls -l and cp make on every file.
     */
    public byte[] findXattr(String path, String name) {
        return read(() -> xattrs.find(path, name));
    }

    public List<String> listxattr(String path) {
        return read(() -> xattrs.list(path));
    }

    /** Sets an extended attribute; flags 1 (XATTR_CREATE) and 2 (XATTR_REPLACE) as in Linux. */
    public void setxattr(String path, String name, byte[] value, int flags) {
        Xattrs.checkSettable(path, name);
        settle(path);
        change(() -> {
            xattrs.set(path, name, value, flags);
            return null;
        });
    }

    public void removexattr(String path, String name) {
        settle(path);
        change(() -> {
            xattrs.remove(path, name);
            return null;
        });
    }

    /** Exists or ENOENT: permissions are the kernel's to check (default_permissions). */
    public void access(String path) {
        getattr(path);
    }

    /** How often lookups were answered from this mount's cache. */
    public CacheCounters cacheCounters() {
        return catalog.counters();
    }

    /** statfs asks memcached for its stats: a second's worth of df calls share one answer. */
    public FsStats statfs() {
        FsStats cached = lastStats;
        if (cached != null && ticker.getAsLong() - lastStatsAt < STATS_TTL_NANOS) {
            return cached;
        }
        FsStats fresh = read(() -> {
            long limit = 0;
            long used = 0;
            for (ServerStats s : kv.stats()) {
                limit += s.limitMaxBytes();
                used += s.bytes();
            }
            long block = 4096;
            long blocks = limit / block;
            long free = Math.max(0, (limit - used) / block);
            long inodes = counter(keys.inodeCounter()) - counter(keys.freedCounter());
            return new FsStats(block, blocks, free, Math.max(0, inodes) + free, free, PathNames.NAME_MAX);
        });
        lastStats = fresh;
        lastStatsAt = ticker.getAsLong();
        return fresh;
    }

    @Override
    public void close() {
        if (writeback != null) {
            writeback.close();
        }
        if (watcher != null) {
            watcher.shutdownNow();
        }
        ahead.close();
        files.saveAll();
        try {
            inodes.giveBack();
        } catch (FsException e) {
            // memcached is gone: statfs counts those numbers as in use, as after a crash
        }
    }

    private long counter(String key) {
        byte[] v = kv.getBytes(key);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(new String(v, java.nio.charset.StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void patch(String path, Patch patch) {
        boolean done = change(() -> {
            Entry e = catalog.require(path);
            if (files.patchIfOpen(e.ino(), patch)) {
                return true;
            }
            if (writeback != null && writeback.busyWithin(path)) {
                return false; // a store queued at or below it would act after the change: wait for it first
            }
            catalog.update(path, patch::applyTo);
            return true;
        });
        if (!done) {
            settle(path);
            patch(path, patch);
        }
    }

    /**
     * Writeback: waits until what is queued at or below {@code path} is stored, so that an
     * operation on it acts on what is stored (outside the tree lock: the stores take it).
     */
    private void settle(String path) {
        if (writeback != null) {
            writeback.settle(path);
        }
    }

    private static Long timeOf(long t, long now) {
        if (t == OMIT) {
            return null;
        }
        return t == NOW ? now : t;
    }

    /** The records behind the open files: what saving one needs of the catalog. */
    private final class CatalogRecords implements Records {
        @Override
        public List<String> names(String path) {
            Entry e = catalog.require(path);
            // a file with several names: its names as they are now, another mount may have added one
            return e.isInNode() ? catalog.freshNode(e.ino()).value().paths() : List.of(path);
        }

        @Override
        public Pending update(String path, UnaryOperator<Attributes> change, CompletableFuture<Void> content) {
            CompletableFuture<Entry> attributes = catalog.updateAsync(path, change);
            return () -> {
                kv.await(content);
                kv.await(attributes);
            };
        }
    }

    /** The content behind the tree's names: what the tree needs of open files and content items. */
    private final class FileContent implements Content {
        @Override
        public Attributes shown(Attributes stored) {
            return files.current(stored);
        }

        @Override
        public void saveIfOpen(long ino, String path) {
            files.saveIfOpen(ino, path);
        }

        @Override
        public void deleteParts(Attributes removed) {
            files.deleteParts(removed);
        }

        @Override
        public void copyWhole(String from, String to) {
            contents.copyWhole(from, to);
        }
    }

    /** An operation that changes the tree: shares the tree lock with all but directory renames. */
    private <T> T change(Supplier<T> op) {
        Lock lock = treeLock.readLock();
        lock.lock();
        try {
            return read(op);
        } finally {
            lock.unlock();
        }
    }

    /** Runs an operation unless the namespace is known to be gone; see {@link Namespace#explain}. */
    private <T> T read(Supplier<T> op) {
        namespace.check();
        try {
            return op.get();
        } catch (FsException e) {
            throw namespace.explain(e);
        }
    }
}
