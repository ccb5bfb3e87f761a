package io.memfis.fs;

import io.memfis.layout.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extended attributes: setxattr's flags and errnos, and what follows a rename or a hard link. */
@EveryStore
class XattrsTest {

    private static final int CREATE = 1;
    private static final int REPLACE = 2;

    private final FsFixture t;
    private final MemFs fs;

    XattrsTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/f", "/d", "/s"})
    void setGetListRemove(String path) {
        t.writeFile("/f", "x");
        t.mkdir("/d");
        fs.symlink("f", "/s", 0, 0);
        assertEquals(List.of(), fs.listxattr(path));
        fs.setxattr(path, "user.a", utf8("1"), 0);
        fs.setxattr(path, "user.b", new byte[]{0, (byte) 0xff}, 0);
        fs.setxattr(path, "user.empty", new byte[0], 0);
        assertArrayEquals(utf8("1"), fs.getxattr(path, "user.a"));
        assertArrayEquals(new byte[]{0, (byte) 0xff}, fs.getxattr(path, "user.b"));
        assertArrayEquals(new byte[0], fs.getxattr(path, "user.empty"));
        assertEquals(List.of("user.a", "user.b", "user.empty"), fs.listxattr(path));
        assertTrue(t.record(path).attributes().xattrs());
        assertEquals(3, Json.decodeXattrs(t.item(t.keys.xattrs(path))).size());

        fs.setxattr(path, "user.a", utf8("2"), 0);
        assertArrayEquals(utf8("2"), fs.getxattr(path, "user.a"));
        fs.removexattr(path, "user.a");
        fs.removexattr(path, "user.b");
        assertErrno(Errno.ENODATA, () -> fs.getxattr(path, "user.a"));
        fs.removexattr(path, "user.empty");
        assertEquals(List.of(), fs.listxattr(path));
        assertFalse(t.has(t.keys.xattrs(path)), "the item goes with the last attribute");
        assertFalse(t.record(path).attributes().xattrs());
    }

    @Test
    void flagsAndErrnos() {
        t.writeFile("/f", "x");
        assertErrno(Errno.ENODATA, () -> fs.getxattr("/f", "user.none"));
        assertErrno(Errno.ENODATA, () -> fs.removexattr("/f", "user.none"));
        assertErrno(Errno.ENODATA, () -> fs.setxattr("/f", "user.a", utf8("1"), REPLACE));
        fs.setxattr("/f", "user.a", utf8("1"), CREATE);
        assertErrno(Errno.EEXIST, () -> fs.setxattr("/f", "user.a", utf8("2"), CREATE));
        assertErrno(Errno.ENODATA, () -> fs.setxattr("/f", "user.b", utf8("2"), REPLACE));
        assertErrno(Errno.ENODATA, () -> fs.removexattr("/f", "user.b"));
        fs.setxattr("/f", "user.a", utf8("3"), REPLACE);
        assertArrayEquals(utf8("3"), fs.getxattr("/f", "user.a"));
        assertErrno(Errno.ENOENT, () -> fs.setxattr("/missing", "user.a", utf8("1"), 0));
        assertErrno(Errno.ENOENT, () -> fs.getxattr("/missing", "user.a"));
        assertErrno(Errno.ENOENT, () -> fs.listxattr("/missing"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"system.posix_acl_access", "system.posix_acl_default"})
    void posixAclsAreNotSupported(String name) {
        t.mkdir("/d");
        assertErrno(Errno.ENOTSUP, () -> fs.setxattr("/d", name, new byte[]{2, 0, 0, 0}, 0));
        assertErrno(Errno.ENODATA, () -> fs.getxattr("/d", name));
        assertEquals(List.of(), fs.listxattr("/d"));
    }

    @Test
    void moreThanOneItemHoldsIsEnospc() {
        t.writeFile("/f", "x");
        fs.setxattr("/f", "user.small", utf8("kept"), 0);
        assertErrno(Errno.ENOSPC, () -> fs.setxattr("/f", "user.big", new byte[2000], 0));
        assertEquals(List.of("user.small"), fs.listxattr("/f"));
    }

    @Test
    void theyFollowARename() {
        t.writeFile("/f", "x");
        fs.setxattr("/f", "user.a", utf8("1"), 0);
        t.mkdir("/d");
        fs.rename("/f", "/d/g");
        assertArrayEquals(utf8("1"), fs.getxattr("/d/g", "user.a"));
        assertFalse(t.has(t.keys.xattrs("/f")));
        t.writeFile("/f", "new file, old name");
        assertEquals(List.of(), fs.listxattr("/f"), "a new file under the old name has none");
    }

    @Test
    void hardLinksShareThem() {
        t.writeFile("/a", "x");
        fs.setxattr("/a", "user.before", utf8("1"), 0);
        fs.link("/a", "/b");
        long ino = t.stat("/a").ino();
        assertArrayEquals(utf8("1"), fs.getxattr("/b", "user.before"), "set before the link");
        fs.setxattr("/b", "user.after", utf8("2"), 0);
        assertArrayEquals(utf8("2"), fs.getxattr("/a", "user.after"));
        assertTrue(t.has(t.keys.nodeXattrs(ino)));
        assertFalse(t.has(t.keys.xattrs("/a")), "the node holds them now");
        fs.removexattr("/a", "user.before");
        assertEquals(List.of("user.after"), fs.listxattr("/b"));
        fs.unlink("/a");
        assertEquals(List.of("user.after"), fs.listxattr("/b"));
    }

    @Test
    void aRecordThatSaysNoneIsBelievedOverAStaleItem() {
        t.writeFile("/f", "x");
        t.store.await(t.store.set(t.keys.xattrs("/f"), Json.encodeXattrs(java.util.Map.of("user.stale", utf8("?")))));
        assertEquals(List.of(), fs.listxattr("/f"));
        fs.setxattr("/f", "user.new", utf8("1"), CREATE);
        assertEquals(List.of("user.new"), fs.listxattr("/f"));
    }
}
