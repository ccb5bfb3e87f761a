package io.memfis.fs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several mounts of one namespace (MemFs instances on one store, attributes not cached),
 * and many threads in one mount: inode numbers, visibility, and no lost update.
 */
@EveryStore
class MountsTest {

    private final FsFixture t;
    private final MemFs a;
    private final MemFs b;

    MountsTest(FsStore store) {
        t = FsFixture.create(store, Duration.ZERO);
        a = t.fs;
        b = t.anotherMount(Duration.ZERO);
    }

    @AfterEach
    void close() {
        t.close();
    }

    /** A create takes the name in the store at once: another mount's exclusive create fails then, not at close. */
    @Test
    void anExclusiveCreateTakesTheNameAtOnce() {
        long fh = a.create("/lock", 0644, FsFixture.UID, FsFixture.GID, 0302);
        FsFixture.assertErrno(Errno.EEXIST, () -> b.create("/lock", 0644, FsFixture.UID, FsFixture.GID, 0302));
        a.release(fh, "/lock");
        assertEquals(List.of("lock"), FsFixture.names(b, "/"));
    }

    @Test
    void inodeNumbersAreUniqueAcrossMounts() {
        Set<Long> seen = new HashSet<>(Set.of(1L));
        for (int i = 0; i < 300; i++) {
            MemFs fs = i % 3 == 0 ? b : a;
            long ino = i % 2 == 0 ? fs.mkdir("/d" + i, 0755, 0, 0).ino() : create(fs, "/f" + i);
            assertTrue(seen.add(ino), "inode " + ino + " given twice");
        }
    }

