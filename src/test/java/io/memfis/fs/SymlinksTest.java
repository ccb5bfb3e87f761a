package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.memfis.fs.FsFixture.GID;
import static io.memfis.fs.FsFixture.UID;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** symlink(2) and readlink(2): the target is kept as given, the size is its length in bytes. */
@EveryStore
class SymlinksTest {

    private final FsFixture t;
    private final MemFs fs;

    SymlinksTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"target", "../up/there", "/absolute/path", "dangling-nowhere", "é€ 100%?#",
            "./a//b/../c/", "x"})
    void targetsAreKeptAsGiven(String target) {
        Attributes a = fs.symlink(target, "/link", UID, GID);
        assertEquals(target, fs.readlink("/link"));
        Attributes s = t.stat("/link");
        assertEquals(a, s);
        assertEquals(FileType.SYMLINK, s.type());
        assertEquals(0120777, s.stMode());
        assertEquals(utf8(target).length, s.size());
        assertEquals(UID, s.uid());
        assertEquals(List.of("link"), t.names("/"));
        assertFalse(t.has(t.keys.content("/link")), "nginx does not follow symlinks");
    }

    /** As long as a record in these tests' 1 KiB items allows (memcached's 1 MiB items hold PATH_MAX). */
    @Test
    void aLongTarget() {
        String target = "a/".repeat(400) + "b";
        fs.symlink(target, "/long", UID, GID);
        assertEquals(target, fs.readlink("/long"));
    }

    @Test
    void renameAndUnlink() {
        fs.symlink("t", "/s", UID, GID);
        t.mkdir("/d");
        fs.rename("/s", "/d/s");
        assertEquals("t", fs.readlink("/d/s"));
        fs.unlink("/d/s");
        assertErrno(Errno.ENOENT, () -> fs.readlink("/d/s"));
        assertEquals(List.of(), t.names("/d"));
    }

    @Test
    void errnos() {
        t.writeFile("/f", "x");
        t.mkdir("/d");
        assertErrno(Errno.EINVAL, () -> fs.readlink("/f"));
        assertErrno(Errno.EINVAL, () -> fs.readlink("/d"));
        assertErrno(Errno.ENOENT, () -> fs.readlink("/missing"));
        assertErrno(Errno.EEXIST, () -> fs.symlink("t", "/f", UID, GID));
        assertErrno(Errno.ENOENT, () -> fs.symlink("", "/empty", UID, GID));
        assertErrno(Errno.ENOENT, () -> fs.symlink("t", "/missing/s", UID, GID));
        assertErrno(Errno.EISDIR, () -> fs.open("/d", 0));
    }
}
