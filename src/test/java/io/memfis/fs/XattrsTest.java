package io.memfis.fs;

import io.memfis.layout.ExtendedAttributes;
import io.memfis.layout.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

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
        ExtendedAttributes item = Json.decodeXattrs(t.item(t.keys.xattrs(path)));
        assertEquals(3, item.values().size());
        assertEquals(t.stat(path).ino(), item.ino(), "the item names its file");

        fs.setxattr(path, "user.a", utf8("2"), 0);
        assertArrayEquals(utf8("2"), fs.getxattr(path, "user.a"));
        fs.removexattr(path, "user.a");
        fs.removexattr(path, "user.b");
        assertErrno(Errno.ENODATA, () -> fs.getxattr(path, "user.a"));
        fs.removexattr(path, "user.empty");
        assertEquals(List.of(), fs.listxattr(path));
        // emptied, not deleted: a delete could undo another mount's set that came in between
        assertEquals(new ExtendedAttributes(t.stat(path).ino(), java.util.Map.of()),
                Json.decodeXattrs(t.item(t.keys.xattrs(path))), "the last attribute leaves the item empty");
        assertTrue(t.record(path).attributes().xattrs(), "and the record's flag as it was");
        fs.setxattr(path, "user.again", utf8("3"), 0);
        assertEquals(List.of("user.again"), fs.listxattr(path));
        fs.removexattr(path, "user.again");
        if (!path.equals("/d")) {
            fs.unlink(path);
            assertFalse(t.has(t.keys.xattrs(path)), "the empty item goes with the file");
        }
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

    /** An item of the earlier form names no file: the record decides whether it is the file's. */
    @Test
    void aRecordThatSaysNoneIsBelievedOverAStaleItem() {
        t.writeFile("/f", "x");
        t.store.await(t.store.set(t.keys.xattrs("/f"), utf8("{\"user.stale\":\"Pw==\"}")));
        assertEquals(List.of(), fs.listxattr("/f"));
        fs.setxattr("/f", "user.new", utf8("1"), CREATE);
        assertEquals(List.of("user.new"), fs.listxattr("/f"));
    }

    @Test
    void anEarlierFilesLeftoverIsReplaced() {
        t.writeFile("/f", "x");
        long earlier = t.stat("/f").ino() + 1000;
        t.store.await(t.store.set(t.keys.xattrs("/f"),
                Json.encode(new ExtendedAttributes(earlier, Map.of("user.stale", utf8("?"))))));
        fs.setxattr("/f", "user.new", utf8("1"), CREATE);
        assertEquals(List.of("user.new"), fs.listxattr("/f"));
    }

    /**
     * Another mount gives the file its first attribute; this mount's record (cached, the clock
     * stands still) still says it has none. Its own first attribute joins the other's.
     */
    @Test
    void anotherMountsFirstAttributeIsKeptThoughThisMountsRecordShowsNone() {
        MemFs other = t.anotherMount(Duration.ofSeconds(1));
        t.writeFile("/f", "x");
        assertEquals(List.of(), other.listxattr("/f"));
        fs.setxattr("/f", "user.a", utf8("1"), 0);
        assertEquals(List.of(), other.listxattr("/f"), "its record is cached");
        other.setxattr("/f", "user.b", utf8("2"), CREATE);
        assertEquals(List.of("user.a", "user.b"), fs.listxattr("/f"));
        assertEquals(List.of("user.a", "user.b"), other.listxattr("/f"));
    }

    /**
     * Another mount replaced the file by rename with one that has attributes; this mount's
     * record is of the file before. The item is not that file's, so the record is read again
     * before anything is replaced: the new file keeps its attribute.
     */
    @Test
    void aFileReplacedByAnotherMountKeepsItsAttributes() {
        MemFs other = t.anotherMount(Duration.ofSeconds(1));
        t.writeFile("/f", "old");
        long old = other.getattr("/f").ino();
        t.writeFile("/g", "new");
        fs.setxattr("/g", "user.g", utf8("1"), 0);
        fs.rename("/g", "/f");
        assertEquals(old, other.getattr("/f").ino(), "its record is cached");
        other.setxattr("/f", "user.b", utf8("2"), 0);
        assertEquals(List.of("user.g", "user.b"), fs.listxattr("/f"));
    }

    /** Two mounts set the first attributes of the same files at the same moment, file by file. */
    @Test
    void twoMountsRacingOnFirstAttributesLoseNone() throws Exception {
        MemFs other = t.anotherMount(Duration.ofSeconds(1));
        int files = 60;
        for (int i = 0; i < files; i++) {
            t.writeFile("/f" + i, "x");
            other.getattr("/f" + i);
        }
        together(files, i -> fs.setxattr("/f" + i, "user.a" + i, utf8("a"), 0),
                i -> other.setxattr("/f" + i, "user.b" + i, utf8("b"), 0));
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            List<String> names = fs.listxattr("/f" + i);
            if (!names.containsAll(List.of("user.a" + i, "user.b" + i))) {
                lost.add("/f" + i + " " + names);
            }
        }
        assertEquals(List.of(), lost);
    }

    /**
     * One mount removes a file's last attribute while another sets a new one, file by file.
     * The removal leaves the item it emptied, and the record's flag: no file is left with a
     * flag and no item (EIO from every getxattr until a repair), nor without the new attribute
     * (the removal used to delete the item after the set had gone into it).
     */
    @Test
    void aRemovalOfTheLastAttributeRacingASetLosesNothing() throws Exception {
        MemFs other = t.anotherMount(Duration.ZERO);
        int files = 200;
        for (int i = 0; i < files; i++) {
            t.writeFile("/f" + i, "x");
            fs.setxattr("/f" + i, "user.x", utf8("1"), 0);
        }
        together(files, i -> fs.removexattr("/f" + i, "user.x"), i -> other.setxattr("/f" + i, "user.b", utf8("b"), 0));
        List<String> unreadable = new ArrayList<>();
        int lost = 0;
        for (int i = 0; i < files; i++) {
            try {
                lost += other.listxattr("/f" + i).contains("user.b") ? 0 : 1;
            } catch (FsException e) {
                unreadable.add("/f" + i + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), unreadable);
        assertEquals(0, lost, "files whose new attribute was lost (of " + files + ")");
    }

    /** Runs {@code a} and {@code b} on two threads for 0..n-1, both starting each step together. */
    private static void together(int n, IntConsumer a, IntConsumer b) throws Exception {
        CyclicBarrier step = new CyclicBarrier(2);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (IntConsumer op : List.of(a, b)) {
                done.add(two.submit(() -> {
                    for (int i = 0; i < n; i++) {
                        step.await(10, TimeUnit.SECONDS);
                        op.accept(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            two.shutdownNow();
        }
    }
}