    @Test
    void inodeNumbersAreStableAcrossRemountsAndNeverReused() {
        Map<String, Long> inos = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            inos.put("/f" + i, create(a, "/f" + i));
        }
        a.unlink("/f0");
        a.close();
        MemFs again = t.anotherMount(Duration.ZERO);
        inos.remove("/f0");
        inos.forEach((path, ino) -> assertEquals(ino, again.getattr(path).ino(), path));
        long fresh = create(again, "/f0");
        assertTrue(!inos.containsValue(fresh) && fresh > 1, "a remount takes new numbers: " + fresh);
    }

    @Test
    void eachMountSeesTheOthersChanges() {
        FsFixture.writeFile(a, "/f", utf8("from a"));
        assertArrayEquals(utf8("from a"), FsFixture.readFile(b, "/f"));
        assertEquals(List.of("f"), FsFixture.names(b, "/"));

        b.mkdir("/d", 0755, 0, 0);
        FsFixture.writeFile(b, "/d/g", utf8("from b"));
        assertEquals(3, a.getattr("/").nlink());
        assertArrayEquals(utf8("from b"), FsFixture.readFile(a, "/d/g"));

        b.chmod("/f", 0600);
        assertEquals(0600, a.getattr("/f").mode());
        FsFixture.writeFile(b, "/f", utf8("rewritten by b"));
        assertArrayEquals(utf8("rewritten by b"), FsFixture.readFile(a, "/f"));
        assertEquals(14, a.getattr("/f").size());

        a.rename("/d", "/e");
        assertArrayEquals(utf8("from b"), FsFixture.readFile(b, "/e/g"));
        assertErrno(Errno.ENOENT, () -> b.getattr("/d"));

        b.unlink("/f");
        assertErrno(Errno.ENOENT, () -> a.getattr("/f"));
        assertErrno(Errno.ENOENT, () -> a.open("/f", 0));
        a.link("/e/g", "/h");
        assertEquals(2, b.getattr("/e/g").nlink());
    }

    @Test
    void aMountSeesAnotherMountsChangesOnceTheAttributeTimeoutPasses() {
        MemFs cached = t.anotherMount(Duration.ofHours(1));
        FsFixture.writeFile(a, "/f", utf8("x"));
        assertEquals(0644, cached.getattr("/f").mode());
        a.chmod("/f", 0600);
        assertEquals(0644, cached.getattr("/f").mode(), "cached, as the kernel would cache it");
        FsFixture.writeFile(a, "/f", utf8("new"));
        assertArrayEquals(utf8("new"), FsFixture.readFile(cached, "/f"), "open reads the record afresh");
    }

    /**
     * A mount may think a name absent for the attribute timeout after another mount made it
     * (it answers lookups from the names it listed). A create that meets the name opens the
     * file that is there, as open(O_CREAT) does, unless O_EXCL asks for a new one (EEXIST);
     * and this mount no longer denies the name.
     */
    @Test
    void aNameACreateFoundIsNoLongerDenied() {
        MemFs cached = t.anotherMount(Duration.ofHours(1));
        a.mkdir("/d", 0755, 0, 0);
        assertEquals(List.of(), FsFixture.names(cached, "/d"));
        FsFixture.writeFile(a, "/d/x", utf8("made by a"));
        int oCreatExcl = 0100 | 0200;
        assertErrno(Errno.EEXIST, () -> cached.create("/d/x", 0644, FsFixture.UID, FsFixture.GID, oCreatExcl));
        assertEquals(9, cached.getattr("/d/x").size());
        long fh = cached.create("/d/x", 0644, FsFixture.UID, FsFixture.GID, 0102);
        assertArrayEquals(utf8("made by a"), FsFixture.readAll(cached, fh, "/d/x"), "open(O_CREAT) opened the file there");
        cached.release(fh, "/d/x");
        // the kernel believes it created the file and checks nothing: memfis checks the permission
        int otherUser = 4242;
        assertErrno(Errno.EACCES, () -> cached.create("/d/x", 0644, otherUser, otherUser, 01 | 0100));
        assertArrayEquals(utf8("made by a"), FsFixture.readFile(cached, "/d/x"));
        a.mkdir("/d/sub", 0755, 0, 0);
        assertErrno(Errno.EEXIST, () -> cached.mkdir("/d/sub", 0755, 0, 0));
        assertEquals(2, cached.getattr("/d/sub").nlink());
    }

    /** Many threads in two mounts create in one directory at once: every name is listed exactly once. */
    @Test
    void concurrentCreatesInOneDirectoryLoseNothing() throws Exception {
        a.mkdir("/d", 0755, 0, 0);
        int threads = 8;
        int each = 150;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int n = 0; n < threads; n++) {
                int thread = n;
                MemFs fs = n % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        String path = "/d/t" + thread + "-" + i;
                        if (i % 10 == 0) {
                            fs.mkdir(path, 0755, 0, 0);
                        } else {
                            FsFixture.writeFile(fs, path, utf8(path));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> expected = new HashSet<>();
        for (int n = 0; n < threads; n++) {
            for (int i = 0; i < each; i++) {
                expected.add("t" + n + "-" + i);
            }
        }
        for (MemFs fs : List.of(a, b)) {
            List<String> names = FsFixture.names(fs, "/d");
            assertEquals(expected.size(), names.size(), "no name lost or listed twice");
            assertEquals(expected, Set.copyOf(names));
        }
        assertEquals(2 + threads * each / 10, a.getattr("/d").nlink(), "every mkdir counted");
        assertArrayEquals(utf8("/d/t3-7"), FsFixture.readFile(b, "/d/t3-7"));
        assertTrue(a.getattr("/d").pages() > 1);
    }

    /** And remove at once: what is left is exactly what was not removed. */
    @Test
    void concurrentRemovalsAndCreatesInOneDirectory() throws Exception {
        a.mkdir("/d", 0755, 0, 0);
        for (int i = 0; i < 600; i++) {
            create(a, "/d/old-" + i);
        }
        int threads = 6;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int n = 0; n < threads; n++) {
                int thread = n;
                MemFs fs = n % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = thread; i < 600; i += threads) {
                        if (i % 2 == 0) {
                            fs.unlink("/d/old-" + i);
                        }
                        create(fs, "/d/new-" + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            expected.add("new-" + i);
            if (i % 2 != 0) {
                expected.add("old-" + i);
            }
        }
        List<String> names = FsFixture.names(b, "/d");
        assertEquals(expected.size(), names.size());
        assertEquals(expected, Set.copyOf(names));
    }

    /** Threads of two mounts rename their own files within one directory and link one shared file. */
    @Test
    void concurrentRenamesAndLinksLoseNothing() throws Exception {
        a.mkdir("/d", 0755, 0, 0);
        FsFixture.writeFile(a, "/d/shared", utf8("s"));
        int threads = 6;
        int rounds = 40;
        int links = 8; // a node lists every name: these tests' 1 KiB items hold about 50
        for (int n = 0; n < threads; n++) {
            FsFixture.writeFile(a, "/d/f" + n + "-0", utf8("file " + n));
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int n = 0; n < threads; n++) {
                int thread = n;
                MemFs fs = n % 2 == 0 ? a : b;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        fs.rename("/d/f" + thread + "-" + i, "/d/f" + thread + "-" + (i + 1));
                        if (i < links) {
                            fs.link("/d/shared", "/d/link" + thread + "-" + i);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> expected = new HashSet<>(Set.of("shared"));
        for (int n = 0; n < threads; n++) {
            expected.add("f" + n + "-" + rounds);
            for (int i = 0; i < links; i++) {
                expected.add("link" + n + "-" + i);
            }
        }
        List<String> names = FsFixture.names(a, "/d");
        assertEquals(expected.size(), names.size());
        assertEquals(expected, Set.copyOf(names));
        assertEquals(1 + threads * links, b.getattr("/d/shared").nlink(), "no link count lost");
        for (int n = 0; n < threads; n++) {
            assertArrayEquals(utf8("file " + n), FsFixture.readFile(b, "/d/f" + n + "-" + rounds));
        }
    }

    private static long create(MemFs fs, String path) {
        long fh = FsFixture.create(fs, path);
        fs.release(fh, path);
        return fs.getattr(path).ino();
    }
}
