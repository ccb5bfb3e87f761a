package io.memfis.layout;

/**
 * What {@code stat} tells of a file. Times are nanoseconds since the epoch.
 *
 * @param mode   permission bits and set-id/sticky bits (07777), without the type
 * @param target a symlink's target, else null
 * @param rdev   a device's number, else 0
 * @param pages  a directory's number of listing pages, else 0
 * @param xattrs whether the file has extended attributes (saves a lookup when it has none)
 * @param parts  which parts of a file stored in parts were written (the rest are holes)
 */
public record Attributes(long ino, FileType type, int mode, int uid, int gid, long size, int nlink,
                         long atime, long mtime, long ctime, String target, long rdev, int pages,
                         boolean xattrs, PartRanges parts) {

    public Attributes {
        mode &= 07777;
        parts = parts == null ? PartRanges.ALL : parts;
    }

    /** Attributes of anything without holes. */
    public Attributes(long ino, FileType type, int mode, int uid, int gid, long size, int nlink,
                      long atime, long mtime, long ctime, String target, long rdev, int pages, boolean xattrs) {
        this(ino, type, mode, uid, gid, size, nlink, atime, mtime, ctime, target, rdev, pages, xattrs, PartRanges.ALL);
    }

    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    public boolean isFile() {
        return type == FileType.FILE;
    }

    /** {@code st_mode}: the type bits with the permission bits. */
    public int stMode() {
        return type.formatBits() | mode;
    }

    public Attributes withOwner(int newUid, int newGid, long now) {
        return new Attributes(ino, type, mode, newUid, newGid, size, nlink, atime, mtime, now, target, rdev, pages, xattrs, parts);
    }

    public Attributes withSize(long newSize) {
        return new Attributes(ino, type, mode, uid, gid, newSize, nlink, atime, mtime, ctime, target, rdev, pages, xattrs, parts);
    }

    public Attributes withNlink(int newNlink, long now) {
        return new Attributes(ino, type, mode, uid, gid, size, newNlink, atime, mtime, now, target, rdev, pages, xattrs, parts);
    }

    public Attributes withPages(int newPages) {
        return new Attributes(ino, type, mode, uid, gid, size, nlink, atime, mtime, ctime, target, rdev, newPages, xattrs, parts);
    }

    public Attributes withXattrs(boolean has, long now) {
        return new Attributes(ino, type, mode, uid, gid, size, nlink, atime, mtime, now, target, rdev, pages, has, parts);
    }

    /** Access and modification times set, as utimens does, the change time left as it is. */
    public Attributes withTimes(long newAtime, long newMtime) {
        return new Attributes(ino, type, mode, uid, gid, size, nlink, newAtime, newMtime, ctime, target, rdev, pages, xattrs, parts);
    }

    public Attributes withCtime(long now) {
        return new Attributes(ino, type, mode, uid, gid, size, nlink, atime, mtime, now, target, rdev, pages, xattrs, parts);
    }

    public Attributes withParts(PartRanges written) {
        return new Attributes(ino, type, mode, uid, gid, size, nlink, atime, mtime, ctime, target, rdev, pages, xattrs, written);
    }

    /** Bytes of content stored, holes left out: what {@code st_blocks} counts. */
    public long storedBytes(int partSize) {
        return size > partSize ? parts.storedBytes(size, partSize) : size;
    }

    /** A directory's entries changed: mtime and ctime are {@code now}. */
    public Attributes touched(long now) {
        return new Attributes(ino, type, mode, uid, gid, size, nlink, atime, now, now, target, rdev, pages, xattrs, parts);
    }
}
