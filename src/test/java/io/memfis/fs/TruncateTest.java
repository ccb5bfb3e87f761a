package io.memfis.fs;

import io.memfis.fs.data.Contents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.random;
import static io.memfis.fs.FsFixture.read;
import static io.memfis.fs.FsFixture.utf8;
import static io.memfis.fs.FsFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * truncate and ftruncate, shrinking and growing: within a small file, across the boundary
 * between a small file and one in parts both ways, and between sizes in parts. Each case
 * runs three ways: by path on a closed file, on an open handle (read before and after it
 * is saved), and by path while the file is open here.
 */
@EveryStore
class TruncateTest {

    private final FsFixture t;
    private final MemFs fs;

    TruncateTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 10", "10, 3", "10, 0", "10, 10", "3, 1024", "1024, 10",
            "10, 1025", "1025, 1024", "1024, 1025", "3077, 10", "10, 3077",
            "3077, 5121", "5121, 2055", "5121, 2048", "2048, 2049", "5121, 0", "0, 5121"})
    void truncateByPath(int from, int to) {
        byte[] content = random(from, from);
        t.writeFile("/f", content);
        fs.truncate("/f", to);
        check(content, to);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 10", "10, 3", "10, 0", "3, 1024", "1024, 10",
            "10, 1025", "1025, 1024", "3077, 10", "10, 3077",
            "3077, 5121", "5121, 2055", "5121, 0", "0, 5121"})
    void ftruncateOnAnOpenHandle(int from, int to) {
        byte[] content = random(from, from);
        t.writeFile("/f", content);
        long fh = fs.open("/f", 0);
        FsFixture.readAll(fs, fh, "/f");
        fs.ftruncate(fh, "/f", to);
        byte[] expected = Arrays.copyOf(content, to);
        assertEquals(to, fs.fgetattr(fh, "/f").size());
        assertEquals(to, t.stat("/f").size());
        assertArrayEquals(expected, FsFixture.readAll(fs, fh, "/f"), "before it is saved");
        fs.flush(fh, "/f");
        assertArrayEquals(expected, FsFixture.readAll(fs, fh, "/f"), "after it is saved");
        assertArrayEquals(Arrays.copyOfRange(expected, to / 2, to), read(fs, fh, "/f", to / 2, to + 1));
        fs.release(fh, "/f");
        check(content, to);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"10, 100", "100, 10", "10, 3077", "3077, 10", "3077, 5121"})
    void truncateByPathWhileOpenHere(int from, int to) {
        byte[] content = random(from, from);
        t.writeFile("/f", content);
        long fh = fs.open("/f", 0);
        FsFixture.readAll(fs, fh, "/f");
        fs.truncate("/f", to);
        assertArrayEquals(Arrays.copyOf(content, to), FsFixture.readAll(fs, fh, "/f"));
        fs.release(fh, "/f");
        check(content, to);
    }

    /** The bytes a shrink cut off must not come back when the file grows again. */
    @ParameterizedTest(name = "{0} -> {1} -> {2}")
    @CsvSource({"100, 10, 100", "10, 100, 50", "10, 100, 5", "3077, 1500, 3077", "3077, 10, 3077",
            "10, 3077, 1500", "2000, 0, 2000", "100, 2000, 50"})
    void shrinkAndGrowOnOneHandle(int from, int middle, int to) {
        byte[] content = random(from, from);
        t.writeFile("/f", content);
        long fh = fs.open("/f", 0);
        fs.ftruncate(fh, "/f", middle);
        fs.ftruncate(fh, "/f", to);
        byte[] expected = Arrays.copyOf(Arrays.copyOf(content, Math.min(from, middle)), to);
        assertArrayEquals(expected, FsFixture.readAll(fs, fh, "/f"));
        fs.release(fh, "/f");
        assertArrayEquals(expected, t.readFile("/f"));
    }

    @Test
    void writeAfterGrowingTruncateThenShrinkOnOneHandle() {
        long fh = t.create("/f");
        write(fs, fh, "/f", 0, utf8("abc"));
        fs.ftruncate(fh, "/f", 2000);
        write(fs, fh, "/f", 1500, utf8("x"));
        fs.ftruncate(fh, "/f", 600);
        write(fs, fh, "/f", 598, utf8("yz"));
        fs.release(fh, "/f");
        byte[] expected = new byte[600];
        System.arraycopy(utf8("abc"), 0, expected, 0, 3);
        System.arraycopy(utf8("yz"), 0, expected, 598, 2);
        assertArrayEquals(expected, t.readFile("/f"));
        assertArrayEquals(expected, t.item(t.keys.content("/f")));
    }

    @Test
    void errnos() {
        t.writeFile("/f", "abc");
        t.mkdir("/d");
        assertErrno(Errno.EISDIR, () -> fs.truncate("/d", 0));
        assertErrno(Errno.ENOENT, () -> fs.truncate("/missing", 0));
        assertErrno(Errno.EINVAL, () -> fs.truncate("/f", -1));
        assertErrno(Errno.EFBIG, () -> fs.truncate("/f", Contents.MAX_PARTS * PART + 1));
        assertEquals("abc", t.readText("/f"));
    }

    /** The content as read and as stored: whole under nginx's key, or in exactly the parts its record names. */
    private void check(byte[] content, int size) {
        byte[] expected = Arrays.copyOf(content, size);
        assertEquals(size, t.stat("/f").size());
        assertArrayEquals(expected, t.readFile("/f"));
        long ino = t.stat("/f").ino();
        if (size <= PART) {
            assertArrayEquals(expected, t.item(t.keys.content("/f")));
            assertEquals(List.of(), t.parts(ino), "no part outlives the file's growth");
        } else {
            assertNull(t.item(t.keys.content("/f")));
            t.assertPartsMatchRecord("/f", expected);
        }
        assertTrue(t.has(t.keys.record("/f")));
    }
}
