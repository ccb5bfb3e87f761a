package io.memfis.tools;

import io.memfis.fs.FsException;
import io.memfis.fs.MemFs;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import io.memfis.layout.Keys;

import java.util.function.Consumer;

/**
 * Which paths of a namespace nginx cannot serve from memcached, and why: their URIs get a
 * miss or a refused key, so the fallback must answer them. A directory is not among them:
 * its URI ({@code /docs/}) is its {@code index.html}, a file checked on its own.
 */
public final class NginxReach {

    /** Why nginx cannot serve a path. */
    public enum Reason {
        /** nginx does not follow symlinks: memfis stores no content under a symlink's key. */
        SYMLINK,
        /** A fifo, socket or device has no content. */
        SPECIAL_FILE,
        /** The key is over memcached's 250 bytes: memfis stores the file under a hashed key. */
        LONG_KEY,
        /** Larger than one memcached item: memfis stores it in parts under its inode number. */
        TOO_LARGE,
        /** A directory lists the name but its record is gone (evicted, or a crash half-way). */
        MISSING_RECORD,
        /** A directory whose listing cannot be read: nothing below it was checked. */
        UNREADABLE_DIRECTORY
    }

    /** A path nginx cannot serve, with the reason in words. */
    public record Unservable(String path, Reason reason, String explanation) {
    }

    /**
     * How many paths that are not directories were checked (with each unreadable directory),
     * and how many of them nginx cannot serve.
     */
    public record Summary(long files, long unservable) {
    }

    private final Keys keys;
    private final int partSize;

    /** @param partSize the namespace's part size: files up to it are stored whole, under their key */
    public NginxReach(Keys keys, int partSize) {
        this.keys = keys;
        this.partSize = partSize;
    }

    /**
     * Why nginx cannot serve {@code path}, or null when it can (or when it is a directory).
     * {@code storedWhole}: a regular file larger than one part is stored whole, compressed.
     */
    public Unservable check(String path, Attributes a, boolean storedWhole) {
        FileType type = a.type();
        if (type == FileType.DIRECTORY) {
            return null;
        }
        if (type == FileType.SYMLINK) {
            return new Unservable(path, Reason.SYMLINK, "symlink to " + a.target() + ": nginx does not follow symlinks");
        }
        if (type != FileType.FILE) {
            return new Unservable(path, Reason.SPECIAL_FILE, "a " + type.json() + ", not a regular file");
        }
        if (!keys.nginxReachable(path)) {
            int bytes = keys.nginxKeyBytes(path);
            return new Unservable(path, Reason.LONG_KEY, "its key would be " + bytes + " bytes, memcached allows "
                    + Keys.MAX_KEY_BYTES + ": memfis stores it under a hashed key");
        }
        if (a.size() > partSize && !storedWhole) {
            return new Unservable(path, Reason.TOO_LARGE, a.size() + " bytes, larger than one memcached item ("
                    + partSize + " bytes): memfis stores it in parts");
        }
        return null;
    }

    /** Checks every path of the namespace {@code fs} serves, handing each that nginx cannot serve to {@code out}. */
    public static Summary scan(MemFs fs, Consumer<Unservable> out) {
        NginxReach reach = new NginxReach(fs.keys(), fs.format().partSize());
        long[] counts = new long[2];
        TreeWalk.walk(fs, "/", new TreeWalk.Visitor() {
            @Override
            public void visit(String path, Attributes attributes) {
                if (!attributes.isDirectory()) {
                    counts[0]++;
                }
                report(reach.check(path, attributes, attributes.isFile() && fs.storedWhole(path, attributes)));
            }

            @Override
            public void missing(String path) {
                counts[0]++;
                report(new Unservable(path, Reason.MISSING_RECORD,
                        "listed, but its record is missing (evicted by memcached, or a crash half-way)"));
            }

            @Override
            public void unreadable(String directory, FsException e) {
                counts[0]++; // counted as one: what it holds is unknown
                report(new Unservable(directory, Reason.UNREADABLE_DIRECTORY,
                        "directory listing unreadable, nothing below it was checked: " + e.getMessage()));
            }

            private void report(Unservable u) {
                if (u != null) {
                    counts[1]++;
                    out.accept(u);
                }
            }
        });
        return new Summary(counts[0], counts[1]);
    }
}
