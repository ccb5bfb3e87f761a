package io.memfis.load;

import io.memfis.fs.MemFs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Sends a file's content through an open handle with the writes {@code cp} makes, a
 * buffer at a time (a large file needs no more memory than a small one).
 *
 * <p>cp writes the whole file, except a file with fewer blocks than its size needs: of
 * that one it writes only the data extents, then truncates to the size. It matters for a
 * file larger than one part only: memfis stores no part for a hole, and a part only as far
 * as it was written, while a small file is stored whole either way. A hole reads as
 * zeros, so as long as a large file shows no page of zeros it is all data and is sent as it
 * is read; at the first page of zeros the kernel is asked what cp would ask, and the rest
 * follows cp's extents.
 */
final class FileContent {

    /** Bytes read and written at a time. */
    static final int CHUNK = 1 << 20;
    /** The unit of holes: a page. */
    private static final int PAGE = 4096;
    private static final byte[] ZEROS = new byte[PAGE];

    private final MemFs fs;
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[CHUNK]);

    FileContent(MemFs fs) {
        this.fs = fs;
    }

    /** Copies the content of {@code source} (scanned as {@code s}) to the handle; returns the bytes sent. */
    long copy(String source, Source s, long fh, String path) throws IOException {
        byte[] buffer = buffers.get();
        boolean mayHaveHoles = s.size > fs.format().partSize();
        long sent = 0;
        long end = 0;
        try (FileChannel in = FileChannel.open(Path.of(source), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long pos = 0;
            while (pos < s.size) {
                int n = read(in, buffer, (int) Math.min(buffer.length, s.size - pos), pos);
                if (n <= 0) {
                    break; // the file shrank since it was scanned
                }
                if (mayHaveHoles && hasZeroPage(buffer, n)) {
                    mayHaveHoles = false;
                    List<long[]> extents = Native.dataExtentsIfSparse(source, s.size);
                    if (extents != null) {
                        // everything before pos was data: cp wrote it too, as part of its extents
                        for (long[] x : extents) {
                            long from = Math.max(x[0], pos);
                            if (from < x[1]) {
                                sent += copyRange(in, buffer, fh, path, from, x[1]);
                                end = x[1];
                            }
                        }
                        break;
                    }
                }
                fs.write(fh, path, pos, buffer, n);
                pos += n;
                sent += n;
                end = pos;
            }
        }
        if (end < s.size) {
            fs.ftruncate(fh, path, s.size);
        }
        return sent;
    }

    /**
     * The first {@code size} bytes of a file of at most a part, as {@link #copy} sends them
     * (what it has beyond the size it was listed with is not sent either); null when it has
     * fewer now: it shrank since it was listed, and is copied as it is read.
     */
    byte[] readWhole(Path source, long size) throws IOException {
        byte[] bytes = new byte[(int) size];
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return read(in, bytes, bytes.length, 0) == size ? bytes : null;
        }
    }

    private long copyRange(FileChannel in, byte[] buffer, long fh, String path, long from, long to) throws IOException {
        long pos = from;
        while (pos < to) {
            int n = read(in, buffer, (int) Math.min(buffer.length, to - pos), pos);
            if (n <= 0) {
                break;
            }
            fs.write(fh, path, pos, buffer, n);
            pos += n;
        }
        return pos - from;
    }

    /** Whether a page of the chunk (which starts page-aligned; the last page may be short) is all zeros. */
    private static boolean hasZeroPage(byte[] b, int length) {
        for (int off = 0; off < length; off += PAGE) {
            int len = Math.min(PAGE, length - off);
            if (Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0) {
                return true;
            }
        }
        return false;
    }

    private static int read(FileChannel in, byte[] buffer, int length, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, length);
        while (b.hasRemaining()) {
            if (in.read(b, position + b.position()) < 0) {
                break;
            }
        }
        return b.position();
    }
}
