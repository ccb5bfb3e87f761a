package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.UID;
import static io.memfis.fs.FsFixture.GID;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.random;
import static io.memfis.fs.FsFixture.utf8;
import static io.memfis.fs.FsFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rename(2) as POSIX says, for files and for whole directories, and what it leaves in the store. */
@EveryStore
class RenameTest {

    private final FsFixture t;
    private final MemFs fs;

    RenameTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void aFileToANewName() {
        t.writeFile("/a", "content");
        Attributes before = t.stat("/a");
        t.clock.advance(Duration.ofSeconds(1));
        fs.rename("/a", "/b");
        assertErrno(Errno.ENOENT, () -> t.stat("/a"));
        Attributes after = t.stat("/b");
        assertEquals(before.ino(), after.ino());
        assertEquals(before.mtime(), after.mtime());
        assertEquals(t.clock.nanos(), after.ctime());
        assertEquals("content", t.readText("/b"));
        assertArrayEquals(utf8("content"), t.item(t.keys.content("/b")));
        assertFalse(t.has(t.keys.content("/a")));
        assertFalse(t.has(t.keys.record("/a")));
        assertEquals(List.of("b"), t.names("/"));
    }

    @Test
    void aFileReplacesAFile() {
        t.writeFile("/a", "new");
        t.writeFile("/b", random(1, 4 * PART));
        fs.setxattr("/b", "user.old", utf8("x"), 0);
        long replaced = t.stat("/b").ino();
        long ino = t.stat("/a").ino();
        fs.rename("/a", "/b");
        assertEquals(ino, t.stat("/b").ino());
        assertEquals("new", t.readText("/b"));
        assertArrayEquals(utf8("new"), t.item(t.keys.content("/b")));
        assertEquals(List.of(), t.parts(replaced), "the replaced file's parts are freed");
        assertEquals(List.of(), fs.listxattr("/b"), "its extended attributes went with it");
        assertFalse(t.has(t.keys.xattrs("/b")));
        assertEquals(List.of("b"), t.names("/"));
    }

    @Test
    void aLargeFileReplacesASmallOne() {
        byte[] big = random(2, 3 * PART);
        t.writeFile("/big", big);
        t.writeFile("/small", "small");
        fs.rename("/big", "/small");
        assertNull(t.item(t.keys.content("/small")), "nginx must not serve the replaced content");
        assertArrayEquals(big, t.readFile("/small"));
    }

    @Test
    void aDirectoryReplacesOnlyAnEmptyDirectory() {
        t.mkdir("/a");
        t.writeFile("/a/f", "f");
        t.mkdir("/empty");
        t.mkdir("/full");
        t.writeFile("/full/g", "g");
        assertErrno(Errno.ENOTEMPTY, () -> fs.rename("/a", "/full"));
        assertEquals("g", t.readText("/full/g"));
        fs.rename("/a", "/empty");
        assertEquals("f", t.readText("/empty/f"));
        assertEquals(List.of("empty", "full"), t.names("/").stream().sorted().toList());
        assertEquals(4, t.stat("/").nlink());
    }

    @Test
    void mismatchedTypes() {
        t.mkdir("/d");
        t.writeFile("/f", "x");
        assertErrno(Errno.ENOTDIR, () -> fs.rename("/d", "/f"));
        assertErrno(Errno.EISDIR, () -> fs.rename("/f", "/d"));
        assertTrue(t.stat("/d").isDirectory());
        assertEquals("x", t.readText("/f"));
    }

    @Test
    void aDirectoryCannotMoveIntoItself() {
        t.mkdir("/a");
        t.mkdir("/a/b");
        assertErrno(Errno.EINVAL, () -> fs.rename("/a", "/a/b/c"));
        assertErrno(Errno.EINVAL, () -> fs.rename("/a", "/a/c"));
        assertErrno(Errno.ENOTEMPTY, () -> fs.rename("/a/b", "/a")); // onto its own parent
        assertEquals(List.of("b"), t.names("/a"));
    }

    @Test
    void ontoItselfOrAnotherNameOfTheSameFileNothingHappens() {
        t.writeFile("/f", "x");
        fs.rename("/f", "/f");
        t.mkdir("/d");
        fs.rename("/d", "/d");
        fs.link("/f", "/g");
        fs.rename("/f", "/g");
        assertEquals(List.of("d", "f", "g"), t.names("/").stream().sorted().toList());
        assertEquals(2, t.stat("/f").nlink());
        assertEquals("x", t.readText("/f"));
        assertEquals("x", t.readText("/g"));
    }

    @Test
    void errnos() {
        t.writeFile("/f", "x");
        assertErrno(Errno.ENOENT, () -> fs.rename("/missing", "/g"));
        assertErrno(Errno.ENOENT, () -> fs.rename("/missing", "/missing"));
        assertErrno(Errno.ENOENT, () -> fs.rename("/f", "/missing/g"));
        assertErrno(Errno.ENOTDIR, () -> fs.rename("/f", "/f/g"));
        assertEquals("x", t.readText("/f"));
    }

