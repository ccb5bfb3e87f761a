package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.Times;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.Keys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extended attributes: all of a file's in one item, read only when its record says it has
 * any, so the getxattr calls that ls and the kernel make on every file cost no request.
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

    public Xattrs(Kv kv, Keys keys, Catalog catalog, Times times) {
        this.kv = kv;
        this.keys = keys;
        this.catalog = catalog;
        this.times = times;
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

    public void set(String path, String name, byte[] value, int flags) {
        checkSettable(path, name);
        Entry e = catalog.require(path);
        int limit = kv.maxValueSize();
        kv.modify(key(e), Codec.XATTRS, null, current -> {
            Map<String, byte[]> map = current == null || !e.attributes().xattrs() ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(current);
            boolean exists = map.containsKey(name);
            if ((flags & XATTR_CREATE) != 0 && exists) {
                throw new FsException(Errno.EEXIST, "attribute " + name + " exists on " + path);
            }
            if ((flags & XATTR_REPLACE) != 0 && !exists) {
                throw new FsException(Errno.ENODATA, "no attribute " + name + " on " + path);
            }
            map.put(name, value);
            if (Codec.XATTRS.encode(map).length > limit) {
                throw new FsException(Errno.ENOSPC, "extended attributes of " + path + " exceed one memcached item");
            }
            return map;
        });
        long now = times.now();
        catalog.update(path, a -> a.withXattrs(true, now));
    }

    public void remove(String path, String name) {
        Entry e = catalog.require(path);
        if (!e.attributes().xattrs()) {
            throw new FsException(Errno.ENODATA, "no attribute " + name + " on " + path);
        }
        Versioned<Map<String, byte[]>> left = kv.modify(key(e), Codec.XATTRS, null, current -> {
            if (current == null || !current.containsKey(name)) {
                throw new FsException(Errno.ENODATA, "no attribute " + name + " on " + path);
            }
            Map<String, byte[]> map = new LinkedHashMap<>(current);
            map.remove(name);
            return map;
        });
        boolean any = !left.value().isEmpty();
        if (!any) {
            kv.delete(key(e));
        }
        long now = times.now();
        catalog.update(path, a -> a.withXattrs(any, now));
    }

    private Map<String, byte[]> all(Entry e) {
        if (!e.attributes().xattrs()) {
            return Map.of();
        }
        Versioned<Map<String, byte[]>> v = kv.get(key(e), Codec.XATTRS);
        if (v == null) {
            throw new FsException(Errno.EIO, "extended attributes of " + e.path() + " are missing (evicted?)");
        }
        return v.value();
    }

    private String key(Entry e) {
        return e.isInNode() ? keys.nodeXattrs(e.ino()) : keys.xattrs(e.path());
    }
}
