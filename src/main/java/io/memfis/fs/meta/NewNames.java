package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.PathNames;
import io.memfis.fs.Times;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;

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
        String parent = batch.get(0).parent();
        int parentPages = batch.get(0).parentPages();
        List<String> names = new ArrayList<>(batch.size());
        for (NewName n : batch) {
            names.add(PathNames.name(n.path()));
        }
        // each record names the page its entry is expected on; one that lands elsewhere is corrected
        int[] expected = listings.expectedPages(parent, parentPages, names);
        List<Pending> pending = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            pending.add(new Pending(batch.get(i), names.get(i), expected[i]));
        }
        Made[] made = new Made[batch.size()];
        if (!kv.preservesOrder()) {
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                if (kv.await(p.recordAdded).isEmpty()) {
                    undoExtra(p.extraKey, p.extraAdded);
                    made[i] = new Made(null, exists(parent, p.name, p.n.path()));
                }
            }
        }
        List<Pending> listed = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            if (made[i] == null) {
                listed.add(pending.get(i));
            }
        }
        if (listed.isEmpty()) {
            return List.of(made);
        }
        long now = times.now();
        // the parent counts only pages that exist: new ones once the names are on them
        int knownPages = Math.max(1, parentPages);
        int newDirs = (int) listed.stream().filter(p -> p.dir).count();
        Listings.PendingAdd adding = listings.startAdd(parent, parentPages,
                listed.stream().map(p -> p.name).toList());
        Catalog.PendingUpdate touching;
        try {
            touching = catalog.startUpdate(parent, d -> {
                if (d.nlink() == 0) {
                    throw FsException.of(Errno.ENOENT, parent);
                }
                Attributes touched = d.touched(now).withPages(Math.max(d.pages(), knownPages));
                return newDirs == 0 ? touched : touched.withNlink(touched.nlink() + newDirs, now);
            });
        } catch (FsException e) {
            touching = () -> {
                throw e;
            };
        }
        for (Pending p : listed) {
            p.token = kv.await(p.recordAdded);
        }
        List<Listings.Added> added = adding.finish();
        FsException parentGone = null;
        try {
            touching.finish();
        } catch (FsException e) {
            parentGone = e;
        }
        int pagesUsed = knownPages;
        for (int i = 0, j = 0; i < made.length; i++) {
            if (made[i] != null) {
                continue;
            }
            Pending p = listed.get(j);
            Listings.Added a = added.get(j++);
            Entry e = finish(p, a, parentGone, now);
            made[i] = new Made(e, e == null ? p.failure : null);
            if (e != null) {
                pagesUsed = Math.max(pagesUsed, a.page() + 1);
            }
        }
        if (pagesUsed > knownPages) {
            int pages = pagesUsed;
            catalog.update(parent, d -> d.withPages(Math.max(d.pages(), pages)));
        }
        return List.of(made);
    }

    /** One name of {@link #commitAll} in flight. */
    private final class Pending {
        final NewName n;
        final String name;
        final int expectedPage;
        final boolean dir;
        final PathRecord record;
        final CompletableFuture<OptionalLong> recordAdded;
        final String extraKey;
        final CompletableFuture<OptionalLong> extraAdded;
        OptionalLong token;
        FsException failure;

        Pending(NewName n, String name, int expectedPage) {
            this.n = n;
            this.name = name;
            this.expectedPage = expectedPage;
            this.dir = n.attributes().isDirectory();
            this.record = PathRecord.inline(n.attributes(), expectedPage);
            this.recordAdded = kv.addAsync(keys.record(n.path()), record, Codec.RECORD);
            this.extraKey = dir ? keys.dirPage(n.path(), 0) : null;
            this.extraAdded = dir ? kv.addAsync(extraKey, List.<String>of(), Codec.NAMES) : null;
        }
    }

    /** Settles one name once its record, the listing and the parent are written: its entry, or null with its failure set. */
    private Entry finish(Pending p, Listings.Added added, FsException parentGone, long now) {
        String parent = p.n.parent();
        String path = p.n.path();
        if (p.token.isEmpty()) {
            // another mount made the name first: take back what this create wrote beside it
            undoExtra(p.extraKey, p.extraAdded);
            Entry winner = catalog.findFresh(path);
            if (added.inserted() && (winner == null || winner.page() != added.page())) {
                listings.remove(parent, added.page() + 1, p.name, added.page());
            }
            if (p.dir && parentGone == null) {
                catalog.update(parent, d -> d.withNlink(d.nlink() - 1, now));
            }
            p.failure = exists(parent, p.name, path);
            return null;
        }
        if (parentGone != null) {
            // the parent went away meanwhile (rmdir by another mount): take the name back
            listings.remove(parent, added.page() + 1, p.name, added.page());
            kv.deleteAll(p.extraKey == null ? List.of(keys.record(path)) : List.of(keys.record(path), p.extraKey));
            changes.nameChanged(path);
            p.failure = parentGone;
            return null;
        }
        if (p.extraAdded != null && kv.await(p.extraAdded).isEmpty()) {
            // a stale first page stood there (a crash half-way): this one replaces it
            kv.set(p.extraKey, Codec.NAMES.encode(List.of()));
        }
        Versioned<PathRecord> stored = new Versioned<>(p.record, p.token.getAsLong());
        catalog.remember(path, stored);
        if (p.dir) {
            // an empty directory this mount just made: lookups in it need no request
            listings.knowEmpty(path);
        }
        if (added.page() != p.expectedPage) {
            catalog.setPage(path, added.page());
            return catalog.require(path);
        }
        return new Entry(path, stored, null);
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
