package io.memfis.layout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/**
 * Content stored gzip-compressed: the content item holds one complete gzip stream and has
 * the bit {@link #FLAG} set in its memcached flags, so that nginx ({@code memcached_gzip_flag
 * 2}) sends it as it is with {@code Content-Encoding: gzip}. The record keeps the real size.
 * Every reader decompresses an item with the bit, whatever it was asked to write; a writer
 * compresses only names whose extension says text ({@link #compressible}) and only content
 * that shrinks by at least a tenth ({@link #compress}).
 */
public final class GzipContent {

    /** The flag bit of a gzip-compressed content item: nginx's {@code memcached_gzip_flag}. */
    public static final int FLAG = 2;

    /** The smallest saving worth a decompression on every read: a tenth of the size. */
    private static final int MIN_SAVING_DIVISOR = 10;

    /**
     * Extensions of content that compresses, after nginx's usual {@code gzip_types}: text,
     * markup, scripts, data, uncompressed fonts and WebAssembly. Never formats that are
     * compressed already (images but SVG and icons, archives, audio, video, woff).
     */
    private static final Set<String> COMPRESSIBLE = Set.of(
            "html", "htm", "shtml", "xhtml", "css", "js", "mjs", "cjs", "map", "json", "jsonld",
            "webmanifest", "svg", "xml", "rss", "atom", "xsl", "txt", "text", "md", "markdown",
            "rst", "csv", "tsv", "wasm", "ico", "ttf", "otf", "eot", "ics", "vtt", "yaml", "yml",
            "toml", "ini", "conf", "log", "tex", "sh", "py", "pl", "rb", "c", "h", "java", "ts");

    private GzipContent() {
    }

    /** Whether an item with these flags holds gzip-compressed content. */
    public static boolean isCompressed(int flags) {
        return (flags & FLAG) != 0;
    }

    /** Whether a file of this path is one to compress, by its name's extension. */
    public static boolean compressible(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot <= slash + 1 || dot == path.length() - 1) {
            return false; // no extension, or a dot file such as .htaccess
        }
        return COMPRESSIBLE.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@code content} compressed when that saves a tenth and fits {@code limit} bytes, else null. */
    public static byte[] compress(byte[] content, int length, int limit) {
        Stream s = new Stream(length, limit);
        return s.add(content, 0, length) ? s.finish() : null;
    }

    /**
     * Decompresses a stored value: the content it holds, at most {@code maxBytes} long.
     *
     * @throws CorruptValueException when it is not one gzip stream or is longer than that
     */
    public static byte[] decompress(byte[] stored, long maxBytes) {
        if (stored.length < 18) {
            throw new CorruptValueException("flagged gzip, but " + stored.length + " bytes are no gzip stream");
        }
        // the trailer's ISIZE is the length (mod 2^32; the limit is far below): one array, exact
        int n = stored.length;
        long size = (stored[n - 4] & 0xffL) | (stored[n - 3] & 0xffL) << 8 | (stored[n - 2] & 0xffL) << 16
                | (stored[n - 1] & 0xffL) << 24;
        if (size > maxBytes) {
            throw new CorruptValueException("gzip content of " + size + " bytes, more than " + maxBytes);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored), Math.min(n, 64 * 1024))) {
            byte[] out = new byte[(int) size];
            if (in.readNBytes(out, 0, out.length) != out.length || in.read() >= 0) {
                throw new CorruptValueException("gzip content not as long as its trailer says");
            }
            return out;
        } catch (IOException e) {
            throw new CorruptValueException("flagged gzip, but not a gzip stream: " + e.getMessage(), e);
        }
    }

    /** The content an item holds: decompressed when its flags say so, else the value itself. */
    public static byte[] content(byte[] stored, int flags, long maxBytes) {
        return isCompressed(flags) ? decompress(stored, maxBytes) : stored;
    }

    /**
     * A gzip stream built piece by piece (a large file part by part), given up as soon as it
     * exceeds its limit, so memory stays within the limit whatever the input.
     */
    public static final class Stream {
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final CRC32 crc = new CRC32();
        private final Bounded out;
        private final byte[] buffer = new byte[64 * 1024];
        private long inputBytes;
        private boolean over;

        /** @param expectedInput the content's size; the result must be a tenth smaller and at most {@code limit} */
        public Stream(long expectedInput, int limit) {
            long worthIt = expectedInput - expectedInput / MIN_SAVING_DIVISOR;
            this.out = new Bounded((int) Math.max(0, Math.min(limit, worthIt)));
            // the 10-byte header of RFC 1952: deflate, no name, no time, unknown OS
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, 0, 10);
        }

        /** Adds content; false once the stream is over its limit (then nothing more is kept). */
        public boolean add(byte[] b, int off, int len) {
            if (over) {
                return false;
            }
            crc.update(b, off, len);
            inputBytes += len;
            deflater.setInput(b, off, len);
            while (!over && !deflater.needsInput()) {
                drain(Deflater.NO_FLUSH);
            }
            return !over;
        }

        /** Adds {@code count} zero bytes (a hole). */
        public boolean addZeros(long count) {
            byte[] zeros = new byte[(int) Math.min(count, 64 * 1024)];
            for (long left = count; left > 0 && !over; left -= zeros.length) {
                add(zeros, 0, (int) Math.min(left, zeros.length));
            }
            return !over;
        }

        /** The complete gzip stream, or null when it came out over the limit. */
        public byte[] finish() {
            if (!over) {
                deflater.finish();
                while (!over && !deflater.finished()) {
                    drain(Deflater.NO_FLUSH);
                }
            }
            deflater.end();
            if (over) {
                return null;
            }
            byte[] trailer = new byte[8];
            int c = (int) crc.getValue();
            int n = (int) inputBytes;
            for (int i = 0; i < 4; i++) {
                trailer[i] = (byte) (c >>> (8 * i));
                trailer[4 + i] = (byte) (n >>> (8 * i));
            }
            out.write(trailer, 0, 8);
            return over || out.exceeded() ? null : out.toByteArray();
        }

        private void drain(int flush) {
            int n = deflater.deflate(buffer, 0, buffer.length, flush);
            out.write(buffer, 0, n);
            over = out.exceeded();
        }
    }

    /** An output that stops keeping bytes past its limit and remembers it went over. */
    private static final class Bounded extends ByteArrayOutputStream {
        private final int limit;
        private boolean exceeded;

        Bounded(int limit) {
            super(Math.min(limit, 64 * 1024) + 18);
            this.limit = limit;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (exceeded || count + len > limit) {
                exceeded = true;
                return;
            }
            super.write(b, off, len);
        }

        boolean exceeded() {
            return exceeded;
        }

        @Override
        public synchronized byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }
}
