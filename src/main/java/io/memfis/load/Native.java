package io.memfis.load;

import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.util.DefaultPOSIXHandler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code cp} asks the kernel about a file with holes and Java cannot: {@code st_blocks}
 * and the data extents ({@code SEEK_DATA}/{@code SEEK_HOLE}). Loading the native library
 * takes a second, so this class is first touched only when a large file turns out to
 * hold zeros (see {@link FileContent}), which most trees never have.
 */
final class Native {

    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;

    private static final POSIX POSIX = POSIXFactory.getNativePOSIX(new Throwing());

    private Native() {
    }

    /**
     * The data extents of a file as {start, end} pairs, holes left out, as {@code cp}'s
     * {@code lseek_copy} finds them (ends clamped to {@code size}); null when cp would not
     * look for holes: when the file has as many blocks as its size needs
     * ({@code ST_NBLOCKS (sb) < sb.st_size / ST_NBLOCKSIZE} is false).
     */
    static List<long[]> dataExtentsIfSparse(String path, long size) throws IOException {
        int fd;
        try {
            FileStat st = POSIX.lstat(path);
            if (st.blocks() >= st.st_size() / 512) {
                return null;
            }
            fd = POSIX.open(path, OpenFlags.O_RDONLY.intValue() | OpenFlags.O_NOFOLLOW.intValue(), 0);
        } catch (Failure e) {
            throw new IOException(e.getMessage());
        }
        if (fd < 0) {
            throw new IOException("open " + path + ": " + Errno.valueOf(POSIX.errno()).description());
        }
        try {
            List<long[]> extents = new ArrayList<>();
            long pos = 0;
            while (pos < size) {
                long data = POSIX.lseekLong(fd, pos, SEEK_DATA);
                if (data < 0 || data >= size) {
                    break; // ENXIO: only a hole up to the end
                }
                long hole = POSIX.lseekLong(fd, data, SEEK_HOLE);
                long end = hole < 0 ? size : Math.min(hole, size);
                extents.add(new long[]{data, end});
                pos = end;
            }
            return extents;
        } finally {
            POSIX.close(fd);
        }
    }

    /** jnr-posix reports failures through its handler: here they become exceptions. */
    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Throwing extends DefaultPOSIXHandler {
        @Override
        public void error(Errno error, String call) {
            throw new Failure(call + ": " + error.description());
        }

        @Override
        public void error(Errno error, String call, String arg) {
            throw new Failure(call + " " + arg + ": " + error.description());
        }
    }
}
