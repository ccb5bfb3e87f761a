package io.memfis.fs;

import io.memfis.layout.FileType;

/**
 * An entry to create with {@link MemFs#createAll}: what mkdir, mknod, symlink or create
 * would be given. {@code target} is a symlink's, {@code rdev} a device's; {@code complete},
 * when not null, makes a regular file whole at once (see {@link #completeFile}).
 */
public record NewEntry(String name, FileType type, int mode, int uid, int gid, String target, long rdev,
                       Complete complete) {

    /**
     * A regular file's content (at most one part) and times: the file is made as create,
     * write, futimens, fchown, fchmod and close (what {@code cp -a} calls) would leave it.
     */
    public record Complete(byte[] content, long atime, long mtime) {
    }

    /**
     * A directory's own access and modification times, set with the last update a create
     * makes of it, as a {@code utimens} right after would: what {@code cp -a} does once the
     * directory's entries are in place, without a request of its own.
     */
    public record DirTimes(long atime, long mtime) {
    }

    public NewEntry(String name, FileType type, int mode, int uid, int gid, String target, long rdev) {
        this(name, type, mode, uid, gid, target, rdev, null);
    }

    /** A regular file made whole: owner, mode, times and content final, not left open. */
    public static NewEntry completeFile(String name, int mode, int uid, int gid, byte[] content, long atime,
                                        long mtime) {
        return new NewEntry(name, FileType.FILE, mode, uid, gid, null, 0, new Complete(content, atime, mtime));
    }

    /** The mode a new entry gets: a symlink's is always 0777. */
    public int effectiveMode() {
        return type == FileType.SYMLINK ? 0777 : mode;
    }

    /** The device number a new entry gets: only devices have one. */
    public long effectiveRdev() {
        return type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE ? rdev : 0;
    }

    /** Refuses what the single-entry calls refuse: a symlink to nothing. */
    public void check(String path) {
        if (type == FileType.SYMLINK && (target == null || target.isEmpty())) {
            throw FsException.of(Errno.ENOENT, path);
        }
    }
}
