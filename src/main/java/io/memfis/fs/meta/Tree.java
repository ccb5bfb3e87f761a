package io.memfis.fs.meta;

import io.memfis.fs.DirEntry;
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
import io.memfis.layout.NodeRecord;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The directory tree: adding, removing, renaming and linking names. Writes are ordered so
 * that a crash half-way leaves an orphan (a record no listing names), never a listed name
 * without its record: a new name's record is written before its listing entry, and a
 * removed name leaves its listing before its record goes.
 */
public final class Tree {

    private static final Logger log = LoggerFactory.getLogger(Tree.class);

    /** Records requested together when listing a directory. */
    private static final int BATCH = 1000;

    private final Kv kv;
    private final Keys keys;
    private final Catalog catalog;
    private final Listings listings;
    private final InodeAllocator inodes;
    private final Content content;
    private final Times times;
    private final ReaddirAhead ahead;
    private final NewNames newNames;
    private final OwnChanges changes;
    private final LookupAhead lookupAhead = new LookupAhead();

    public Tree(Kv kv, Keys keys, Catalog catalog, Listings listings, InodeAllocator inodes, Content content,
         Times times, ReaddirAhead ahead, NewNames newNames, OwnChanges changes) {
        this.kv = kv;
        this.keys = keys;
        this.catalog = catalog;
        this.listings = listings;
        this.inodes = inodes;
        this.content = content;
        this.times = times;
        this.ahead = ahead;
        this.newNames = newNames;
        this.changes = changes;
    }

    Entry directory(String path) {
        Entry e = catalog.require(path);
        if (!e.attributes().isDirectory()) {
            throw FsException.of(Errno.ENOTDIR, path);
        }
        return e;
    }

    /**
     * The entry at {@code path}, or null: answered without a request when this mount knows
     * every name of the parent directory and this is not one of them.
     */
    public Entry lookup(String path) {
        if (!PathNames.isRoot(path) && catalog.isUncached(path)) {
            String parent = PathNames.parent(path);
            if (listings.worthRefreshing(parent)) {
                Entry dir = catalog.find(parent);
                if (dir != null && dir.attributes().isDirectory()) {
                    names(dir);
                }
            }
            if (listings.knownAbsent(parent, PathNames.name(path))) {
                return null;
            }
            List<String> names = lookupAhead.with(parent, PathNames.name(path));
            if (names.size() > 1) {
                return catalog.findWith(path, childPaths(parent, names));
            }
        }
        return catalog.find(path);
    }

    private static List<String> childPaths(String dir, List<String> names) {
        List<String> paths = new ArrayList<>(names.size());
        for (String n : names) {
            paths.add(PathNames.child(dir, n));
        }
        return paths;
    }

    /** The names of a directory with their attributes, records requested a thousand at a time. */
    public List<DirEntry> list(String path) {
        Entry dir = directory(path);
        int pages = dir.attributes().pages();
        List<String> names = ahead.take(path, pages);
        if (names == null) {
            names = names(dir);
        }
        lookupAhead.listed(path, names);
        List<DirEntry> out = new ArrayList<>(names.size());
        for (int from = 0; from < names.size(); from += BATCH) {
            List<String> batch = names.subList(from, Math.min(names.size(), from + BATCH));
            List<String> paths = childPaths(path, batch);
            Map<String, Entry> found = catalog.findAll(paths);
            for (int i = 0; i < batch.size(); i++) {
                Entry e = found.get(paths.get(i));
                if (e == null) {
                    log.warn("{} is listed in {} but its record is missing (evicted, or a crash): run memfis check",
                            paths.get(i), path);
                }
                out.add(new DirEntry(batch.get(i), e == null ? null : content.shown(e.attributes())));
            }
        }
        ahead.after(path, out);
        return out;
    }

    /** A new file of any type at {@code path}, stored at once. */
    public Entry create(String path, FileType type, int mode, int uid, int gid, String target, long rdev) {
        return newNames.commit(newNames.prepare(path, type, mode, uid, gid, target, rdev));
    }

