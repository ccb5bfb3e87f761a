package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.NewEntry;
import io.memfis.fs.PathNames;
import io.memfis.fs.Times;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * New names: numbered and checked ({@link #prepare}), then stored ({@link #commitAll}), one
 * name or a run of names of one directory, with the requests in flight together: the
 * records (and a directory's first page), the listing entries and the parent's new mtime,
 * one wait per create or per run.
 */
public final class NewNames {

    private final Kv kv;
    private final Keys keys;
    private final Catalog catalog;
    private final Listings listings;
    private final InodeAllocator inodes;
    private final Times times;
    private final OwnChanges changes;

    public NewNames(Kv kv, Keys keys, Catalog catalog, Listings listings, InodeAllocator inodes, Times times,
                    OwnChanges changes) {
        this.kv = kv;
        this.keys = keys;
        this.catalog = catalog;
        this.listings = listings;
        this.inodes = inodes;
        this.times = times;
        this.changes = changes;
    }

    /** A name checked and numbered, not stored yet: see {@link #commitAll}. */
    record NewName(String path, Attributes attributes, int parentPages) {
        String parent() {
            return PathNames.parent(path);
        }
    }

    /**
     * Checks and numbers a new name, owned by uid/gid with the setgid rule of its parent;
     * nothing is stored yet.
     */
    NewName prepare(String path, FileType type, int mode, int uid, int gid, String target, long rdev) {
        PathNames.checkNewName(path);
        if (catalog.peek(path) != null) {
            throw FsException.of(Errno.EEXIST, path);
        }
        Entry parent = catalog.require(PathNames.parent(path));
        if (!parent.attributes().isDirectory()) {
            throw FsException.of(Errno.ENOTDIR, PathNames.parent(path));
        }
        Attributes p = parent.attributes();
        if ((p.mode() & 02000) != 0) {
            gid = p.gid();
            if (type == FileType.DIRECTORY) {
                mode |= 02000;
            }
        }
        long now = times.now();
        boolean dir = type == FileType.DIRECTORY;
        long size = target == null ? 0 : target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        Attributes a = new Attributes(inodes.allocate(), type, mode, uid, gid, size, dir ? 2 : 1, now, now, now,
                target, rdev, dir ? 1 : 0, false);
        return new NewName(path, a, p.pages());
    }

    /**
     * Checks and numbers a new regular file made whole at once (a load's): its record has
     * its final size, times, owner and mode from the start, as if written, chowned and
     * chmodded before anyone saw it; nothing is stored yet.
     */
    NewName prepareComplete(String path, int mode, int uid, int gid, long size, long atime, long mtime) {
        NewName n = prepare(path, FileType.FILE, mode, uid, gid, null, 0);
        Attributes a = n.attributes();
        return new NewName(path, new Attributes(a.ino(), FileType.FILE, mode, uid, gid, size, 1, atime, mtime,
                a.ctime(), null, 0, 0, false), n.parentPages());
    }

    /**
     * Stores a new name; see {@link #commitAll}.
     *
     * @throws FsException EEXIST when another mount made the name meanwhile
     */
    Entry commit(NewName n) {
        return commitAll(List.of(n)).get(0).entry();
    }

    /** What {@link #commitAll} made of one name: its entry, or the failure ({@link #entry} throws it). */
    public record Made(Entry made, FsException failure) {
        Entry entry() {
            if (failure != null) {
                throw failure;
            }
            return made;
        }
    }

    /**
     * Stores new names of one directory, in order: their records (and a directory's first
     * page), then their listing entries and their parent's new mtime, all in flight
     * together, so that a thousand creates cost about what one does. When the store applies
     * requests in order they go out at once, one wait; else the entries wait for the
     * records, so that a crash never leaves a listed name without its record. A name
     * another mount made meanwhile fails alone, with EEXIST.
     */
    List<Made> commitAll(List<NewName> batch) {
        return commitAll(batch, null, null);
    }

    /**
     * What must be stored for a new name once its record is in (this mount owns the name)
     * and before the name is listed: a complete file's content.
     */
    @FunctionalInterface
    public interface BeforeListing {
        /** Starts storing it for name {@code i} of the batch; null when that name needs nothing. */
        CompletableFuture<?> start(int i);
    }

    /**
     * {@link #commitAll(List)}, and, with {@code before}, between the records and the listing
     * entries, what {@code before} stores for each name whose record was added: never before
     * (the name may be another mount's, and so what is stored under it), and the name is
     * listed only once that is stored. A name whose store fails takes its record back and
     * fails alone. With {@code parentTimes}, the parent's update also sets its access and
     * modification times to them (when at least one name is made).
     */
    List<Made> commitAll(List<NewName> batch, BeforeListing before, NewEntry.DirTimes parentTimes) {
        String parent = batch.get(0).parent();
        int parentPages = batch.get(0).parentPages();
        List<String> names = new ArrayList<>(batch.size());
        for (NewName n : batch) {
            names.add(PathNames.name(n.path()));
        }
        // each record names the page its entry is expected on; one that lands elsewhere is corrected
        int[] expected = listings.expectedPages(parent, parentPages, names);
        List<Sent> sent = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            sent.add(send(batch.get(i), names.get(i), expected[i]));
        }
        Made[] made = new Made[batch.size()];
        if (!kv.preservesOrder() || before != null) {
            for (int i = 0; i < sent.size(); i++) {
                Sent s = sent.get(i);
                if (kv.await(s.recordAdded).isEmpty()) {
                    undoExtra(s.extraKey, s.extraAdded);
                    made[i] = new Made(null, exists(parent, s.name, s.n.path()));
                }
            }
        }
        if (before != null) {
            storeBeforeListing(sent, made, before);
        }
        List<Sent> listed = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (made[i] == null) {
                listed.add(sent.get(i));
            }
        }
        if (listed.isEmpty()) {
            return List.of(made);
        }
        long now = times.now();
        // the parent counts only pages that exist: new ones once the names are on them
        int knownPages = Math.max(1, parentPages);
        int newDirs = (int) listed.stream().filter(Sent::dir).count();
        CompletableFuture<List<Listings.Added>> adding = listings.addAsync(parent, parentPages,
                listed.stream().map(Sent::name).toList());
        CompletableFuture<Entry> touching = catalog.updateAsync(parent, d -> {
            if (d.nlink() == 0) {
                throw FsException.of(Errno.ENOENT, parent);
            }
            Attributes touched = d.touched(now).withPages(Math.max(d.pages(), knownPages));
            if (parentTimes != null) {
                touched = touched.withTimes(parentTimes.atime(), parentTimes.mtime());
            }
            return newDirs == 0 ? touched : touched.withNlink(touched.nlink() + newDirs, now);
        });
        List<OptionalLong> tokens = new ArrayList<>(listed.size());
        for (Sent s : listed) {
            tokens.add(kv.await(s.recordAdded));
        }
        List<Listings.Added> added = kv.await(adding);
        FsException parentGone = null;
        try {
            kv.await(touching);
        } catch (FsException e) {
            parentGone = e;
        }
        int pagesUsed = knownPages;
        for (int i = 0, j = 0; i < made.length; i++) {
            if (made[i] != null) {
                continue;
            }
            Listings.Added a = added.get(j);
            made[i] = settle(listed.get(j), tokens.get(j), a, parentGone, now);
            j++;
            if (made[i].failure() == null) {
                pagesUsed = Math.max(pagesUsed, a.page() + 1);
            }
        }
        if (pagesUsed > knownPages) {
            int pages = pagesUsed;
            catalog.update(parent, d -> d.withPages(Math.max(d.pages(), pages)));
        }
        return List.of(made);
    }

    /** Stores what {@code before} gives for each name added so far; one that fails takes its record back. */
    private void storeBeforeListing(List<Sent> sent, Made[] made, BeforeListing before) {
        List<CompletableFuture<?>> stores = new ArrayList<>(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            stores.add(made[i] == null ? before.start(i) : null);
        }
        for (int i = 0; i < sent.size(); i++) {
            if (stores.get(i) == null) {
                continue;
            }
            try {
                kv.await(stores.get(i));
            } catch (RuntimeException e) {
                // not listed yet: no lookup through its directory found it
                Sent s = sent.get(i);
                try {
                    kv.deleteAll(s.extraKey == null ? List.of(keys.record(s.n.path()))
                            : List.of(keys.record(s.n.path()), s.extraKey));
                } catch (FsException gone) {
                    // memcached did not answer: an unlisted record, an orphan for check --repair
                }
                made[i] = new Made(null, e instanceof FsException f ? f
                        : new FsException(Errno.EIO, s.n.path() + ": " + e, e));
            }
        }
    }

    /**
     * What {@link #commitAll} sent for one name: its record and, for a directory, its first
     * page, added only where nothing stands.
     */
    private record Sent(NewName n, String name, int expectedPage, PathRecord record,
                        CompletableFuture<OptionalLong> recordAdded, String extraKey,
                        CompletableFuture<OptionalLong> extraAdded) {
        boolean dir() {
            return extraKey != null;
        }
    }

    private Sent send(NewName n, String name, int expectedPage) {
        PathRecord record = PathRecord.inline(n.attributes(), expectedPage);
        CompletableFuture<OptionalLong> recordAdded = kv.addAsync(keys.record(n.path()), record, Codec.RECORD);
        if (!n.attributes().isDirectory()) {
            return new Sent(n, name, expectedPage, record, recordAdded, null, null);
        }
        String extraKey = keys.dirPage(n.path(), 0);
        return new Sent(n, name, expectedPage, record, recordAdded, extraKey,
                kv.addAsync(extraKey, List.<String>of(), Codec.NAMES));
    }

    /**
     * Settles one name once its record ({@code token}, empty when the name existed), the
     * listing and the parent are written: its entry, or its failure.
     */
    private Made settle(Sent s, OptionalLong token, Listings.Added added, FsException parentGone, long now) {
        String parent = s.n.parent();
        String path = s.n.path();
        if (token.isEmpty()) {
            // another mount made the name first: take back what this create wrote beside it
            undoExtra(s.extraKey, s.extraAdded);
            Entry winner = catalog.findFresh(path);
            if (added.inserted() && (winner == null || winner.page() != added.page())) {
                listings.remove(parent, added.page() + 1, s.name, added.page());
            }
            if (s.dir() && parentGone == null) {
                catalog.update(parent, d -> d.withNlink(d.nlink() - 1, now));
            }
            return new Made(null, exists(parent, s.name, path));
        }
        if (parentGone != null) {
            // the parent went away meanwhile (rmdir by another mount): take the name back
            listings.remove(parent, added.page() + 1, s.name, added.page());
            kv.deleteAll(s.extraKey == null ? List.of(keys.record(path)) : List.of(keys.record(path), s.extraKey));
            changes.nameChanged(path);
            return new Made(null, parentGone);
        }
        long pageToken = Store.UNKNOWN_TOKEN;
        if (s.extraAdded != null) {
            OptionalLong pageAdded = kv.await(s.extraAdded);
            // else a stale first page stood there (a crash half-way): this one replaces it
            pageToken = pageAdded.isPresent() ? pageAdded.getAsLong()
                    : kv.set(s.extraKey, Codec.NAMES.encode(List.of()));
        }
        Versioned<PathRecord> stored = new Versioned<>(s.record, token.getAsLong());
        catalog.remember(path, stored);
        if (s.dir()) {
            // an empty directory this mount just made: lookups in it need no request, nor
            // the first name added to it a read of its page
            listings.knowEmpty(path, pageToken);
        }
        if (added.page() != s.expectedPage) {
            catalog.setPage(path, added.page());
            return new Made(catalog.require(path), null);
        }
        return new Made(new Entry(path, stored, null), null);
    }

    private void undoExtra(String extraKey, CompletableFuture<OptionalLong> extraAdded) {
        if (extraAdded != null && kv.await(extraAdded).isPresent()) {
            kv.delete(extraKey);
        }
    }

    private FsException exists(String parent, String name, String path) {
        // another mount made it since this one listed the parent: lookups must find it now
        listings.knowAdded(parent, name);
        changes.nameChanged(path);
        return FsException.of(Errno.EEXIST, path);
    }
}
