package io.memfis.fs;

import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The refusals of the filesystem itself, below the kernel: on a mount the kernel refuses
 * some of these calls before memfis sees them, so they are pinned here too.
 */
class RefusalsTest {

    private final MemFs fs = MemFs.open(Stores.inMemory(1 << 20), FsOptions.defaults("refusals"));

    @AfterEach
    void close() {
        fs.close();
    }

    @Test
    void aDirectoryCannotMoveIntoItsOwnSubtree() {
        fs.mkdir("/a", 0755, 0, 0);
        fs.mkdir("/a/b", 0755, 0, 0);
        assertErrno(Errno.EINVAL, () -> fs.rename("/a", "/a/b/c"));
        assertErrno(Errno.EINVAL, () -> fs.rename("/a", "/a/x"));
        assertErrno(Errno.EINVAL, () -> fs.rename("/", "/a/root"));
        assertEquals(List.of("b"), names("/a"));
        assertEquals(List.of("a"), names("/"));
    }

    @Test
    void nonEmptyDirectoriesStay() {
        fs.mkdir("/d", 0755, 0, 0);
        fs.mkdir("/d/sub", 0755, 0, 0);
        fs.mkdir("/e", 0755, 0, 0);
        fs.mknod("/e/f", io.memfis.layout.FileType.FILE, 0644, 0, 0, 0);
        assertErrno(Errno.ENOTEMPTY, () -> fs.rmdir("/d"));
        assertErrno(Errno.ENOTEMPTY, () -> fs.rename("/d", "/e"));
        assertErrno(Errno.ENOTDIR, () -> fs.rmdir("/e/f"));
        assertErrno(Errno.EISDIR, () -> fs.unlink("/d"));
        assertErrno(Errno.EBUSY, () -> fs.rmdir("/"));
        assertEquals(List.of("d", "e"), names("/"));
    }

    @Test
    void namesMustBeUtf8AndAtMost255Bytes() {
        fs.mkdir("/" + "n".repeat(255), 0755, 0, 0);
        fs.mkdir("/" + "é".repeat(127), 0755, 0, 0);
        assertErrno(Errno.ENAMETOOLONG, () -> fs.mkdir("/" + "n".repeat(256), 0755, 0, 0));
        assertErrno(Errno.ENAMETOOLONG, () -> fs.mkdir("/" + "é".repeat(128), 0755, 0, 0));
        assertErrno(Errno.ENAMETOOLONG, () -> fs.getattr("/" + "n".repeat(256)));
        // the FUSE layer hands over bytes that are not UTF-8 as U+FFFD
        assertErrno(Errno.EILSEQ, () -> fs.mkdir("/bad\uFFFD", 0755, 0, 0));
        assertErrno(Errno.EILSEQ, () -> fs.symlink("x", "/\uFFFD", 0, 0));
        assertErrno(Errno.EILSEQ, () -> fs.rename("/" + "n".repeat(255), "/\uFFFD\uFFFD"));
        assertErrno(Errno.ENOENT, () -> fs.getattr("/\uFFFD"));
        assertEquals(2, names("/").size());
    }

    private List<String> names(String dir) {
        return fs.readdir(dir).stream().map(DirEntry::name).sorted().toList();
    }

    private static void assertErrno(Errno expected, Executable op) {
        FsException e = assertThrows(FsException.class, op);
        assertEquals(expected, e.errno(), e.getMessage());
    }
}
