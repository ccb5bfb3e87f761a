package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * New names: numbered and checked ({@link #prepare}), then stored ({@link #commit}) with
 * every request in flight together: the record (and a directory's first page), the listing
 * entry and the parent's new mtime, one wait per create.
 */
final class NewNames {

    private final Kv kv;
    private final Keys keys;
    private final Catalog catalog;
    private final Listings listings;
    private final InodeNumbers inodes;
    private final Times times;

    NewNames(Kv kv, Keys keys, Catalog catalog, Listings listings, InodeNumbers inodes, Times times) {
        this.kv = kv;
        this.keys = keys;
        this.catalog = catalog;
        this.listings = listings;
        this.inodes = inodes;
        this.times = times;
    }

    /** A new name, checked and numbered but not stored yet: see {@link #commit}. */
    /** A name checked and numbered, not stored yet. */
    record NewName(String path, Attributes attributes, int parentPages) {
        String parent() {
            return PathNames.parent(path);
        }

        int guessPage() {
            return Math.max(0, parentPages - 1);
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
     * Stores a new name: its record (and a directory's first page), then its listing entry
     * and its parent's new mtime. When the store applies requests in order they all go out
     * together, one wait; else the entry waits for the record, so that a crash never leaves
     * a listed name without its record.
     *
     * @throws FsException EEXIST when another mount made the name meanwhile
     */
    Entry commit(NewName n) {
        Attributes attributes = n.attributes();
        String path = n.path();
        String parent = n.parent();
        String name = PathNames.name(path);
        boolean dir = attributes.isDirectory();
        int guess = n.guessPage();
        Store store = kv.store();
        PathRecord record = PathRecord.inline(attributes, guess);
        CompletableFuture<OptionalLong> recordAdded = store.add(keys.record(path), Codec.RECORD.encode(record));
        String extraKey = dir ? keys.dirPage(path, 0) : null;
        CompletableFuture<OptionalLong> extraAdded = dir ? store.add(extraKey, Codec.NAMES.encode(List.of())) : null;
        if (!store.preservesOrder() && kv.await(recordAdded).isEmpty()) {
            undoExtra(extraKey, extraAdded);
            throw exists(parent, name, path);
        }
        long now = times.now();
        Listings.PendingAdd adding = listings.startAdd(parent, n.parentPages(), name);
        Catalog.PendingUpdate touching;
        try {
            touching = catalog.startUpdate(parent, d -> {
                if (d.nlink() == 0) {
                    throw FsException.of(Errno.ENOENT, parent);
                }
                Attributes touched = d.touched(now).withPages(Math.max(d.pages(), guess + 1));
                return dir ? touched.withNlink(touched.nlink() + 1, now) : touched;
            });
        } catch (FsException e) {
            touching = () -> {
                throw e;
            };
        }
        OptionalLong token = kv.await(recordAdded);
        Listings.Added added = adding.finish();
        FsException parentGone = null;
        try {
            touching.finish();
        } catch (FsException e) {
            parentGone = e;
        }
        if (token.isEmpty()) {
            // another mount made the name first: take back what this create wrote beside it
            undoExtra(extraKey, extraAdded);
            Entry winner = catalog.findFresh(path);
            if (added.inserted() && (winner == null || winner.page() != added.page())) {
                listings.remove(parent, added.page() + 1, name, added.page());
            }
            if (dir && parentGone == null) {
                catalog.update(parent, d -> d.withNlink(d.nlink() - 1, now));
            }
            throw exists(parent, name, path);
        }
        if (parentGone != null) {
            // the parent went away meanwhile (rmdir by another mount): take the name back
            listings.remove(parent, added.page() + 1, name, added.page());
            kv.deleteAll(extraKey == null ? List.of(keys.record(path)) : List.of(keys.record(path), extraKey));
            catalog.forget(path);
            throw parentGone;
        }
        if (extraAdded != null && kv.await(extraAdded).isEmpty()) {
            // a stale first page stood there (a crash half-way): this one replaces it
            kv.set(extraKey, Codec.NAMES.encode(List.of()));
        }
        Versioned<PathRecord> stored = new Versioned<>(record, token.getAsLong());
        catalog.remember(path, stored);
        if (dir) {
            // an empty directory this mount just made: lookups in it need no request
            listings.knowEmpty(path);
        }
        if (added.page() != guess) {
            int landed = added.page();
            catalog.setPage(path, landed);
            catalog.update(parent, d -> d.withPages(Math.max(d.pages(), landed + 1)));
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
        catalog.forget(path);
        return FsException.of(Errno.EEXIST, path);
    }
}
