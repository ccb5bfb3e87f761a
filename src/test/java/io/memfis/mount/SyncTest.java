package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.testing.NginxTag;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import io.memfis.testing.SyncProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.memfis.mount.TreeComparison.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code memfis sync} against a real memcached, nginx and mount: each kind of change, one by
 * one, served by nginx and seen through a mount; a burst; new directories filled at once;
 * lost events; SIGTERM; and many random changes after which the namespace equals the
 * directory and {@code memfis check} finds nothing.
 */
@MountTag
@NginxTag
class SyncTest {

    static final String NAMESPACE = "sync.test";

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    private static Nginx nginx;
    private static int port;

    @BeforeAll
    static void serve() {
        port = Ports.free();
        String config = MemfisCli.inProcess("nginx-config", "-n", NAMESPACE, "-s", MEMCACHED.servers(),
                "--listen", "127.0.0.1:" + port, "--server-name", "localhost").ok().out();
        nginx = Nginx.start(config);
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void eachKindOfChangeIsServedAndSeenThroughAMount() {
        Path src = dir("src");
        Shell.ok(src, "printf one > index.html && mkdir -p docs && printf guide > docs/guide.html");
        try (SyncProcess sync = sync(src, "/kinds"); Mount mount = Mount.of(MEMCACHED, NAMESPACE)) {
            Path there = mount.resolve("kinds");
            assertSameTreeSoon(src, there);
            List<String[]> steps = List.of(
                    new String[]{"printf two > index.html", "/kinds/index.html", "two"},
                    new String[]{"printf ' more' >> index.html", "/kinds/index.html", "two more"},
                    new String[]{"truncate -s 3 index.html", "/kinds/index.html", "two"},
                    new String[]{"printf new > new.html", "/kinds/new.html", "new"},
                    new String[]{"chmod 600 new.html && chown 1234:5678 new.html", null, null},
                    new String[]{"touch -m -d '2001-02-03 04:05:06.5' new.html", null, null},
                    new String[]{"setfattr -n user.tag -v blue new.html", null, null},
                    new String[]{"setfattr -x user.tag new.html", null, null},
                    new String[]{"ln -s docs/guide.html link.html", null, null},
                    new String[]{"ln new.html hard.html", "/kinds/hard.html", "new"},
                    new String[]{"ln docs/guide.html guide-link.html", "/kinds/guide-link.html", "guide"},
                    new String[]{"printf ' more' >> guide-link.html", "/kinds/docs/guide.html", "guide more"},
                    new String[]{"mv new.html renamed.html", "/kinds/renamed.html", "new"},
                    new String[]{"mkdir -p a/b && printf deep > a/b/c.html", "/kinds/a/b/c.html", "deep"},
                    new String[]{"mv a z", "/kinds/z/b/c.html", "deep"},
                    new String[]{"printf replaced > tmp.html && mv tmp.html index.html", "/kinds/index.html", "replaced"},
                    new String[]{"rm renamed.html", "/kinds/renamed.html", null},
                    new String[]{"rm -r z", "/kinds/z/b/c.html", null},
                    new String[]{"chmod 700 docs && touch -d 2002-01-01 docs", null, null});
            for (String[] step : steps) {
                Shell.ok(src, step[0]);
                if (step[1] != null) {
                    assertServedSoon(step[1], step[2], step[0]);
                }
                assertSameTreeSoon(src, there);
            }
            assertEquals(404, Http.get(port, "/kinds/tmp.html").status());
            assertTrue(sync.log().contains(" 1 renamed"), sync.log());
        }
    }

    @Test
    void aBurstIsSentInFewBatches() {
        Path src = dir("burst");
        try (SyncProcess sync = sync(src, "/burst")) {
            int before = batches(sync);
            // a file written ten times a second for two seconds
            long writing = System.nanoTime();
            Shell.ok(src, "for i in $(seq 1 20); do printf \"v$i\" > hot.txt; sleep 0.1; done");
            long wrote = System.nanoTime() - writing;
            assertServedSoon("/burst/hot.txt", "v20", "the last write");
            int hot = batches(sync) - before;
            assertTrue(hot <= fewBatches(6, wrote), hot + " batches for 20 writes in " + wrote / 1_000_000 + " ms:\n" + sync.log());

            before = batches(sync);
            writing = System.nanoTime();
            Shell.ok(src, "mkdir many && cd many && for d in $(seq 1 20); do mkdir d$d; "
                    + "for f in $(seq 1 100); do printf \"$d/$f\" > d$d/f$f.txt; done; done");
            wrote = System.nanoTime() - writing;
            assertServedSoon("/burst/many/d20/f100.txt", "20/100", "the last of 2,000 files");
            // the last file written may be served before a batch of earlier ones lands
            for (int d = 1; d <= 20; d += 7) {
                for (int f = 1; f <= 100; f += 33) {
                    assertServedSoon("/burst/many/d" + d + "/f" + f + ".txt", d + "/" + f, "file " + d + "/" + f);
                }
            }
            int burst = batches(sync) - before;
            assertTrue(burst <= fewBatches(15, wrote), burst + " batches for 2,000 files written in "
                    + wrote / 1_000_000 + " ms:\n" + sync.log());
        }
    }

    /**
     * At most {@code usual} batches, or, when writing took longer than usual (a busy machine:
     * the shell's loop itself is slow), one more for each 0.8 s that changes may wait before
     * they are sent anyway: a batch per change would still be far more.
     */
    private static int fewBatches(int usual, long writingNanos) {
        return Math.max(usual, (int) (writingNanos / 800_000_000L) + 3);
    }

    @Test
    void aNewDirectoryFilledAtOnceMissesNothing() {
        Path src = dir("fill");
        Path stuff = dir("stuff");
        Shell.ok(stuff, "mkdir -p x/y && for i in $(seq 1 30); do printf \"$i\" > x/f$i; printf \"y$i\" > x/y/g$i; done"
                + " && tar -cf ../stuff.tar x");
        try (SyncProcess sync = sync(src, "/fill"); Mount mount = Mount.of(MEMCACHED, NAMESPACE)) {
            for (int round = 0; round < 10; round++) {
                Shell.ok(src, "mkdir -p r" + round + "/a/b && cp -a " + quote(stuff.resolve("x")) + " r" + round
                        + "/a/b/ && mkdir r" + round + "/t && tar -C r" + round + "/t -xf ../stuff.tar");
            }
            for (int round = 0; round < 10; round++) {
                assertServedSoon("/fill/r" + round + "/a/b/x/y/g30", "y30", "round " + round);
                assertServedSoon("/fill/r" + round + "/t/x/y/g30", "y30", "round " + round);
            }
            assertSameTreeSoon(src, mount.resolve("fill"));
        }
    }

    @Test
    void lostEventsMakeItRescan() throws Exception {
        Path src = dir("lost");
        Path limit = Path.of("/proc/sys/fs/inotify/max_queued_events");
        // cat, not Files.readString: the JDK reads a file /proc sizes at 0 only in part
        String saved = Shell.ok(work, "cat " + limit).trim();
        assertTrue(Integer.parseInt(saved) >= 1024, "fs.inotify.max_queued_events is " + saved);
        SyncProcess sync;
        // the queue's size is fixed when the watch is made: only this process gets the tiny one
        Files.writeString(limit, "1");
        try {
            sync = SyncProcess.launch("-s", MEMCACHED.servers(), "-n", NAMESPACE, "--into", "/lost", src.toString());
            sync.awaitLog("watching", 60);
        } finally {
            Files.writeString(limit, saved);
        }
        try (sync) {
            sync.awaitLog("start: loaded", 60);
            Mount mount = Mount.of(MEMCACHED, NAMESPACE);
            try (mount) {
            Shell.ok(work, "mkdir t && cd t && for d in $(seq 1 10); do mkdir d$d; for f in $(seq 1 50); do : > d$d/f$f; done; done"
                    + " && tar -cf ../t.tar . && tar -C " + quote(src) + " -xf ../t.tar");
            assertSameTreeSoon(src, mount.resolve("lost"));
            assertTrue(sync.log().contains("overflowed"), sync.log());
            assertTrue(sync.log().contains("rescan after lost events: loaded"), sync.log());
            }
        }
    }

    @Test
    void sigtermFinishesAndExitsZero() {
        Path src = dir("term");
        SyncProcess sync = sync(src, "/term");
        try (sync) {
            Shell.ok(src, "printf bye > last.html");
            assertServedSoon("/term/last.html", "bye", "before SIGTERM");
            assertEquals(0, sync.terminate(), sync.log());
            assertTrue(sync.log().contains("sync stopped: "), sync.log());
        }
    }

    /**
     * A chmod through one name of a file and a new hard link to it in another directory, in
     * one batch. The load meets the directories in inode order; when the new name comes first,
     * it is linked to the name the sync saw before (outside what it has met so far), and the
     * old name, met later, is taken as a later name of the new one. Neither applied the chmod
     * then, and no later event brought it: both names kept the old mode.
     */
    @Test
    void aChmodAndANewHardLinkInOneBatchLeaveTheNewMode() {
        Path src = dir("chmodlink");
        Shell.ok(src, "mkdir d1 d2");
        boolean d1First = Long.parseLong(Shell.ok(src, "stat -c %i d1").trim())
                < Long.parseLong(Shell.ok(src, "stat -c %i d2").trim());
        String links = d1First ? "d1" : "d2";
        String files = d1First ? "d2" : "d1";
        int n = 10;
        Shell.ok(src, "for i in $(seq " + n + "); do printf $i > " + files + "/f$i && chmod 644 " + files + "/f$i; done");
        try (SyncProcess sync = sync(src, "/chmodlink"); Mount mount = Mount.of(MEMCACHED, NAMESPACE)) {
            Path there = mount.resolve("chmodlink");
            assertSameTreeSoon(src, there);
            Shell.ok(src, "for i in $(seq " + n + "); do chmod 600 " + files + "/f$i && ln " + files + "/f$i "
                    + links + "/h$i; done");
            assertSameTreeSoon(src, there);
        }
    }

    @Test
    void randomChangesEndInAnEqualNamespaceThatCheckFindsClean() throws Exception {
        Path src = dir("random");
        try (SyncProcess sync = sync(src, "/random")) {
            new RandomChanges(src, 42).run(600);
            String linked = Shell.ok(src, "find . -type f -links +1 -printf '%h\\n' | sort -u | wc -l").trim();
            assertTrue(Integer.parseInt(linked) > 1, "hard links across directories: " + linked);
            try (Mount mount = Mount.of(MEMCACHED, NAMESPACE)) {
                assertSameTreeSoon(src, mount.resolve("random"));
            }
            Shell.Result check = MemfisCli.run("check", "-s", MEMCACHED.servers(), "-n", NAMESPACE);
            assertEquals(0, check.exit(), check.out() + check.err() + "\n" + sync.log());
        }
    }

    @Test
    void badUsageIsExitTwoInOneLine() {
        Shell.Result notDir = MemfisCli.run("sync", "-s", MEMCACHED.servers(), work.resolve("nope").toString());
        assertEquals(2, notDir.exit());
        assertEquals("memfis: " + work.resolve("nope") + " is not a directory\n", notDir.err());
        Shell.Result relative = MemfisCli.run("sync", "-s", MEMCACHED.servers(), "--into", "www", work.toString());
        assertEquals(2, relative.exit());
        assertTrue(relative.err().startsWith("memfis: --into must be an absolute path"), relative.err());
    }

    private Path dir(String name) {
        try {
            return Files.createDirectory(work.resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static SyncProcess sync(Path src, String into) {
        return SyncProcess.start("-s", MEMCACHED.servers(), "-n", NAMESPACE, "--into", into, src.toString());
    }

    private static int batches(SyncProcess sync) {
        return (int) sync.log().lines().filter(l -> l.contains(" batch: ")).count();
    }

    /** Waits until nginx serves {@code content} at {@code uri} (404 when null). */
    private static void assertServedSoon(String uri, String content, String after) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Http.Response r;
        while (true) {
            r = Http.get(port, uri);
            boolean ok = content == null ? r.status() == 404 : r.status() == 200 && r.text().equals(content);
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + after + ", nginx answers " + r + " for " + uri);
            }
            sleep(50);
        }
    }

    /** Waits until the tree seen through the mount is the local one. */
    static void assertSameTreeSoon(Path expected, Path actual) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                TreeComparison.assertSameTree(expected, actual);
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            sleep(200);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
