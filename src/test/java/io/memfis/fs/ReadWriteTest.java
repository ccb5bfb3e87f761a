package io.memfis.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;

import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.random;
import static io.memfis.fs.FsFixture.read;
import static io.memfis.fs.FsFixture.utf8;
import static io.memfis.fs.FsFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * create, open, read, write, flush and release as on a local disk. The parameterized tests
 * are one specification run for files of every kind: empty, small, exactly one item, one
 * byte more, and several parts.
 */
@EveryStore
class ReadWriteTest {

    private final FsFixture t;
    private final MemFs fs;

    ReadWriteTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, PART - 1, PART, PART + 1, 2 * PART, 3 * PART + 17})
    void contentReadsBackAndIsStoredWhereTheLayoutSays(int size) {
        byte[] content = random(size, size);
        t.writeFile("/f", content);
        assertArrayEquals(content, t.readFile("/f"));
        assertEquals(size, t.stat("/f").size());
        long ino = t.stat("/f").ino();
        if (size <= PART) {
            assertArrayEquals(content, t.item(t.keys.content("/f")), "nginx's key holds the file");
            assertTrue(t.parts(ino).isEmpty());
        } else {
            assertNull(t.item(t.keys.content("/f")), "nginx must not serve a part as the file");
            assertEquals((size + PART - 1) / PART, t.parts(ino).size());
            assertArrayEquals(content, t.partsContent(ino, size));
        }
        MemFs other = t.anotherMount(Duration.ofSeconds(1));
        assertArrayEquals(content, FsFixture.readFile(other, "/f"), "another mount reads what was stored");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, PART, PART + 1, 3 * PART + 17})
    void readsAtAnyOffsetAndLength(int size) {
        byte[] content = random(size, size);
        t.writeFile("/f", content);
        long fh = fs.open("/f", 0);
        long[] offsets = {0, 1, size / 2, PART - 1, PART, PART + 1, size - 1, size, size + 1, 10L * PART};
        int[] lengths = {0, 1, 7, PART - 1, PART, PART + 1, 2 * PART + 3, size, size + 10};
        for (long offset : offsets) {
            for (int length : lengths) {
                int from = (int) Math.min(offset, size);
                int to = (int) Math.min((long) size, offset + length);
                assertArrayEquals(Arrays.copyOfRange(content, from, Math.max(from, to)),
                        read(fs, fh, "/f", offset, length), "read " + length + " at " + offset);
            }
        }
        fs.release(fh, "/f");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, PART - 3, PART + 5, 4 * PART + 1})
    void aWriteBeyondTheEndLeavesAHoleOfZeros(int offset) {
        long fh = t.create("/f");
        write(fs, fh, "/f", offset, utf8("xyz"));
        byte[] expected = new byte[offset + 3];
        System.arraycopy(utf8("xyz"), 0, expected, offset, 3);
        assertArrayEquals(expected, FsFixture.readAll(fs, fh, "/f"), "before the file is saved");
        fs.release(fh, "/f");
        assertArrayEquals(expected, t.readFile("/f"), "after");
        assertEquals(offset + 3, t.stat("/f").size());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10, PART, PART + 1, 3 * PART})
    void writesAtAnyOffsetOverwriteOnlyTheirBytes(int size) {
        byte[] model = random(size, size);
        t.writeFile("/f", model);
        int[][] writes = {{0, 3}, {size / 2, 5}, {PART - 2, 4}, {size, 2}, {size + 7, PART + 9}, {1, 2 * PART}};
        long fh = fs.open("/f", 0);
        for (int[] w : writes) {
            byte[] bytes = random(w[0] * 31L + w[1], w[1]);
            write(fs, fh, "/f", w[0], bytes);
            if (model.length < w[0] + w[1]) {
                model = Arrays.copyOf(model, w[0] + w[1]);
            }
            System.arraycopy(bytes, 0, model, w[0], w[1]);
            assertArrayEquals(model, FsFixture.readAll(fs, fh, "/f"));
            assertEquals(model.length, fs.fgetattr(fh, "/f").size());
            assertEquals(model.length, t.stat("/f").size(), "getattr sees the open file's size");
        }
        fs.release(fh, "/f");
        assertArrayEquals(model, t.readFile("/f"));
    }

    @Test
    void readsPastTheEndReturnNothing() {
        t.writeFile("/f", "abc");
        long fh = fs.open("/f", 0);
        assertEquals(0, fs.read(fh, "/f", 3, new byte[10], 10));
        assertEquals(0, fs.read(fh, "/f", 1000, new byte[10], 10));
        assertEquals(0, fs.read(fh, "/f", 10L * PART, new byte[10], 10));
        assertArrayEquals(utf8("c"), read(fs, fh, "/f", 2, 10));
        fs.release(fh, "/f");
    }

    /** {@code >>}: each writer opens, writes at the end and closes; the file grows past one item. */
    @Test
    void appending() {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        t.writeFile("/log", new byte[0]);
        for (int i = 0; i < 40; i++) {
            byte[] line = utf8("line " + i + " " + "x".repeat(i * 3) + "\n");
            long fh = fs.open("/log", 0);
            write(fs, fh, "/log", fs.fgetattr(fh, "/log").size(), line);
            fs.flush(fh, "/log");
            fs.release(fh, "/log");
            model.writeBytes(line);
            assertArrayEquals(model.toByteArray(), t.readFile("/log"));
        }
        assertTrue(model.size() > 2 * PART);
    }

    @Test
    void handlesOnOneFileShareWhatIsNotSavedYet() {
        long writer = t.create("/f");
        write(fs, writer, "/f", 0, utf8("hello"));
        long reader = fs.open("/f", 0);
        assertArrayEquals(utf8("hello"), FsFixture.readAll(fs, reader, "/f"));
        fs.release(writer, "/f");
        write(fs, reader, "/f", 5, utf8(" world"));
        fs.release(reader, "/f");
        assertEquals("hello world", t.readText("/f"));
    }

    @Test
    void aNewFileIsStoredEvenIfNothingIsWritten() {
        long fh = t.create("/empty");
        fs.release(fh, "/empty");
        assertArrayEquals(new byte[0], t.item(t.keys.content("/empty")), "nginx serves an empty file, not a 404");
        assertEquals(0, t.stat("/empty").size());
    }

    @Test
    void openWithTruncEmptiesTheFile() {
        t.writeFile("/small", "abc");
        t.writeFile("/large", random(1, 3 * PART));
        long ino = t.stat("/large").ino();
        for (String path : new String[]{"/small", "/large"}) {
            long fh = fs.open(path, OpenFlags.O_TRUNC);
            assertEquals(0, fs.fgetattr(fh, path).size());
            assertEquals(0, fs.read(fh, path, 0, new byte[10], 10));
            fs.release(fh, path);
            assertEquals(0, t.stat(path).size());
            assertArrayEquals(new byte[0], t.item(t.keys.content(path)));
        }
        assertTrue(t.parts(ino).isEmpty());
    }

    @Test
    void closeToOpenBetweenMounts() {
        MemFs other = t.anotherMount(Duration.ZERO);
        t.writeFile("/f", "one");
        long fh = other.open("/f", 0);
        assertEquals("one", new String(FsFixture.readAll(other, fh, "/f")));
        t.writeFile("/f", "two!");
        assertEquals("one", new String(FsFixture.readAll(other, fh, "/f")), "an open file keeps what it read");
        other.release(fh, "/f");
        assertEquals("two!", new String(FsFixture.readFile(other, "/f")), "the next open reads afresh");
    }

    @Test
    void errnos() {
        t.mkdir("/d");
        t.writeFile("/f", "x");
        assertErrno(Errno.EEXIST, () -> t.create("/f"));
        assertErrno(Errno.EEXIST, () -> t.create("/d"));
        assertErrno(Errno.ENOENT, () -> fs.open("/missing", 0));
        assertErrno(Errno.ENOENT, () -> t.create("/missing/f"));
        assertErrno(Errno.ENOTDIR, () -> t.create("/f/g"));
        assertErrno(Errno.EISDIR, () -> fs.open("/d", 0));
        assertErrno(Errno.EBADF, () -> fs.read(12345, "/f", 0, new byte[1], 1));
        assertErrno(Errno.EBADF, () -> fs.write(12345, "/f", 0, new byte[1], 1));
        long fh = fs.open("/f", 0);
        fs.release(fh, "/f");
        assertErrno(Errno.EBADF, () -> fs.release(fh, "/f"));
        assertErrno(Errno.EBADF, () -> fs.flush(fh, "/f"));
    }

    @Test
    void unlinkRemovesTheFileAndItsKeys() {
        t.writeFile("/small", "abc");
        t.writeFile("/large", random(2, 3 * PART));
        long large = t.stat("/large").ino();
        fs.unlink("/small");
        fs.unlink("/large");
        assertErrno(Errno.ENOENT, () -> t.stat("/small"));
        assertErrno(Errno.ENOENT, () -> fs.unlink("/small"));
        assertTrue(t.names("/").isEmpty());
        assertFalse(t.has(t.keys.content("/small")));
        assertFalse(t.has(t.keys.record("/small")));
        assertTrue(t.parts(large).isEmpty());
        t.mkdir("/d");
        assertErrno(Errno.EISDIR, () -> fs.unlink("/d"));
    }
}
