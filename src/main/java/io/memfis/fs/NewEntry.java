package io.memfis.fs;

import io.memfis.layout.FileType;

/**
 * An entry to create with {@link MemFs#createAll}: what mkdir, mknod, symlink or create
 * would be given. {@code target} is a symlink's, {@code rdev} a device's.
 */
public record NewEntry(String name, FileType type, int mode, int uid, int gid, String target, long rdev) {

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