    @Test
    void anOpenFileWithUnsavedWrites() {
        long fh = t.create("/a");
        write(fs, fh, "/a", 0, utf8("before"));
        fs.rename("/a", "/b");
        assertEquals("before", t.readText("/b"), "saved before its keys moved");
        write(fs, fh, "/b", 6, utf8(" after"));
        fs.release(fh, "/b");
        assertEquals("before after", t.readText("/b"));
        assertFalse(t.has(t.keys.content("/a")));
    }

    /**
     * A whole tree moves: every kind of entry is readable at the new path with what it had,
     * and no key of the old path is left.
     */
    @Test
    void aDirectoryWithEverythingInIt() {
        t.mkdir("/site");
        t.mkdir("/site/css");
        t.mkdir("/site/css/deep");
        t.writeFile("/site/index.html", "<h1>hi</h1>");
        t.writeFile("/site/css/a b%.css", "body{}");
        t.writeFile("/site/css/deep/big.bin", random(3, 3 * PART + 1));
        t.writeFile("/site/empty", new byte[0]);
        fs.symlink("../index.html", "/site/css/link", UID, GID);
        fs.link("/site/index.html", "/site/css/hard");
        fs.setxattr("/site/css", "user.dir", utf8("d"), 0);
        fs.setxattr("/site/empty", "user.file", utf8("f"), 0);
        fs.setxattr("/site/css/hard", "user.shared", utf8("s"), 0);
        for (int i = 0; i < 200; i++) {
            t.create("/site/css/many-" + i);
        }
        t.mkdir("/elsewhere");
        Map<String, Attributes> before = snapshot("/site");
        String oldPrefix = t.keys.prefix() + Keys.escape("/site");

        fs.rename("/site", "/elsewhere/www");

        assertErrno(Errno.ENOENT, () -> t.stat("/site"));
        Map<String, Attributes> after = snapshot("/elsewhere/www");
        assertEquals(before.keySet(), after.keySet());
        before.forEach((rel, a) -> {
            Attributes b = after.get(rel);
            assertEquals(a.ino(), b.ino(), rel);
            assertEquals(a.stMode(), b.stMode(), rel);
            assertEquals(a.size(), b.size(), rel);
            assertEquals(a.nlink(), b.nlink(), rel);
        });
        assertEquals("<h1>hi</h1>", t.readText("/elsewhere/www/index.html"));
        assertEquals("<h1>hi</h1>", t.readText("/elsewhere/www/css/hard"));
        assertEquals("body{}", t.readText("/elsewhere/www/css/a b%.css"));
        assertArrayEquals(random(3, 3 * PART + 1), t.readFile("/elsewhere/www/css/deep/big.bin"));
        assertEquals("../index.html", fs.readlink("/elsewhere/www/css/link"));
        assertArrayEquals(utf8("d"), fs.getxattr("/elsewhere/www/css", "user.dir"));
        assertArrayEquals(utf8("f"), fs.getxattr("/elsewhere/www/empty", "user.file"));
        assertArrayEquals(utf8("s"), fs.getxattr("/elsewhere/www/index.html", "user.shared"));
        assertArrayEquals(utf8("body{}"), t.item(t.keys.content("/elsewhere/www/css/a b%.css")),
                "nginx finds the moved file at its new URI");
        List<String> left = new ArrayList<>();
        for (String key : t.allKeys()) {
            if (key.startsWith(oldPrefix + "/") || key.startsWith(oldPrefix + "%")) {
                left.add(key);
            }
        }
        assertEquals(List.of(), left, "keys of the old tree left behind");
        assertEquals(3, t.stat("/elsewhere").nlink());
        assertEquals(3, t.stat("/").nlink());

        fs.unlink("/elsewhere/www/css/hard");
        assertEquals(1, t.stat("/elsewhere/www/index.html").nlink(), "the node knows the moved name");
    }

    @Test
    void aRenamedDirectoryKeepsWorking() {
        t.mkdir("/a");
        t.mkdir("/a/sub");
        t.writeFile("/a/sub/f", "f");
        fs.rename("/a", "/b");
        t.writeFile("/b/sub/g", "g");
        fs.unlink("/b/sub/f");
        assertEquals(List.of("g"), t.names("/b/sub"));
        fs.rename("/b/sub", "/b/sub2");
        fs.unlink("/b/sub2/g");
        fs.rmdir("/b/sub2");
        fs.rmdir("/b");
        assertEquals(List.of(), t.names("/"));
        t.mkdir("/a");
        assertEquals(List.of(), t.names("/a"), "nothing of the old /a comes back");
    }

    /** Paths listed before a rename, relative to {@code root}, with their attributes. */
    private Map<String, Attributes> snapshot(String root) {
        Map<String, Attributes> out = new LinkedHashMap<>();
        walk(root, "", out);
        return out;
    }

    private void walk(String dir, String rel, Map<String, Attributes> out) {
        for (DirEntry e : fs.readdir(dir)) {
            String path = dir + "/" + e.name();
            out.put(rel + "/" + e.name(), t.stat(path));
            if (e.attributes().isDirectory()) {
                walk(path, rel + "/" + e.name(), out);
            }
        }
    }
}
