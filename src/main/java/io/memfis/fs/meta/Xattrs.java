package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.Times;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.ExtendedAttributes;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Keys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extended attributes: all of a file's in one item, read only when its record says it has
 * (or had) some, so the getxattr calls that ls and the kernel make on every file cost no
 * request.
 * A set always reads the item, since another mount may have stored the file's first
 * attributes before the record says so; the item's inode number tells those from an
 * earlier file's leftover.
 */
public final class Xattrs {

    /** Linux's setxattr flags. */
    static final int XATTR_CREATE = 1;
    static final int XATTR_REPLACE = 2;
    private static final String POSIX_ACL = "system.posix_acl_";

    private final Kv kv;
    private final Keys keys;
    private final Catalog catalog;
    private final Times times;
    private final LayoutMark layout;

    /** {@code format}: the namespace's marker as read at open; see {@link LayoutMark}. */
    public Xattrs(Kv kv, Keys keys, Catalog catalog, Times times, FormatMarker format) {
        this.kv = kv;
        this.keys = keys;
        this.catalog = catalog;
        this.times = times;
        this.layout = new LayoutMark(kv, keys, format);
    }

    public byte[] get(String path, String name) {
        byte[] value = find(path, name);
        if (value == null) {
            throw new FsException(Errno.ENODATA, "no attribute " + name + " on " + path);
        }
        return value;
    }

    /** The attribute's value, or null when the file has none of that name. */
    public byte[] find(String path, String name) {
        return all(catalog.require(path)).get(name);
    }

    public List<String> list(String path) {
        return new ArrayList<>(all(catalog.require(path)).keySet());
    }

    /**
     * Refuses what no file may have, before anything is stored: POSIX ACLs. An ACL stored as
     * a plain attribute would not act on permissions, and tools like cp -a would then skip
     * the chmod that gives the file its mode.
     */
    public static void checkSettable(String path, String name) {
        if (name.startsWith(POSIX_ACL)) {
            throw new FsException(Errno.ENOTSUP, "POSIX ACLs are not supported: " + path);
        }
    }

    /**
     * Sets an attribute: into the item (compare-and-swap), then the record's flag. A removal of
     * the last attribute leaves the item, empty, and the flag; one by a mount of an earlier
     * version deletes the item it emptied, so a set that went into an empty item stores it
     * again if it is gone.
     */
    public void set(String path, String name, byte[] value, int flags) {
        checkSettable(path, name);
        while (true) {
            Outcome done = setIn(catalog.require(path), name, value, flags, false);
            if (done == Outcome.FOREIGN) {
                // the item is not this file's by the record this mount remembers: that record may
                // be the stale one (another mount replaced the file), so ask the store which file is there
                done = setIn(catalog.requireFresh(path), name, value, flags, true);
            }
            long now = times.now();
            Entry e = catalog.update(path, a -> a.withXattrs(true, now));
            if (done != Outcome.ADDED_TO_EMPTY || kv.getBytes(key(e)) != null) {
                return;
            }
            // the empty item was a removal's of the last attribute, which deleted it after: again
        }
    }

    /** What {@link #setIn} did. */
    private enum Outcome {
        SET,
        /** Set into an item without attributes: the one a removal of the last leaves just before it deletes it. */
        ADDED_TO_EMPTY,
        /** Nothing: the item is another file's by the record given. */
        FOREIGN
    }

    /**
     * Sets the attribute in the item of {@code e}'s file with a compare-and-swap. What the item
     * holds is kept when it is the file's own, even when {@code e}'s record does not show it yet
     * (another mount has just stored the file's first attributes); an earlier file's leftover
     * is replaced with {@code replaceForeign}, or else left alone.
     */
    private Outcome setIn(Entry e, String name, byte[] value, int flags, boolean replaceForeign) {
        layout.beforeCurrentForm();
        String path = e.path();
        int limit = kv.maxValueSize();
        Outcome[] done = {Outcome.SET};
        kv.modify(key(e), Codec.XATTRS, null, current -> {
            boolean own = current != null && current.belongsTo(e.ino(), e.attributes().xattrs());
            if (current != null && !own && !replaceForeign) {
                done[0] = Outcome.FOREIGN;
                return current;
            }
            Map<String, byte[]> map = own ? new LinkedHashMap<>(current.values()) : new LinkedHashMap<>();
            boolean exists = map.containsKey(name);
            if ((flags & XATTR_CREATE) != 0 && exists) {
                throw new FsException(Errno.EEXIST, "attribute " + name + " exists on " + path);
            }
            if ((flags & XATTR_REPLACE) != 0 && !exists) {
                throw new FsException(Errno.ENODATA, "no attribute " + name + " on " + path);
            }
            done[0] = own && map.isEmpty() ? Outcome.ADDED_TO_EMPTY : Outcome.SET;
            map.put(name, value);
            ExtendedAttributes after = new ExtendedAttributes(e.ino(), map);
            if (Codec.XATTRS.encode(after).length > limit) {
                throw new FsException(Errno.ENOSPC, "extended attributes of " + path + " exceed one memcached item");
            }
            return after;
        });
        return done[0];
    }

    /**
     * Removes an attribute from the item (compare-and-swap). The last one leaves the item
     * empty, and the record's flag set: deleting the item, or clearing the flag, could undo
     * another mount's set that went into the item in between (memcached deletes without a
     * compare, and the flag is another key), leaving the new attribute lost.
     */
    public void remove(String path, String name) {
        Entry e = catalog.require(path);
        if (!e.attributes().xattrs()) {
            throw new FsException(Errno.ENODATA, "no attribute " + name + " on " + path);
        }
        layout.beforeCurrentForm();
        kv.modify(key(e), Codec.XATTRS, null, current -> {
            if (current == null || !current.values().containsKey(name)) {
                throw new FsException(Errno.ENODATA, "no attribute " + name + " on " + path);
            }
            Map<String, byte[]> map = new LinkedHashMap<>(current.values());
            map.remove(name);
            return new ExtendedAttributes(e.ino(), map);
        });
        long now = times.now();
        catalog.update(path, a -> a.withCtime(now));
    }

    private Map<String, byte[]> all(Entry e) {
        if (!e.attributes().xattrs()) {
            return Map.of();
        }
        Versioned<ExtendedAttributes> v = kv.get(key(e), Codec.XATTRS);
        if (v == null) {
            throw new FsException(Errno.EIO, "extended attributes of " + e.path() + " are missing (evicted?)");
        }
        return v.value().values();
    }

    private String key(Entry e) {
        return e.isInNode() ? keys.nodeXattrs(e.ino()) : keys.xattrs(e.path());
    }
}
