package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.memfis.fs.FsFixture.GID;
import static io.memfis.fs.FsFixture.START;
import static io.memfis.fs.FsFixture.UID;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.nanos;
import static io.memfis.fs.FsFixture.utf8;
import static io.memfis.fs.FsFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** getattr, chmod, chown, utimens, mknod and statfs, including changes made while a file is open. */
@EveryStore
class AttributesTest {

    private final FsStore store;
    private final FsFixture t;
    private final MemFs fs;

    AttributesTest(FsStore store) {
        this.store = store;
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void theRoot() {
        Attributes root = t.stat("/");
        assertEquals(1, root.ino());
        assertEquals(FileType.DIRECTORY, root.type());
        assertEquals(040755, root.stMode());
        assertEquals(2, root.nlink());
        assertEquals(nanos(START), root.mtime());
    }

    @Test
    void aNewFile() {
        t.clock.advance(Duration.ofNanos(1));
        long fh = fs.create("/f", 0640, 1234, 567, 0);
        fs.release(fh, "/f");
        Attributes a = t.stat("/f");
        assertEquals(FileType.FILE, a.type());
        assertEquals(0100640, a.stMode());
        assertEquals(1234, a.uid());
        assertEquals(567, a.gid());
        assertEquals(0, a.size());
        assertEquals(1, a.nlink());
        assertEquals(nanos(START) + 1, a.atime());
        assertEquals(nanos(START) + 1, a.mtime());
        assertEquals(nanos(START) + 1, a.ctime());
        assertTrue(a.ino() > 1);
    }

    @Test
    void aNewDirectoryAndItsParent() {
        t.clock.advance(Duration.ofSeconds(3));
        fs.mkdir("/d", 01777, UID, GID);
        Attributes d = t.stat("/d");
        assertEquals(041777, d.stMode(), "the sticky bit is kept");
        assertEquals(2, d.nlink());
        assertEquals(t.clock.nanos(), t.stat("/").mtime());
        assertEquals(t.clock.nanos(), t.stat("/").ctime());
    }

    @Test
    void specialFiles() {
        fs.mknod("/fifo", FileType.FIFO, 0600, 0, UID, GID);
        fs.mknod("/sock", FileType.SOCKET, 0600, 0, UID, GID);
        fs.mknod("/null", FileType.CHAR_DEVICE, 0666, 0x0103, 0, 0);
        fs.mknod("/plain", FileType.FILE, 0644, 99, UID, GID);
        assertEquals(010600, t.stat("/fifo").stMode());
        assertEquals(0140600, t.stat("/sock").stMode());
        assertEquals(020666, t.stat("/null").stMode());
        assertEquals(0x0103, t.stat("/null").rdev());
        assertEquals(0, t.stat("/plain").rdev());
        assertEquals(0, t.stat("/plain").size());
        assertErrno(Errno.EINVAL, () -> fs.mknod("/d", FileType.DIRECTORY, 0755, 0, UID, GID));
        assertErrno(Errno.EEXIST, () -> fs.mknod("/fifo", FileType.FIFO, 0600, 0, UID, GID));
    }

    @Test
    void chmod() {
        t.writeFile("/f", "x");
        t.mkdir("/d");
        t.clock.advance(Duration.ofSeconds(1));
        fs.chmod("/f", 04711);
        fs.chmod("/d", 0700 | 0170000);
        assertEquals(0104711, t.stat("/f").stMode());
        assertEquals(040700, t.stat("/d").stMode(), "type bits in the argument change nothing");
        assertEquals(t.clock.nanos(), t.stat("/f").ctime());
        assertEquals(nanos(START), t.stat("/f").mtime());
        assertErrno(Errno.ENOENT, () -> fs.chmod("/missing", 0644));
    }

    @Test
    void chown() {
        t.writeFile("/f", "x");
        fs.chown("/f", 7, -1);
        assertEquals(7, t.stat("/f").uid());
        assertEquals(GID, t.stat("/f").gid());
        fs.chown("/f", -1, 8);
        assertEquals(7, t.stat("/f").uid());
        assertEquals(8, t.stat("/f").gid());
        fs.chown("/f", 0, 0);
        assertEquals(0, t.stat("/f").uid());
        assertEquals(0, t.stat("/f").gid());
    }

    @Test
    void utimensKeepsNanoseconds() {
        t.writeFile("/f", "x");
        t.clock.advance(Duration.ofSeconds(10));
        fs.utimens("/f", 1_234_567_890_123_456_789L, 987_654_321_987_654_321L);
        Attributes a = t.stat("/f");
        assertEquals(1_234_567_890_123_456_789L, a.atime());
        assertEquals(987_654_321_987_654_321L, a.mtime());
        assertEquals(t.clock.nanos(), a.ctime());

        t.clock.advance(Duration.ofSeconds(1));
        fs.utimens("/f", MemFs.OMIT, MemFs.NOW);
        a = t.stat("/f");
        assertEquals(1_234_567_890_123_456_789L, a.atime(), "omitted");
        assertEquals(t.clock.nanos(), a.mtime());

        fs.utimens("/f", 0, MemFs.OMIT);
        assertEquals(0, t.stat("/f").atime(), "the epoch is a time like any other");
        fs.utimens("/f", -5_000_000_000L, MemFs.OMIT);
        assertEquals(-5_000_000_000L, t.stat("/f").atime(), "before the epoch");
        t.mkdir("/d");
        fs.utimens("/d", 5, 6);
        assertEquals(6, t.stat("/d").mtime());
    }

    /**
     * {@code cp -a} writes, then fchmod, fchown and futimens on the open file, then closes:
     * getattr shows each change at once, and the store (another mount) has them after the flush.
     */
    @Test
    void changesWhileOpenShowAtOnceAndAreSavedOnFlush() {
        MemFs other = t.anotherMount(Duration.ZERO);
        long fh = t.create("/f");
        fs.flush(fh, "/f");
        t.clock.advance(Duration.ofSeconds(1));
        write(fs, fh, "/f", 0, utf8("hello"));
        fs.chmod("/f", 0600);
        fs.chown("/f", 42, 43);
        fs.utimens("/f", 111, 222);
        for (Attributes a : new Attributes[]{t.stat("/f"), fs.fgetattr(fh, "/f")}) {
            assertEquals(0600, a.mode());
            assertEquals(42, a.uid());
            assertEquals(43, a.gid());
            assertEquals(111, a.atime());
            assertEquals(222, a.mtime(), "the utimens after the write wins");
            assertEquals(5, a.size());
        }
        assertEquals(0644, other.getattr("/f").mode(), "not saved yet");
        fs.flush(fh, "/f");
        Attributes saved = other.getattr("/f");
        assertEquals(0600, saved.mode());
        assertEquals(42, saved.uid());
        assertEquals(222, saved.mtime());
        assertEquals(5, saved.size());

        t.clock.advance(Duration.ofSeconds(1));
        write(fs, fh, "/f", 5, utf8("!"));
        assertEquals(t.clock.nanos(), t.stat("/f").mtime(), "a write after utimens sets mtime");
        fs.release(fh, "/f");
        assertEquals(t.clock.nanos(), other.getattr("/f").mtime());
        assertEquals(0600, other.getattr("/f").mode(), "still");
    }

    @Test
    void aSetgidDirectoryPassesItsGroupOn() {
        fs.mkdir("/shared", 02775, UID, 500);
        long fh = fs.create("/shared/f", 0644, UID, GID, 0);
        fs.release(fh, "/shared/f");
        fs.mkdir("/shared/sub", 0755, UID, GID);
        assertEquals(500, t.stat("/shared/f").gid());
        assertEquals(500, t.stat("/shared/sub").gid());
        assertEquals(02755, t.stat("/shared/sub").mode(), "and its setgid bit to directories");
        assertEquals(0644, t.stat("/shared/f").mode());
    }

    @Test
    void missingPaths() {
        assertErrno(Errno.ENOENT, () -> t.stat("/missing"));
        assertErrno(Errno.ENOENT, () -> fs.access("/missing"));
        assertErrno(Errno.ENOENT, () -> fs.chown("/missing", 1, 1));
        assertErrno(Errno.ENOENT, () -> fs.utimens("/missing", 1, 1));
        fs.access("/");
    }

    @Test
    void statfsIsSane() {
        FsStats before = fs.statfs();
        assertEquals(4096, before.blockSize());
        assertEquals(255, before.nameMax());
        assertTrue(before.blocks() > 0);
        assertTrue(before.blocksFree() > 0 && before.blocksFree() <= before.blocks(), before.toString());
        assertTrue(before.filesFree() <= before.files(), before.toString());
        for (int i = 0; i < 10; i++) {
            t.writeFile("/f" + i, FsFixture.random(i, 1000));
        }
        // statfs answers from a cache for a second: a fresh mount asks memcached
        FsStats after = t.anotherMount(Duration.ofSeconds(1)).statfs();
        if (store == FsStore.IN_MEMORY) {
            // memcached frees the items of an earlier test's flush_all lazily: its free bytes may grow meanwhile
            assertTrue(after.blocksFree() < before.blocksFree(), "10 KB written: " + before + " -> " + after);
        }
        assertTrue(after.files() - after.filesFree() >= 11, "inodes in use: " + after);
    }

    /** A second's worth of df calls share one answer: the ticker, not the machine's speed, says when it is stale. */
    @Test
    void statfsAnswersFromASecondOldAnswer() {
        FsStats first = fs.statfs();
        for (int i = 0; i < 10; i++) {
            t.writeFile("/f" + i, FsFixture.random(i, 1000));
        }
        t.clock.advance(Duration.ofMillis(999));
        assertEquals(first, fs.statfs());
        t.clock.advance(Duration.ofMillis(1));
        FsStats fresh = fs.statfs();
        // inodes in use, not free bytes: memcached frees the items of an earlier test's flush_all lazily
        assertTrue(fresh.files() - fresh.filesFree() > first.files() - first.filesFree(),
                "10 files created: " + first + " -> " + fresh);
    }

    /** df -i counts the inodes in use, not the block of numbers a mount took and did not use. */
    @Test
    void statfsCountsTheInodesInUseOnceTheWriterIsClosed() {
        for (int i = 0; i < 10; i++) {
            t.writeFile("/f" + i, FsFixture.random(i, 100));
        }
        fs.close();
        FsStats after = t.anotherMount(Duration.ofSeconds(1)).statfs();
        assertEquals(11, after.files() - after.filesFree(), "the root and 10 files: " + after);
    }
}
