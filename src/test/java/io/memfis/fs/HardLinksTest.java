package io.memfis.fs;

import io.memfis.layout.Json;
import io.memfis.layout.NodeRecord;
import io.memfis.layout.PathRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.random;
import static io.memfis.fs.FsFixture.utf8;
import static io.memfis.fs.FsFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** link(2): one file under several names, each of which nginx can serve. */
@EveryStore
class HardLinksTest {

    private final FsFixture t;
    private final MemFs fs;

    HardLinksTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void aSecondName() {
        t.writeFile("/a", "shared");
        long ino = t.stat("/a").ino();
        t.mkdir("/d");
        t.clock.advance(Duration.ofSeconds(1));
        fs.link("/a", "/d/b");
        for (String p : List.of("/a", "/d/b")) {
            assertEquals(ino, t.stat(p).ino(), p);
            assertEquals(2, t.stat(p).nlink(), p);
            assertEquals(t.clock.nanos(), t.stat(p).ctime(), p);
            assertEquals("shared", t.readText(p), p);
            assertArrayEquals(utf8("shared"), t.item(t.keys.content(p)), "nginx serves " + p);
            assertEquals(PathRecord.inNode(ino, 0), t.record(p));
        }
        NodeRecord node = Json.decodeNodeRecord(t.item(t.keys.node(ino)));
        assertEquals(List.of("/a", "/d/b"), node.paths());
        assertEquals(2, node.attributes().nlink());
        assertEquals(List.of("b"), t.names("/d"));
    }

    @Test
    void aWriteThroughOneNameShowsThroughEvery() {
        t.writeFile("/a", "old");
        fs.link("/a", "/b");
        fs.link("/b", "/c");
        long fh = fs.open("/b", 0);
        write(fs, fh, "/b", 0, utf8("NEW!"));
        assertEquals(4, t.stat("/c").size(), "before the flush, in this mount");
        fs.release(fh, "/b");
        for (String p : List.of("/a", "/b", "/c")) {
            assertEquals("NEW!", t.readText(p), p);
            assertArrayEquals(utf8("NEW!"), t.item(t.keys.content(p)), "nginx serves " + p);
            assertEquals(3, t.stat(p).nlink());
        }
        fs.chmod("/c", 0600);
        assertEquals(0600, t.stat("/a").mode());
    }

    @Test
    void aHardLinkedFileThatGrowsLargeLeavesNginxsKeysOfEveryName() {
        t.writeFile("/a", "small");
        fs.link("/a", "/b");
        byte[] big = random(1, 3 * PART);
        t.writeFile("/a", big);
        for (String p : List.of("/a", "/b")) {
            assertNull(t.item(t.keys.content(p)), p);
            assertArrayEquals(big, t.readFile(p), p);
        }
        t.writeFile("/b", utf8("small again"));
        for (String p : List.of("/a", "/b")) {
            assertArrayEquals(utf8("small again"), t.item(t.keys.content(p)), p);
        }
        assertEquals(List.of(), t.parts(t.stat("/a").ino()));
    }

    @Test
    void unlinkingOneNameKeepsTheOthers() {
        t.writeFile("/a", "x");
        fs.link("/a", "/b");
        fs.link("/a", "/c");
        fs.unlink("/b");
        assertErrno(Errno.ENOENT, () -> t.stat("/b"));
        assertFalse(t.has(t.keys.content("/b")));
        assertFalse(t.has(t.keys.record("/b")));
        for (String p : List.of("/a", "/c")) {
            assertEquals(2, t.stat(p).nlink());
            assertEquals("x", t.readText(p));
        }
        assertEquals(List.of("/a", "/c"), Json.decodeNodeRecord(t.item(t.keys.node(t.stat("/a").ino()))).paths());
    }

