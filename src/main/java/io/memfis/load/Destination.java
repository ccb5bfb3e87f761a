package io.memfis.load;

import io.memfis.fs.DirEntry;
import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.MemFs;
import io.memfis.fs.PathNames;
import io.memfis.layout.Attributes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the namespace holds where the tree goes: lookups, listings, removal. */
final class Destination {

    private final MemFs fs;

    /** @param fs the namespace, or null for one that does not exist yet (a dry run finds nothing there) */
    Destination(MemFs fs) {
        this.fs = fs;
    }

    /** The attributes at {@code path}, or null when nothing is there. */
    Attributes lookup(String path) {
        if (fs == null) {
            return null;
        }
        try {
            return fs.getattr(path);
        } catch (FsException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    /** The entries of a directory by name, their attributes fetched together. */
    Map<String, Attributes> entries(String dir) {
        Map<String, Attributes> out = new HashMap<>();
        for (DirEntry e : fs.readdir(dir)) {
            if (e.attributes() != null) {
                out.put(e.name(), e.attributes());
            }
        }
        return out;
    }

    /** The attributes of some entries of a directory, looked up one by one (those not there left out). */
    Map<String, Attributes> lookupAll(String dir, List<Source> children) {
        Map<String, Attributes> out = new HashMap<>();
        for (Source c : children) {
            Attributes a = lookup(PathNames.child(dir, c.name));
            if (a != null) {
                out.put(c.name, a);
            }
        }
        return out;
    }

    /**
     * The entries of a directory by name, as {@link #entries}, after deleting the record of
     * each of {@code children} that its listing does not name: what a create memcached did
     * not answer for may leave, which would refuse the name to a new create.
     */
    Map<String, Attributes> listedOnly(String dir, List<Source> children) {
        Map<String, Attributes> listed = entries(dir);
        for (Source c : children) {
            if (!listed.containsKey(c.name)) {
                fs.dropUnlisted(PathNames.child(dir, c.name));
            }
        }
        return listed;
    }

    /**
     * The names the namespace has in a fully scanned directory and the tree does not, in
     * name order: what a load with deletion removes.
     */
    static List<String> extra(Source dir, List<Source> children, Map<String, Attributes> have) {
        Set<String> wanted = new HashSet<>(dir.keep);
        for (Source c : children) {
            wanted.add(c.name);
        }
        List<String> out = new ArrayList<>();
        for (String name : have.keySet()) {
            if (!wanted.contains(name)) {
                out.add(name);
            }
        }
        Collections.sort(out);
        return out;
    }

    /** The extended attributes of {@code path}; no request when its record says it has none. */
    Map<String, byte[]> xattrs(String path, Attributes a) {
        if (a == null || !a.xattrs()) {
            return Map.of();
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : fs.listxattr(path)) {
            out.put(name, fs.getxattr(path, name));
        }
        return out;
    }

    /** Removes what is at {@code path}, a whole directory tree included. */
    void remove(String path, Attributes a) {
        if (a != null && a.isDirectory()) {
            for (DirEntry e : fs.readdir(path)) {
                remove(PathNames.child(path, e.name()), e.attributes());
            }
            fs.rmdir(path);
        } else {
            fs.unlink(path);
        }
    }

    /** Creates the missing directories above {@code path}, as {@code mkdir -p} would. */
    void makeParents(String path, int uid, int gid) {
        int slash = path.lastIndexOf('/');
        if (slash <= 0) {
            return;
        }
        String parent = path.substring(0, slash);
        Attributes a = lookup(parent);
        if (a == null) {
            makeParents(parent, uid, gid);
            fs.mkdir(parent, 0755, uid, gid);
        } else if (!a.isDirectory()) {
            throw new FsException(Errno.ENOTDIR, parent + " is not a directory");
        }
    }
}
