package io.memfis.fs;

import io.memfis.fs.data.Contents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static io.memfis.fs.FallocateModes.KEEP_SIZE;
import static io.memfis.fs.FallocateModes.PUNCH_HOLE;
import static io.memfis.fs.FallocateModes.ZERO_RANGE;
import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * fallocate(2) on an open file, each mode against a model of the bytes: allocating grows
 * the file as a hole (or keeps its size), a punch hole or zero range zeros the range, a
 * part it covers whole is no longer stored, and what the store holds afterwards is what the
 * record says (parts of {@link FsFixture#PART} bytes).
 */
@EveryStore
class FallocateTest {

    private final FsFixture t;
    private final MemFs fs;

    FallocateTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    /** mode: 0 allocate, k keep size, p punch hole (with keep size), z zero range, zk zero range keeping the size. */
    @ParameterizedTest(name = "{0} bytes, {1} {2}+{3}")
    @CsvSource({
            "0, 0, 0, 5000", "10, 0, 5, 3", "10, 0, 5, 100", "1000, 0, 0, 4000", "3000, 0, 100, 10",
            "0, k, 0, 5000", "10, k, 0, 100", "3000, k, 2000, 5000",
            "10, p, 2, 3", "10, p, 5, 100", "1000, p, 10, 20", "5121, p, 1024, 2048", "5121, p, 1000, 2100",
            "5121, p, 0, 5121", "5121, p, 4096, 1025", "5121, p, 4096, 9999", "5121, p, 5000, 50",
            "5121, p, 6000, 10", "3000, p, 1500, 10",
            "10, z, 5, 100", "5121, z, 1000, 2100", "5121, z, 5000, 3000", "1000, z, 500, 2000",
            "5121, zk, 3000, 9000", "5121, zk, 2048, 1024"})
    void onAnOpenFile(int size, String mode, long offset, long length) {
        byte[] content = random(size, size);
        t.writeFile("/f", content);
        byte[] expected = model(content, mode, (int) offset, (int) length);

        long fh = fs.open("/f", OpenFlags.O_RDWR);
        FsFixture.readAll(fs, fh, "/f");
        assertEquals(expected.length, fs.fallocate(fh, "/f", modeOf(mode), offset, length));
        assertArrayEquals(expected, FsFixture.readAll(fs, fh, "/f"), "before it is saved");
        fs.flush(fh, "/f");
        assertArrayEquals(expected, FsFixture.readAll(fs, fh, "/f"), "after it is saved");
        fs.release(fh, "/f");

        assertEquals(expected.length, t.stat("/f").size());
        assertArrayEquals(expected, t.readFile("/f"));
        if (expected.length <= PART) {
            assertArrayEquals(expected, t.item(t.keys.content("/f")));
        } else {
            assertNull(t.item(t.keys.content("/f")));
            t.assertPartsMatchRecord("/f", expected);
        }
    }

    @Test
    void aPunchedPartIsNoLongerStored() {
        byte[] content = random(7, 5 * PART);
        t.writeFile("/f", content);
        long ino = t.stat("/f").ino();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), t.parts(ino));

        long fh = fs.open("/f", OpenFlags.O_RDWR);
        fs.fallocate(fh, "/f", PUNCH_HOLE | KEEP_SIZE, PART + 10, 3L * PART);
        fs.release(fh, "/f");
        assertEquals(List.of(0L, 1L, 4L), t.parts(ino), "parts 2 and 3 were covered whole: holes now");
        assertEquals(List.of(0L, 1L, 4L), t.writtenParts("/f"));
        assertArrayEquals(model(content, "p", PART + 10, 3 * PART), t.readFile("/f"));
    }

    @Test
    void allocatingPastTheEndStoresNothing() {
        long fh = t.create("/f");
        fs.fallocate(fh, "/f", 0, 0, 1000L * PART);
        fs.release(fh, "/f");
        assertEquals(1000L * PART, t.stat("/f").size());
        assertEquals(List.of(), t.parts(t.stat("/f").ino()), "the new range is a hole");
        assertEquals(0, t.stat("/f").storedBytes(PART), "st_blocks counts nothing");
    }

    @Test
    void errnos() {
        t.writeFile("/f", "abcdef");
        long fh = fs.open("/f", OpenFlags.O_RDWR);
        try {
            assertErrno(Errno.EINVAL, () -> fs.fallocate(fh, "/f", 0, -1, 10));
            assertErrno(Errno.EINVAL, () -> fs.fallocate(fh, "/f", 0, 0, 0));
            assertErrno(Errno.ENOTSUP, () -> fs.fallocate(fh, "/f", PUNCH_HOLE, 0, 2)); // a punch hole must keep the size
            assertErrno(Errno.ENOTSUP, () -> fs.fallocate(fh, "/f", PUNCH_HOLE | ZERO_RANGE | KEEP_SIZE, 0, 2));
            assertErrno(Errno.ENOTSUP, () -> fs.fallocate(fh, "/f", 0x08, 0, 2)); // collapse range
            assertErrno(Errno.ENOTSUP, () -> fs.fallocate(fh, "/f", 0x20, 0, 2)); // insert range
            assertErrno(Errno.EFBIG, () -> fs.fallocate(fh, "/f", 0, Long.MAX_VALUE, 2));
            assertErrno(Errno.EFBIG, () -> fs.fallocate(fh, "/f", 0, 0, Contents.MAX_PARTS * PART + 1));
        } finally {
            fs.release(fh, "/f");
        }
        assertEquals("abcdef", t.readText("/f"));
    }

    private static int modeOf(String mode) {
        return switch (mode) {
            case "0" -> 0;
            case "k" -> KEEP_SIZE;
            case "p" -> PUNCH_HOLE | KEEP_SIZE;
            case "z" -> ZERO_RANGE;
            case "zk" -> ZERO_RANGE | KEEP_SIZE;
            default -> throw new IllegalArgumentException(mode);
        };
    }

    /** What fallocate(2) makes of {@code content} on a local filesystem. */
    private static byte[] model(byte[] content, String mode, int offset, int length) {
        int end = offset + length;
        boolean keep = mode.equals("k") || mode.equals("p") || mode.equals("zk");
        byte[] out = Arrays.copyOf(content, keep ? content.length : Math.max(content.length, end));
        if (!mode.equals("0") && !mode.equals("k")) {
            Arrays.fill(out, Math.min(offset, out.length), Math.min(end, out.length), (byte) 0);
        }
        return out;
    }
}