    @Test
    void theLastUnlinkDeletesTheFile() {
        t.writeFile("/a", random(2, 3 * PART));
        long ino = t.stat("/a").ino();
        fs.link("/a", "/b");
        fs.setxattr("/b", "user.x", utf8("1"), 0);
        fs.unlink("/a");
        assertEquals(1, t.stat("/b").nlink());
        assertArrayEquals(random(2, 3 * PART), t.readFile("/b"));
        fs.unlink("/b");
        assertFalse(t.has(t.keys.node(ino)));
        assertFalse(t.has(t.keys.nodeXattrs(ino)));
        assertEquals(List.of(), t.parts(ino));
        assertEquals(List.of(), t.names("/"));
    }

    @Test
    void renamingOneNameKeepsTheLink() {
        t.writeFile("/a", "x");
        fs.link("/a", "/b");
        t.mkdir("/d");
        fs.rename("/b", "/d/moved");
        assertEquals(List.of("/a", "/d/moved"), Json.decodeNodeRecord(t.item(t.keys.node(t.stat("/a").ino()))).paths());
        t.writeFile("/a", "y");
        assertEquals("y", t.readText("/d/moved"));
        assertArrayEquals(utf8("y"), t.item(t.keys.content("/d/moved")));
        fs.unlink("/a");
        assertEquals(1, t.stat("/d/moved").nlink());
    }

    @Test
    void renameOverANameOfAnotherLinkedFile() {
        t.writeFile("/a", "a");
        t.writeFile("/x", "x");
        fs.link("/x", "/y");
        fs.rename("/a", "/y");
        assertEquals("a", t.readText("/y"));
        assertEquals(1, t.stat("/x").nlink(), "the replaced name no longer counts");
        assertEquals("x", t.readText("/x"));
    }

    @Test
    void aFileOpenWithUnsavedWritesIsSavedBeforeItGetsANewName() {
        long fh = t.create("/a");
        write(fs, fh, "/a", 0, utf8("unsaved"));
        fs.link("/a", "/b");
        assertArrayEquals(utf8("unsaved"), t.item(t.keys.content("/b")));
        write(fs, fh, "/a", 7, utf8("+more"));
        fs.release(fh, "/a");
        assertArrayEquals(utf8("unsaved+more"), t.item(t.keys.content("/b")));
    }

    /** A node lists every name of its file in one item: a link past what it holds is EMLINK, as past a disk's limit. */
    @Test
    void moreLinksThanANodeHoldsIsEmlink() {
        t.writeFile("/a", "x");
        FsException refused = null;
        int made = 0;
        while (refused == null && made < 1000) {
            try {
                fs.link("/a", "/link-" + made);
                made++;
            } catch (FsException e) {
                refused = e;
            }
        }
        assertEquals(Errno.EMLINK, refused == null ? null : refused.errno());
        assertEquals(made + 1, t.stat("/a").nlink());
        assertEquals(made + 1, t.names("/").size());
        assertErrno(Errno.ENOENT, () -> t.stat("/link-" + t.names("/").size()));
        assertEquals("x", t.readText("/link-" + (made - 1)));
    }

    @Test
    void errnos() {
        t.writeFile("/f", "x");
        t.writeFile("/g", "y");
        t.mkdir("/d");
        assertErrno(Errno.EPERM, () -> fs.link("/d", "/d2"));
        assertErrno(Errno.EEXIST, () -> fs.link("/f", "/g"));
        assertErrno(Errno.EEXIST, () -> fs.link("/f", "/d"));
        assertErrno(Errno.ENOENT, () -> fs.link("/missing", "/h"));
        assertErrno(Errno.ENOENT, () -> fs.link("/f", "/missing/h"));
        assertEquals(1, t.stat("/f").nlink());
        assertEquals("y", t.readText("/g"));
    }

    @Test
    void symlinksAndSpecialFilesCanBeLinked() {
        fs.symlink("target", "/s", 0, 0);
        fs.link("/s", "/s2");
        assertEquals("target", fs.readlink("/s2"));
        assertEquals(2, t.stat("/s").nlink());
        fs.mknod("/p", io.memfis.layout.FileType.FIFO, 0600, 0, 0, 0);
        fs.link("/p", "/p2");
        assertTrue(t.stat("/p2").type() == io.memfis.layout.FileType.FIFO);
    }
}
