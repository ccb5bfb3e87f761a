package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.memfis.fs.FsFixture.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mkdir, rmdir and readdir, with the errnos of a local disk, and listings that span many pages. */
@EveryStore
class DirectoriesTest {

    private final FsFixture t;
    private final MemFs fs;

    DirectoriesTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void mkdirAndReaddir() {
        t.mkdir("/a");
        t.mkdir("/a/b");
        t.writeFile("/a/f", "12345");
        assertEquals(List.of("a"), t.names("/"));
        assertEquals(Set.of("b", "f"), Set.copyOf(t.names("/a")));
        assertEquals(List.of(), t.names("/a/b"));
        for (DirEntry e : fs.readdir("/a")) {
            assertEquals(t.stat("/a/" + e.name()), e.attributes(), e.name());
        }
        assertEquals(5, fs.readdir("/a").stream().filter(e -> e.name().equals("f")).findFirst().orElseThrow()
                .attributes().size());
    }

    @Test
    void aDirectoryLinksToItselfItsParentAndEachSubdirectory() {
        assertEquals(2, t.stat("/").nlink());
        t.mkdir("/a");
        t.mkdir("/b");
        t.writeFile("/f", "not a directory");
        assertEquals(4, t.stat("/").nlink());
        assertEquals(2, t.stat("/a").nlink());
        t.mkdir("/a/x");
        t.mkdir("/a/y");
        assertEquals(4, t.stat("/a").nlink());
        assertEquals(4, t.stat("/").nlink());
        fs.rmdir("/a/y");
        assertEquals(3, t.stat("/a").nlink());
        fs.rename("/a/x", "/b/x");
        assertEquals(2, t.stat("/a").nlink());
        assertEquals(3, t.stat("/b").nlink());
        fs.rename("/b", "/a/b");
        assertEquals(3, t.stat("/").nlink());
        assertEquals(3, t.stat("/a").nlink());
    }

    @Test
    void mkdirErrnos() {
        t.mkdir("/d");
        t.writeFile("/f", "x");
        assertErrno(Errno.EEXIST, () -> t.mkdir("/d"));
        assertErrno(Errno.EEXIST, () -> t.mkdir("/f"));
        assertErrno(Errno.EEXIST, () -> t.mkdir("/"));
        assertErrno(Errno.ENOENT, () -> t.mkdir("/missing/d"));
        assertErrno(Errno.ENOTDIR, () -> t.mkdir("/f/d"));
        assertEquals(3, t.stat("/").nlink(), "a failed mkdir changes no link count");
        assertEquals(List.of("d", "f"), t.names("/").stream().sorted().toList());
    }

    @Test
    void rmdirErrnos() {
        t.mkdir("/d");
        t.mkdir("/d/sub");
        t.mkdir("/e");
        t.writeFile("/e/f", "x");
        t.writeFile("/f", "x");
        assertErrno(Errno.ENOTEMPTY, () -> fs.rmdir("/d"));
        assertErrno(Errno.ENOTEMPTY, () -> fs.rmdir("/e"));
        assertErrno(Errno.ENOENT, () -> fs.rmdir("/missing"));
        assertErrno(Errno.ENOTDIR, () -> fs.rmdir("/f"));
        assertErrno(Errno.EBUSY, () -> fs.rmdir("/"));
        assertTrue(t.stat("/d").isDirectory());
        assertEquals(List.of("sub"), t.names("/d"));
    }

    @Test
    void rmdirOfAFileWithSeveralNamesIsEnotdir() {
        t.writeFile("/f", "x");
        fs.link("/f", "/g");
        assertErrno(Errno.ENOTDIR, () -> fs.rmdir("/g"));
    }

    @Test
    void rmdirRemovesTheNameAndEveryKey() {
        List<String> before = t.allKeys();
        t.mkdir("/d");
        fs.setxattr("/d", "user.x", new byte[]{1}, 0);
        fs.rmdir("/d");
        assertErrno(Errno.ENOENT, () -> t.stat("/d"));
        assertEquals(List.of(), t.names("/"));
        assertEquals(2, t.stat("/").nlink());
        List<String> after = new ArrayList<>(t.allKeys());
        after.removeAll(before);
        after.remove(t.keys.freedCounter());
        assertEquals(List.of(), after, "keys left behind");
        t.mkdir("/d");
        assertEquals(List.of(), t.names("/d"), "a directory made again starts empty");
    }

    @Test
    void readdirErrnos() {
        t.writeFile("/f", "x");
        assertErrno(Errno.ENOTDIR, () -> fs.readdir("/f"));
        assertErrno(Errno.ENOENT, () -> fs.readdir("/missing"));
    }

    @Test
    void parentTimesChangeWithItsEntries() {
        t.mkdir("/d");
        long created = t.clock.nanos();
        t.clock.advance(java.time.Duration.ofMillis(1500));
        t.writeFile("/d/f", "x");
        Attributes d = t.stat("/d");
        assertEquals(t.clock.nanos(), d.mtime());
        assertEquals(t.clock.nanos(), d.ctime());
        assertEquals(created, d.atime());
        t.clock.advance(java.time.Duration.ofSeconds(1));
        fs.unlink("/d/f");
        assertEquals(t.clock.nanos(), t.stat("/d").mtime());
    }

    /** 3000 names over dozens of small pages: creating, listing and removing stay exact. */
    @Test
    void aLargeDirectorySpansManyPages() {
        t.mkdir("/big");
        int n = 3000;
        for (int i = 0; i < n; i++) {
            t.touch("/big/entry-" + i);
        }
        Attributes big = t.stat("/big");
        assertTrue(big.pages() > 20, "pages: " + big.pages());
        for (int page = 0; page < big.pages(); page++) {
            byte[] json = t.item(t.keys.dirPage("/big", page));
            assertTrue(json.length <= fs.format().pageBytes(), "page " + page + " has " + json.length + " bytes");
        }
        assertListed("/big", n, i -> true);

        for (int i = 0; i < n; i += 3) {
            fs.unlink("/big/entry-" + i);
        }
        assertListed("/big", n, i -> i % 3 != 0);

        for (int i = 0; i < n; i += 3) {
            fs.mkdir("/big/entry-" + i, 0700, 0, 0);
        }
        assertListed("/big", n, i -> true);
        assertEquals(2 + n / 3, t.stat("/big").nlink());

        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                fs.rmdir("/big/entry-" + i);
            } else {
                fs.unlink("/big/entry-" + i);
            }
        }
        assertEquals(List.of(), t.names("/big"));
        int pages = t.stat("/big").pages();
        fs.rmdir("/big");
        for (int page = 0; page < pages; page++) {
            assertFalse(t.has(t.keys.dirPage("/big", page)), "page " + page);
        }
    }

    @Test
    void eachRecordRemembersItsPage() {
        t.mkdir("/big");
        for (int i = 0; i < 500; i++) {
            t.touch("/big/entry-" + i);
        }
        for (int i = 0; i < 500; i += 50) {
            int page = t.record("/big/entry-" + i).page();
            List<String> names = Json.decodeNames(t.item(t.keys.dirPage("/big", page)));
            assertTrue(names.contains("entry-" + i), "entry-" + i + " on page " + page);
        }
    }

    private void assertListed(String dir, int n, java.util.function.IntPredicate present) {
        List<String> names = t.names(dir);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (present.test(i)) {
                expected.add("entry-" + i);
            }
        }
        assertEquals(expected.size(), names.size(), "no name twice");
        assertEquals(expected, Set.copyOf(names));
        for (DirEntry e : fs.readdir(dir)) {
            assertTrue(e.attributes() != null, e.name());
        }
    }
}
