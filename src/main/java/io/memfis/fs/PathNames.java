package io.memfis.fs;

import java.nio.charset.StandardCharsets;

/** Absolute, normalised paths as the filesystem receives them: "/", "/a", "/a/b". */
public final class PathNames {

    /** The longest name of one directory entry, in bytes (NAME_MAX). */
    static final int NAME_MAX = 255;

    private PathNames() {
    }

    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    public static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public static String child(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    public static boolean isRoot(String path) {
        return path.equals("/");
    }

    /** True when {@code path} is {@code ancestor} or lies below it. */
    public static boolean isWithin(String path, String ancestor) {
        if (ancestor.equals("/")) {
            return true;
        }
        return path.equals(ancestor) || path.startsWith(ancestor + "/");
    }

    /** {@code path} moved from below {@code from} to below {@code to}. */
    public static String rebase(String path, String from, String to) {
        return path.equals(from) ? to : to + path.substring(from.length());
    }

    /**
     * Checks a name that is about to be created: at most 255 bytes, and valid UTF-8 (a name
     * that was not arrives with U+FFFD in it and could not be stored faithfully).
     */
    public static void checkNewName(String path) {
        String name = name(path);
        if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw FsException.of(Errno.ENAMETOOLONG, path);
        }
        if (name.indexOf('\uFFFD') >= 0) {
            throw new FsException(Errno.EILSEQ, "name is not valid UTF-8: " + path);
        }
    }

    /** Any lookup of a name longer than NAME_MAX fails as on a local disk. */
    static void checkLookup(String path) {
        String name = name(path);
        if (name.length() > NAME_MAX / 3 && name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw FsException.of(Errno.ENAMETOOLONG, path);
        }
    }
}
