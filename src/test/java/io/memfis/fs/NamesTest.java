package io.memfis.fs;

import io.memfis.layout.FileType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.memfis.fs.FsFixture.GID;
import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.UID;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.random;
import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names: any UTF-8 of at most 255 bytes, whatever it looks like, and paths too long for a key. */
@EveryStore
class NamesTest {

    private final FsFixture t;
    private final MemFs fs;

    NamesTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "100%", "%41", "x%attr", "x?attr", "x%25attr", "x%dir.0", "x%xattr", "%format",
            "q?a=1&b=2#frag", "tab\there", "new\nline", "\u0001\u001f", "del\u007f", "é", "漢字", "\uD83D\uDE00",
            "+;:@!$'()*,~", "...", ".hidden", "-rf", "\\back\\slash", "\"quoted\""})
    void anyNameIsAFileNginxFindsUnderItsEscapedUri(String name) {
        String path = "/" + name;
        t.writeFile(path, "content of " + name);
        assertEquals(List.of(name), t.names("/"));
        assertEquals("content of " + name, t.readText(path));
        assertArrayEquals(utf8("content of " + name), t.item(t.keys.prefix() + io.memfis.layout.Keys.escape(path)));
        t.mkdir("/dir " + name);
        t.writeFile("/dir " + name + "/" + name, "inner");
        fs.rename(path, "/dir " + name + "/moved " + name);
        assertEquals(Set.of(name, "moved " + name), Set.copyOf(t.names("/dir " + name)));
        fs.unlink("/dir " + name + "/" + name);
        fs.unlink("/dir " + name + "/moved " + name);
        fs.rmdir("/dir " + name);
        assertEquals(List.of(), t.names("/"));
    }

    /** Each of these names could meet a key of "x" if the layout were careless. */
    @Test
    void namesThatLookLikeSuffixesLiveSideBySide() {
        List<String> names = List.of("x", "x%attr", "x?attr", "x%25attr", "x%dir.0", "x%xattr", "x%20", "x ");
        for (String n : names) {
            t.writeFile("/" + n, "I am " + n);
            fs.setxattr("/" + n, "user.name", utf8(n), 0);
        }
        t.mkdir("/x%dir");
        t.writeFile("/x%dir/inside", "inside");
        for (String n : names) {
            assertEquals("I am " + n, t.readText("/" + n), n);
            assertArrayEquals(utf8(n), fs.getxattr("/" + n, "user.name"), n);
        }
        assertEquals(names.size() + 1, t.names("/").size());
        assertEquals(List.of("inside"), t.names("/x%dir"));
    }

    @Test
    void aNameOf255BytesWorks() {
        String ascii = "/" + "a".repeat(255);
        String utf8 = "/" + "é".repeat(127) + "b";
        assertEquals(256, utf8(utf8).length);
        for (String path : List.of(ascii, utf8)) {
            t.writeFile(path, "ok");
            assertEquals("ok", t.readText(path));
            fs.rename(path, path.substring(0, path.length() - 1) + "z");
            t.mkdir(path);
            fs.symlink("t", path + "/" + path.substring(1), UID, GID);
        }
        assertEquals(4, t.names("/").size());
    }

    @Test
    void aNameOf256BytesIsTooLong() {
        String name = "a".repeat(256);
        String path = "/" + name;
        String multibyte = "/" + "é".repeat(128);
        t.writeFile("/f", "x");
        t.mkdir("/d");
        for (String p : List.of(path, multibyte, "/d/" + name)) {
            expectEveryCreation(Errno.ENAMETOOLONG, p);
            assertErrno(Errno.ENAMETOOLONG, () -> t.stat(p));
        }
        assertEquals(Set.of("f", "d"), Set.copyOf(t.names("/")));
        assertEquals(List.of(), t.names("/d"));
    }

    /** A name that was not valid UTF-8 reaches Java with U+FFFD in it: storing it would rename the file. */
    @Test
    void aNameThatWasNotUtf8IsRefused() {
        t.writeFile("/f", "x");
        expectEveryCreation(Errno.EILSEQ, "/bad\uFFFDname");
        assertEquals(List.of("f"), t.names("/"));
    }

    private void expectEveryCreation(Errno errno, String path) {
        Map<String, Executable> ops = Map.of(
                "create", () -> t.create(path),
                "mkdir", () -> t.mkdir(path),
                "mknod", () -> fs.mknod(path, FileType.FIFO, 0600, 0, UID, GID),
                "symlink", () -> fs.symlink("t", path, UID, GID),
                "link", () -> fs.link("/f", path),
                "rename", () -> fs.rename("/f", path));
        ops.forEach((op, call) -> assertEquals(errno, org.junit.jupiter.api.Assertions.assertThrows(
                FsException.class, call).errno(), op));
    }

    /** Paths far over 250 bytes: every key is hashed, and everything still works. */
    @Test
    void veryDeepPathsWork() {
        String dir = "";
        List<String> dirs = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            dir += "/" + (char) ('a' + i) + "-".repeat(130);
            dirs.add(dir);
            t.mkdir(dir);
        }
        String file = dir + "/file";
        assertTrue(utf8(file).length > 1000);
        t.writeFile(file, "deep");
        t.writeFile(dir + "/big", random(1, 3 * PART));
        fs.setxattr(file, "user.x", utf8("1"), 0);
        fs.symlink("file", dir + "/link", UID, GID);
        // a node lists every name of its file: two names this long would not fit these tests' 1 KiB items
        String mid = dirs.get(1);
        t.writeFile(mid + "/m", "linked");
        fs.link(mid + "/m", mid + "/hard");
        String hashed = t.keys.prefix() + "%h";
        assertTrue(t.keys.record(file).startsWith(hashed));
        assertTrue(t.keys.content(file).startsWith(hashed));
        assertTrue(t.keys.dirPage(dir, 0).startsWith(hashed));
        assertTrue(t.keys.content(mid + "/hard").startsWith(hashed));
        assertFalse(t.keys.nginxReachable(file));
        assertArrayEquals(utf8("deep"), t.item(t.keys.content(file)));

        assertEquals(Set.of("file", "big", "link"), Set.copyOf(t.names(dir)));
        assertEquals("linked", t.readText(mid + "/hard"));
        assertEquals("file", fs.readlink(dir + "/link"));
        assertArrayEquals(utf8("1"), fs.getxattr(file, "user.x"));

        String top = dirs.get(0);
        fs.rename(top, "/moved");
        String moved = "/moved" + dir.substring(top.length());
        String movedMid = "/moved" + mid.substring(top.length());
        assertEquals("deep", t.readText(moved + "/file"));
        assertArrayEquals(random(1, 3 * PART), t.readFile(moved + "/big"));
        assertArrayEquals(utf8("1"), fs.getxattr(moved + "/file", "user.x"));
        assertEquals("linked", t.readText(movedMid + "/hard"));
        for (String n : List.of("file", "big", "link")) {
            fs.unlink(moved + "/" + n);
        }
        fs.unlink(movedMid + "/m");
        fs.unlink(movedMid + "/hard");
        for (String d = moved; !d.isEmpty(); d = d.substring(0, d.lastIndexOf('/'))) {
            fs.rmdir(d);
        }
        assertEquals(List.of(), t.names("/"));
        assertEquals(List.of(t.keys.format(), t.keys.freedCounter(), t.keys.inodeCounter(), t.keys.record("/"),
                t.keys.dirPage("/", 0)).stream().sorted().toList(), t.allKeys(), "nothing left behind");
    }
}
