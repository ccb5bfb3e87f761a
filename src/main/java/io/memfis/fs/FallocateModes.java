package io.memfis.fs;

/**
 * The modes of Linux's {@code fallocate(2)} that {@link MemFs#fallocate} answers (those FUSE
 * passes on); the one place they are defined. memcached cannot reserve memory, so allocating
 * only sets the size: the new range is a hole, which stores nothing and reads as zeros.
 */
public final class FallocateModes {

    public static final int KEEP_SIZE = 0x01;
    public static final int PUNCH_HOLE = 0x02;
    public static final int ZERO_RANGE = 0x10;

    private FallocateModes() {
    }

    /**
     * Checks a request as fallocate(2) does: EINVAL for a negative offset or a length that is
     * not positive, EFBIG past the largest offset, EOPNOTSUPP for another mode (collapse or
     * insert range, unshare) or a punch hole without keep size.
     */
    public static void check(String path, int mode, long offset, long length) {
        if (offset < 0 || length <= 0) {
            throw new FsException(Errno.EINVAL, "fallocate of " + length + " bytes at " + offset + ": " + path);
        }
        if (offset > Long.MAX_VALUE - length) {
            throw FsException.of(Errno.EFBIG, path);
        }
        boolean known = (mode & ~(KEEP_SIZE | PUNCH_HOLE | ZERO_RANGE)) == 0;
        boolean punch = (mode & PUNCH_HOLE) != 0;
        if (!known || punch && ((mode & KEEP_SIZE) == 0 || (mode & ZERO_RANGE) != 0)) {
            throw new FsException(Errno.ENOTSUP, "fallocate mode 0x" + Integer.toHexString(mode) + " is not supported: " + path);
        }
    }

    /** Whether the range's bytes become zeros (punch hole, zero range). */
    public static boolean zeroes(int mode) {
        return (mode & (PUNCH_HOLE | ZERO_RANGE)) != 0;
    }

    /** Whether the file grows to the range's end if it is shorter. */
    public static boolean grows(int mode) {
        return (mode & KEEP_SIZE) == 0;
    }
}