    /**
     * Creates entries of {@code dir} in order, all stored together; one that cannot be made
     * (a bad name, one that exists) fails alone. A {@linkplain NewEntry#complete complete}
     * file's record has its final attributes, and {@code content} stores the rest of it
     * (given the entry's index and path) after its record and before its listing entry; see
     * {@link NewNames#commitAll(List, NewNames.BeforeListing, NewEntry.DirTimes)}, which also
     * sets {@code dir}'s times to {@code dirTimes} when not null.
     */
    public List<NewNames.Made> createAll(String dir, List<NewEntry> entries,
                                         BiFunction<Integer, String, CompletableFuture<?>> content,
                                         NewEntry.DirTimes dirTimes) {
        NewNames.Made[] made = new NewNames.Made[entries.size()];
        inodes.reserve(entries.size());
        List<NewNames.NewName> prepared = new ArrayList<>(entries.size());
        List<Integer> at = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            NewEntry e = entries.get(i);
            String path = PathNames.child(dir, e.name());
            try {
                e.check(path);
                NewEntry.Complete c = e.complete();
                prepared.add(c != null
                        ? newNames.prepareComplete(path, e.mode(), e.uid(), e.gid(), c.content().length, c.atime(),
                                c.mtime())
                        : newNames.prepare(path, e.type(), e.effectiveMode(), e.uid(), e.gid(), e.target(),
                                e.effectiveRdev()));
                at.add(i);
            } catch (FsException failure) {
                made[i] = new NewNames.Made(null, failure);
            }
        }
        if (!prepared.isEmpty()) {
            boolean anyComplete = entries.stream().anyMatch(e -> e.complete() != null);
            List<NewNames.Made> committed = newNames.commitAll(prepared, !anyComplete ? null
                    : j -> entries.get(at.get(j)).complete() == null ? null
                    : content.apply(at.get(j), prepared.get(j).path()), dirTimes);
            for (int j = 0; j < committed.size(); j++) {
                made[at.get(j)] = committed.get(j);
            }
        }
        return List.of(made);
    }

    /**
     * Deletes the record at {@code path} (a directory's first page with it) when its
     * directory's listing, read afresh, does not name it and this mount numbered it: an
     * orphan of its own, such as a create that memcached did not answer in time may leave,
     * which would refuse the name to a new create (another mount's record, maybe between its
     * add and its listing, is never touched). True when one was deleted.
     */
    public boolean dropUnlisted(String path) {
        Entry parent = catalog.findFresh(PathNames.parent(path));
        if (parent == null || !parent.attributes().isDirectory() || names(parent).contains(PathNames.name(path))) {
            return false;
        }
        Entry e = catalog.findFresh(path);
        if (e == null || e.isInNode() || !inodes.isOwn(e.ino())) {
            return false;
        }
        kv.deleteAll(e.attributes().isDirectory() ? List.of(keys.record(path), keys.dirPage(path, 0))
                : List.of(keys.record(path)));
        changes.nameChanged(path);
        return true;
    }

    /** Removes a name that is not a directory (unlink). */
    public void unlink(String path) {
        Entry e = catalog.requireFresh(path);
        if (e.attributes().isDirectory()) {
            throw FsException.of(Errno.EISDIR, path);
        }
        String parentPath = PathNames.parent(path);
        Entry parent = directory(parentPath);
        long now = times.now();
        kv.awaitAll(List.of(
                listings.removeAsync(parentPath, parent.attributes().pages(), PathNames.name(path), e.page()),
                catalog.updateAsync(parentPath, d -> d.touched(now))));
        dropName(e, now);
    }

    /** Removes an empty directory: its record becomes a tombstone (nlink 0) first, so no create races in. */
    public void rmdir(String path) {
        if (PathNames.isRoot(path)) {
            throw FsException.of(Errno.EBUSY, path);
        }
        long now = times.now();
        Versioned<PathRecord> tomb = catalog.modifyRecord(path, r -> {
            if (r == null || (!r.isInNode() && r.attributes().nlink() == 0)) {
                throw FsException.of(Errno.ENOENT, path);
            }
            Attributes a = r.attributes();
            if (r.isInNode() || !a.isDirectory()) {
                throw FsException.of(Errno.ENOTDIR, path);
            }
            if (!listings.list(path, a.pages()).isEmpty()) {
                throw FsException.of(Errno.ENOTEMPTY, path);
            }
            return PathRecord.inline(a.withNlink(0, now), r.page());
        });
        Attributes a = tomb.value().attributes();
        String parentPath = PathNames.parent(path);
        Entry parent = directory(parentPath);
        listings.remove(parentPath, parent.attributes().pages(), PathNames.name(path), tomb.value().page());
        catalog.update(parentPath, d -> d.touched(now).withNlink(Math.max(2, d.nlink() - 1), now));
        listings.deletePages(path, a.pages());
        List<String> gone = new ArrayList<>(List.of(keys.record(path)));
        if (a.xattrs()) {
            gone.add(keys.xattrs(path));
        }
        kv.deleteAll(gone);
        changes.treeChanged(path);
        inodes.freed();
    }

    /** A second name for a file (link): the file's attributes move to its node the first time. */
    public void link(String from, String to) {
        PathNames.checkNewName(to);
        Entry src = catalog.requireFresh(from);
        if (src.attributes().isDirectory()) {
            throw FsException.of(Errno.EPERM, from);
        }
        if (catalog.find(to) != null) {
            throw FsException.of(Errno.EEXIST, to);
        }
        String parentPath = PathNames.parent(to);
        Entry parent = directory(parentPath);
        content.saveIfOpen(src.ino(), src.path());
        long now = times.now();
        long ino = src.ino();
        Entry linked = moveToNode(src, now);
        try {
            catalog.modifyNode(ino, n -> {
                List<String> paths = new ArrayList<>(n.paths());
                paths.add(to);
                Attributes a = n.attributes();
                return new NodeRecord(a.withNlink(a.nlink() + 1, now), paths);
            });
        } catch (FsException e) {
            if (e.errno() == Errno.EFBIG) {
                // the node lists every name in one item: it is full, as a disk's link count can be
                throw new FsException(Errno.EMLINK, "too many names for one file: " + to, e);
            }
            throw e;
        }
        int guess = Math.max(0, parent.attributes().pages() - 1);
        if (kv.add(keys.record(to), PathRecord.inNode(ino, guess), Codec.RECORD).isEmpty()) {
            removeFromNode(ino, to, now);
            throw FsException.of(Errno.EEXIST, to);
        }
        changes.nameChanged(to);
        if (linked.attributes().isFile()) {
            // a large file has a content item too when it is stored whole compressed
            content.copyWhole(from, to);
        }
        int page = listings.add(parentPath, parent.attributes().pages(), PathNames.name(to));
        if (page != guess) {
            catalog.setPage(to, page);
        }
        catalog.update(parentPath, d -> d.touched(now).withPages(Math.max(d.pages(), page + 1)));
    }

    /** Moves a file's attributes (and extended attributes) from its record to a node, once. */
    private Entry moveToNode(Entry e, long now) {
        if (e.isInNode()) {
            return e;
        }
        Attributes a = e.attributes();
        catalog.addNode(new NodeRecord(a, List.of(e.path())));
        if (a.xattrs()) {
            byte[] x = kv.getBytes(keys.xattrs(e.path()));
            if (x != null) {
                kv.set(keys.nodeXattrs(a.ino()), x);
            }
        }
        catalog.modifyRecord(e.path(), r -> {
            if (r == null || r.ino() != a.ino()) {
                throw new FsException(Errno.ENOENT, "file changed while linking: " + e.path());
            }
            if (r.isInNode()) {
                return r;
            }
            if (!r.attributes().equals(a)) {
                // changed since read: the node takes the record's attributes, but keeps the
                // names (and their count) another mount's link may have added meanwhile
                catalog.modifyNode(a.ino(), n -> new NodeRecord(r.attributes().withNlink(n.attributes().nlink(),
                        Math.max(r.attributes().ctime(), n.attributes().ctime())), n.paths()));
            }
            return PathRecord.inNode(a.ino(), r.page());
        });
        if (a.xattrs()) {
            kv.delete(keys.xattrs(e.path()));
        }
        return catalog.require(e.path());
    }

    private void removeFromNode(long ino, String path, long now) {
        Versioned<NodeRecord> n = catalog.modifyNode(ino, node -> {
            if (!node.paths().contains(path)) {
                return node;
            }
            List<String> paths = new ArrayList<>(node.paths());
            paths.remove(path);
            Attributes a = node.attributes();
            return new NodeRecord(a.withNlink(a.nlink() - 1, now), paths);
        });
        if (n.value().attributes().nlink() <= 0) {
            deleteInode(n.value().attributes(), true);
        }
    }

    /** Deletes a name's own keys and, with its last name, the file. */
    private void dropName(Entry e, long now) {
        List<String> gone = new ArrayList<>(List.of(keys.record(e.path()), keys.content(e.path())));
        if (e.isInNode()) {
            kv.deleteAll(gone);
            removeFromNode(e.ino(), e.path(), now);
        } else {
            Attributes a = e.attributes();
            if (a.xattrs()) {
                gone.add(keys.xattrs(e.path()));
            }
            kv.deleteAll(gone);
            deleteInode(a, false);
        }
        changes.nameChanged(e.path());
    }

    private void deleteInode(Attributes a, boolean inNode) {
        if (a.isFile()) {
            content.deleteParts(a);
        }
        if (inNode) {
            kv.deleteAll(List.of(keys.node(a.ino()), keys.nodeXattrs(a.ino())));
        }
        inodes.freed();
    }

    /**
     * Renames a file or a whole directory, replacing a target as POSIX says. A directory's
     * keys are all rewritten: first it is claimed (see {@link #claim}), then the copies go
     * under the new path, then the listing entries change, then the old keys go. Another
     * mount sees the old tree until the entries change. A directory rename that fails before
     * the old name is gone takes back what it wrote.
     */
    public void rename(String from, String to) {
        if (from.equals(to)) {
            return;
        }
        PathNames.checkNewName(to);
        Entry src = catalog.requireFresh(from);
        Entry dst = catalog.findFresh(to);
        String fromParent = PathNames.parent(from);
        String toParent = PathNames.parent(to);
        Entry toDir = directory(toParent);
        // after the target's parent: a file cannot be a parent (ENOTDIR), as on a local disk
        if (PathNames.isWithin(to, from)) {
            throw new FsException(Errno.EINVAL, "cannot move " + from + " into itself: " + to);
        }
        boolean srcDir = src.attributes().isDirectory();
        boolean dstDir = false;
        if (dst != null) {
            if (dst.ino() == src.ino()) {
                return;
            }
            dstDir = dst.attributes().isDirectory();
            if (srcDir && !dstDir) {
                throw FsException.of(Errno.ENOTDIR, to);
            }
            if (!srcDir && dstDir) {
                throw FsException.of(Errno.EISDIR, to);
            }
            if (dstDir && !names(dst).isEmpty()) {
                throw FsException.of(Errno.ENOTEMPTY, to);
            }
        }
        long now = times.now();
        int page = dst != null ? dst.page() : Math.max(0, toDir.attributes().pages() - 1);
        if (srcDir) {
            src = claim(src);
        } else {
            claimName(src);
        }
        RenameCopy copy = new RenameCopy();
        int landed = -1;
        byte[] dstXattrs = null;
        try {
            if (dstDir && dst.attributes().xattrs()) {
                // a replaced directory's own item that the copy may overwrite: kept to take back
                dstXattrs = kv.getBytes(keys.xattrs(to));
            }
            if (dst != null) {
                discardReplaced(dst, now);
            }
            copyTop(src, to, page, now, copy);
            if (dst != null && !dstDir && !copy.oldKeys().contains(keys.content(from))) {
                // the source brought no content to put there (a large file, a symlink)
                kv.delete(keys.content(to));
            }
            if (dst == null) {
                landed = listings.add(toParent, toDir.attributes().pages(), PathNames.name(to));
                if (landed != page) {
                    catalog.setPage(to, landed);
                }
            }
            if (srcDir) {
                Entry fromDir = directory(fromParent);
                listings.remove(fromParent, fromDir.attributes().pages(), PathNames.name(from), src.page());
            }
        } catch (RuntimeException e) {
            if (srcDir) {
                takeBack(src, dst, dstXattrs, to, landed, copy, e);
            } else {
                relist(src, e);
            }
            throw e;
        }

        int pageUsed = dst == null ? landed : page;
        int moved = srcDir ? 1 : 0;
        int replaced = dstDir ? 1 : 0;
        if (fromParent.equals(toParent)) {
            catalog.update(toParent, d -> d.touched(now).withPages(Math.max(d.pages(), pageUsed + 1))
                    .withNlink(d.nlink() - replaced, now));
        } else {
            catalog.update(toParent, d -> d.touched(now).withPages(Math.max(d.pages(), pageUsed + 1))
                    .withNlink(d.nlink() + moved - replaced, now));
            catalog.update(fromParent, d -> d.touched(now).withNlink(d.nlink() - moved, now));
        }
        deleteInBatches(copy.oldKeys());
        forgetBoth(from, to);
    }

    private void deleteInBatches(List<String> gone) {
        for (int i = 0; i < gone.size(); i += BATCH) {
            kv.deleteAll(gone.subList(i, Math.min(gone.size(), i + BATCH)));
        }
    }

    private void forgetBoth(String from, String to) {
        changes.treeChanged(from);
        changes.treeChanged(to);
    }

    /**
     * Claims a directory for a rename before anything is copied: its record becomes a
     * tombstone (link count 0, as rmdir makes first), with a compare-and-swap. Of two mounts
     * renaming one directory at once, one claims it and the other finds ENOENT, as if the
     * winner had finished; rmdir finds ENOENT too, and no name can be created in it. A crash
     * after the claim leaves the directory listed with link count 0, which check reports and
     * --repair sets right, and the copies as orphans. The entry returned has the attributes
     * the directory had.
     */
    private Entry claim(Entry src) {
        String path = src.path();
        PathRecord[] had = new PathRecord[1];
        Versioned<PathRecord> tomb = catalog.modifyRecord(path, r -> {
            if (r == null || r.isInNode() || r.ino() != src.ino() || isTombstone(r)) {
                throw new FsException(Errno.ENOENT, path + ": removed, or being renamed by another mount");
            }
            had[0] = r;
            return PathRecord.inline(r.attributes().withNlink(0, r.attributes().ctime()), r.page());
        });
        return new Entry(path, new Versioned<>(had[0], tomb.token()), null);
    }

    /**
     * Claims a file for a rename before anything is written: its name leaves the listing
     * first, with a compare-and-swap of the page. Of two mounts renaming one file at once,
     * one removes the name and the other finds it gone: ENOENT, as the second rename on a
     * local disk, having written nothing (both succeeded once, leaving one file under two
     * names). A crash after the claim, before the new name is listed, leaves the file's keys
     * unlisted: orphans, which check reports and --repair deletes.
     */
    private void claimName(Entry src) {
        String parent = PathNames.parent(src.path());
        String name = PathNames.name(src.path());
        if (!listings.remove(parent, directory(parent).attributes().pages(), name, src.page())) {
            // the pages this mount knew of: another mount may have added one since
            Entry fresh = catalog.findFresh(parent);
            if (fresh == null || !listings.remove(parent, fresh.attributes().pages(), name, -1)) {
                throw new FsException(Errno.ENOENT, src.path() + ": removed, or renamed by another mount");
            }
        }
    }

    /** Lists a claimed file again when its rename failed: its keys are all still there. */
    private void relist(Entry src, RuntimeException failure) {
        String parent = PathNames.parent(src.path());
        try {
            int page = listings.add(parent, directory(parent).attributes().pages(), PathNames.name(src.path()));
            if (page != src.page()) {
                catalog.setPage(src.path(), page);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.warn("rename of {} failed ({}) and its name could not be listed again ({}): run memfis check",
                    src.path(), failure.getMessage(), e.getMessage());
        } finally {
            catalog.forget(src.path());
        }
    }

    private static boolean isTombstone(PathRecord r) {
        return !r.isInNode() && r.attributes().nlink() == 0;
    }

    /**
     * Takes back a directory rename that failed before its old name went: the new name, the
     * keys written, the names changed in nodes, the target it replaced (an empty directory)
     * and the claim. A failure here leaves what a crash would: check finds it.
     */
    private void takeBack(Entry src, Entry dst, byte[] dstXattrs, String to, int landed, RenameCopy copy,
                          RuntimeException failure) {
        String from = src.path();
        try {
            if (landed >= 0) {
                String toParent = PathNames.parent(to);
                listings.remove(toParent, directory(toParent).attributes().pages(), PathNames.name(to), landed);
            }
            for (RenameCopy.RenamedNode n : copy.nodes()) {
                catalog.modifyNode(n.ino(), node -> renamedNode(node, n.to(), n.from(), 0));
            }
            deleteInBatches(copy.written());
            if (dst != null) {
                Attributes a = dst.attributes();
                Map<String, byte[]> back = new LinkedHashMap<>();
                back.put(keys.record(to), Codec.RECORD.encode(dst.record().value()));
                for (int i = 0; i < Math.max(1, a.pages()); i++) {
                    back.put(keys.dirPage(to, i), Codec.NAMES.encode(List.of()));
                }
                if (dstXattrs != null) {
                    back.put(keys.xattrs(to), dstXattrs);
                }
                kv.setAll(back);
            }
            int nlink = src.attributes().nlink();
            catalog.modifyRecord(from, r -> r != null && r.ino() == src.ino() && isTombstone(r)
                    ? PathRecord.inline(r.attributes().withNlink(nlink, r.attributes().ctime()), r.page())
                    : r);
            log.info("rename of {} to {} failed ({}); took back what it had written", from, to, failure.getMessage());
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.warn("rename of {} to {} failed ({}) and could not be taken back ({}): run memfis check",
                    from, to, failure.getMessage(), e.getMessage());
        } finally {
            forgetBoth(from, to);
        }
    }

    /**
     * The names of a directory. A listing page missing because another mount removed or
     * renamed the directory meanwhile is ENOENT, as the directory is gone; only a page
     * missing under a directory still there is EIO (evicted, or memcached restarted).
     */
    private List<String> names(Entry dir) {
        try {
            return listings.list(dir.path(), dir.attributes().pages());
        } catch (FsException e) {
            if (e.errno() == Errno.EIO) {
                Entry now = catalog.findFresh(dir.path());
                if (now == null || now.ino() != dir.ino() || isTombstone(now.record().value())) {
                    throw new FsException(Errno.ENOENT,
                            dir.path() + ": removed or renamed by another mount while its listing was read", e);
                }
            }
            throw e;
        }
    }

    /**
     * Frees what a rename target had that the copy will not overwrite. Not its content key:
     * the copy overwrites it, so that nginx finds the old content or the new one while a
     * file is replaced by rename (how sites are deployed), never none.
     */
    private void discardReplaced(Entry dst, long now) {
        Attributes a = dst.attributes();
        if (a.isDirectory()) {
            listings.deletePages(dst.path(), a.pages());
            if (a.xattrs()) {
                kv.delete(keys.xattrs(dst.path()));
            }
            inodes.freed();
            return;
        }
        if (dst.isInNode()) {
            removeFromNode(dst.ino(), dst.path(), now);
        } else {
            if (a.xattrs()) {
                kv.delete(keys.xattrs(dst.path()));
            }
            deleteInode(a, false);
        }
    }

    /** Copies the renamed entry (with a new ctime) and, for a directory, everything below it. */
    private void copyTop(Entry src, String to, int page, long now, RenameCopy copy) {
        content.saveIfOpen(src.ino(), src.path());
        PathRecord record = src.isInNode()
                ? PathRecord.inNode(src.ino(), page)
                : PathRecord.inline(src.attributes().withCtime(now), page);
        if (src.isInNode()) {
            catalog.modifyNode(src.ino(), n -> renamedNode(n, src.path(), to, now));
        }
        copyEntries(List.of(src), src.path(), to, Map.of(src.path(), record), copy);
    }

    /**
     * Copies entries that move from below {@code from} to below {@code to}: records, small
     * files' content, extended attributes and listing pages, in one batch of reads and one
     * of writes per directory; then the directories' children the same way.
     */
    private void copyEntries(List<Entry> entries, String from, String to, Map<String, PathRecord> records,
                             RenameCopy copy) {
        Map<String, String> newKeyOf = new LinkedHashMap<>();
        Map<String, byte[]> writes = new LinkedHashMap<>();
        List<Entry> dirs = new ArrayList<>();
        for (Entry e : entries) {
            String newPath = PathNames.rebase(e.path(), from, to);
            PathRecord record = records.getOrDefault(e.path(), e.record().value());
            writes.put(keys.record(newPath), Codec.RECORD.encode(record));
            copy.copiedFrom(keys.record(e.path()));
            Attributes a = e.attributes();
            if (a.isFile()) {
                content.saveIfOpen(e.ino(), e.path());
                newKeyOf.put(keys.content(e.path()), keys.content(newPath));
            }
            if (a.xattrs() && !e.isInNode()) {
                newKeyOf.put(keys.xattrs(e.path()), keys.xattrs(newPath));
            }
            if (a.isDirectory()) {
                for (int i = 0; i < a.pages(); i++) {
                    newKeyOf.put(keys.dirPage(e.path(), i), keys.dirPage(newPath, i));
                }
                dirs.add(e);
            }
            if (e.isInNode() && !e.path().equals(from)) {
                String oldPath = e.path();
                catalog.modifyNode(e.ino(), n -> renamedNode(n, oldPath, newPath, 0));
                copy.renamedInNode(e.ino(), oldPath, newPath);
            }
        }
        Map<String, Store.Item> found = kv.getItems(newKeyOf.keySet());
        Map<String, Integer> flags = new HashMap<>();
        newKeyOf.forEach((oldKey, newKey) -> {
            Store.Item v = found.get(oldKey);
            if (v != null) {
                writes.put(newKey, v.value());
                if (v.flags() != 0) {
                    flags.put(newKey, v.flags()); // compressed content stays compressed
                }
                copy.copiedFrom(oldKey);
            }
        });
        writes.keySet().forEach(copy::wrote);
        kv.setAll(writes, flags);
        for (Entry dir : dirs) {
            List<String> names = copiedNames(dir, found);
            String newDir = PathNames.rebase(dir.path(), from, to);
            for (int i = 0; i < names.size(); i += BATCH) {
                List<String> paths = new ArrayList<>();
                for (String n : names.subList(i, Math.min(names.size(), i + BATCH))) {
                    paths.add(PathNames.child(dir.path(), n));
                }
                Map<String, Entry> children = catalog.findAllFresh(paths);
                for (String p : paths) {
                    if (!children.containsKey(p)) {
                        // removed since its page was read (another mount's unlink, a create taken
                        // back): the copy must not list a name it has no record for
                        listings.remove(newDir, dir.attributes().pages(), PathNames.name(p), -1);
                    }
                }
                copyEntries(new ArrayList<>(children.values()), from, to, new HashMap<>(), copy);
            }
        }
    }

    /**
     * The names on the pages of {@code dir} as copied, so that the entries copied are the
     * ones the copied pages list. A page missing is ENOENT or EIO, as {@link #names} says.
     */
    private List<String> copiedNames(Entry dir, Map<String, Store.Item> found) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < dir.attributes().pages(); i++) {
            String key = keys.dirPage(dir.path(), i);
            Store.Item page = found.get(key);
            if (page == null) {
                names(dir);
                throw Listings.missingPage(key);
            }
            names.addAll(Kv.decode(Codec.NAMES, key, page.value()));
        }
        return names;
    }

    private static NodeRecord renamedNode(NodeRecord n, String oldPath, String newPath, long now) {
        List<String> paths = new ArrayList<>(n.paths());
        int i = paths.indexOf(oldPath);
        if (i >= 0) {
            paths.set(i, newPath);
        } else if (!paths.contains(newPath)) {
            paths.add(newPath);
        }
        Attributes a = now == 0 ? n.attributes() : n.attributes().withCtime(now);
        return new NodeRecord(a, paths);
    }
}
