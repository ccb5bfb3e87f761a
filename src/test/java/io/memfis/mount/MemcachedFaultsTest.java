package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fuse.MountTable;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.BackgroundMount;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * memcached failing under a mount made by the memfis command: unreachable, frozen, killed,
 * restarted empty, or one that may evict. The mount answers EIO within its timeout, logs
 * why, stays mounted, and works again when memcached is back with its data, without a
 * remount; it never takes an empty server for an empty tree.
 */
@MountTag
class MemcachedFaultsTest {

    /** One server per test: tests stop and restart it. */
    @RegisterExtension
    final MemcachedServer memcached = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    private static final int TIMEOUT_SECONDS = 1;
    /** What a failing command may take beyond the timeout: bash, FUSE and the kernel on a busy machine. */
    private static final long SLACK_MILLIS = 2000;

    /** How long the mounts trust attributes; the probes wait this out so that no cache answers them. */
    private static final long ATTR_TIMEOUT_MILLIS = 200;

    /** Commands of one failing system call each; M stands for the mount, where setUp made f, d and d/g. */
    private static final List<String> PROBES = List.of(
            "stat -c %s M/f", "cat M/f", "ls M/d", ": > M/d/new", "mkdir M/e");

    @Test
    void frozenServerGivesEioWithinTheTimeoutThenWorksAgain() throws Exception {
        try (MemfisProcess mount = mount()) {
            setUp(mount);
            memcached.pause();
            try {
                Thread.sleep(ATTR_TIMEOUT_MILLIS * 2);
                for (String probe : PROBES) {
                    assertEioInTime(mount, probe);
                }
                assertTrue(MountTable.isMemfis(mount.mountPoint()), "the mount stays");
            } finally {
                memcached.resume();
            }
            assertWorks(mount);
            assertTrue(mount.output().contains("did not answer") || mount.output().contains("no answer within"),
                    "the log says memcached did not answer:\n" + mount.output());
        }
    }

    @Test
    void killedServerGivesEioThenWorksWhenItIsBackWithItsData() throws Exception {
        try (MemfisProcess mount = mount()) {
            setUp(mount);
            Map<String, byte[]> saved = snapshot("faults");
            memcached.stop();
            Thread.sleep(ATTR_TIMEOUT_MILLIS * 2);
            for (String probe : PROBES) {
                assertEioInTime(mount, probe);
            }
            assertTrue(MountTable.isMemfis(mount.mountPoint()), "the mount stays");

            memcached.start();
            restore(saved);
            awaitWorking(mount);
            assertWorks(mount);
            assertTrue(mount.output().contains("lost; operations on its keys fail"), mount.output());
        }
    }

    @Test
    void serverRestartedEmptyIsEioNeverAnEmptyTree() throws Exception {
        // no caches, so that every command reaches memcached and could be fooled
        try (MemfisProcess mount = mount(0)) {
            setUp(mount);
            Map<String, byte[]> saved = snapshot("faults");
            memcached.stop();
            memcached.start();

            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            int rounds = 0;
            while (System.nanoTime() < until || rounds < 2) {
                for (String probe : List.of("ls M", "ls M/d", "cat M/f", "stat M/d/g", ": > M/new", "mkdir M/e", "rm M/f")) {
                    Shell.Result r = run(mount, probe);
                    assertTrue(r.exit() != 0 && r.err().contains("Input/output error"),
                            "after a restart '" + probe + "' must fail with EIO, not say: " + r);
                }
                rounds++;
            }
            assertTrue(MountTable.isMemfis(mount.mountPoint()), "the mount stays");
            assertTrue(mount.output().contains("lost its format marker"), "the log says why:\n" + mount.output());
            try (Store store = store()) {
                assertEquals(List.of(), store.keys(""), "the mount wrote nothing into the empty server");
            }

            restore(saved);
            awaitWorking(mount);
            assertWorks(mount);
            assertTrue(mount.output().contains("has its format marker again"), mount.output());
        }
    }

    @Test
    void frozenServerAtMountIsOneLineExitOneAndNoMount() throws Exception {
        Path dir = Files.createDirectory(work.resolve("frozen"));
        memcached.pause();
        try {
            long start = System.nanoTime();
            Shell.Result r = MemfisCli.run("-s", memcached.servers(), "-n", "faults",
                    "--timeout", String.valueOf(TIMEOUT_SECONDS), dir.toString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, r.exit(), r.err());
            assertOneLine(r.err(), "memfis: no memcached answers at " + memcached.servers());
            assertTrue(millis < TIMEOUT_SECONDS * 1000L + 5000, "gave up in " + millis + " ms");
            assertNothingLeft(dir);
        } finally {
            memcached.resume();
        }
    }

    @Test
    void serverThatMayEvictIsOneWarningLine() throws Exception {
        try (MemcachedServer evicting = MemcachedServer.builder().evictions(true).start();
             BackgroundMount mount = BackgroundMount.start(work, "-s", evicting.servers(), "-n", "evicting")) {
            Shell.Result r = mount.mountCommand();
            assertEquals("", r.out());
            assertOneLine(r.err(), "memfis: warning: memcached at " + evicting.servers()
                    + " may evict files under memory pressure (started without -M)");
            Shell.ok(mount.path(), "echo works > f && cat f > /dev/null");
        }
    }

    @Test
    void requireNoEvictionsRefusesSuchAServer() throws Exception {
        Path dir = Files.createDirectory(work.resolve("refused"));
        try (MemcachedServer evicting = MemcachedServer.builder().evictions(true).start()) {
            Shell.Result r = MemfisCli.run("-s", evicting.servers(), "-n", "evicting", "--require-no-evictions",
                    dir.toString());
            assertEquals(1, r.exit(), r.err());
            assertOneLine(r.err(), "memfis: memcached at " + evicting.servers() + " may evict items");
            assertNothingLeft(dir);
            try (Store store = Stores.memcached(List.of(evicting.address()), Duration.ofSeconds(2))) {
                assertEquals(List.of(), store.keys(""), "a refused mount formats nothing");
            }
        }
        // the same option with a server that never evicts mounts as usual
        try (MemfisProcess mount = MemfisProcess.mount(Files.createDirectory(work.resolve("strict")),
                "-s", memcached.servers(), "-n", "strict", "--require-no-evictions")) {
            assertTrue(MountTable.isMemfis(mount.mountPoint()));
        }
    }

    private MemfisProcess mount() throws IOException {
        return mount(ATTR_TIMEOUT_MILLIS);
    }

    private MemfisProcess mount(long attrTimeoutMillis) throws IOException {
        return MemfisProcess.mount(Files.createTempDirectory(work, "mnt-"), "-s", memcached.servers(), "-n", "faults", "--timeout", String.valueOf(TIMEOUT_SECONDS),
                "--attr-timeout", String.valueOf(attrTimeoutMillis / 1000.0));
    }

    private static void setUp(MemfisProcess mount) {
        Shell.ok(mount.mountPoint(), "printf 'content of f' > f && mkdir d && printf 'content of g' > d/g");
    }

    /** The files of {@link #setUp} read back, something new can be made, by the same server process. */
    private static void assertWorks(MemfisProcess mount) {
        assertEquals("content of f|content of g", Shell.ok(mount.mountPoint(), "cat f; printf '|'; cat d/g"));
        Shell.ok(mount.mountPoint(), "mkdir -p again && printf x > again/new && rm -r again");
        assertTrue(mount.isAlive() && MountTable.isMemfis(mount.mountPoint()), "the same mount serves");
    }

    private static void assertEioInTime(MemfisProcess mount, String probe) {
        long start = System.nanoTime();
        Shell.Result r = run(mount, probe);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(r.exit() != 0 && r.err().contains("Input/output error"), probe + " must fail with EIO: " + r);
        assertTrue(millis <= TIMEOUT_SECONDS * 1000L + SLACK_MILLIS,
                probe + " took " + millis + " ms to fail, the timeout is " + TIMEOUT_SECONDS + " s");
    }

    /** Runs a probe from outside the mount (a working directory inside could not even be entered). */
    private static Shell.Result run(MemfisProcess mount, String probe) {
        Path mp = mount.mountPoint();
        String quoted = java.util.regex.Matcher.quoteReplacement("'" + mp + "'");
        return Shell.run(mp.getParent(), probe.replaceAll("\\bM\\b", quoted), 60);
    }

    private static void awaitWorking(MemfisProcess mount) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (run(mount, "cat M/f M/d/g > /dev/null").exit() != 0) {
            if (System.nanoTime() > deadline) {
                fail("the mount did not work again within 20 s of memcached being back:\n" + mount.output());
            }
            Thread.sleep(100);
        }
    }

    private Store store() {
        return Stores.memcached(List.of(memcached.address()), Duration.ofSeconds(2));
    }

    /** Every item of the namespace, as a memcached with a memory file (-e) would keep them. */
    private Map<String, byte[]> snapshot(String namespace) {
        try (Store store = store()) {
            Map<String, byte[]> all = new HashMap<>();
            store.await(store.getAll(store.keys("memfis://" + namespace))).forEach((k, v) -> all.put(k, v.value()));
            assertTrue(all.containsKey("memfis://" + namespace + "%format"), "snapshot holds the marker: " + all.keySet());
            return all;
        }
    }

    private void restore(Map<String, byte[]> items) {
        try (Store store = store()) {
            items.forEach((k, v) -> store.await(store.set(k, v)));
        }
    }

    private static void assertNothingLeft(Path dir) {
        assertFalse(MountTable.isMemfis(dir), "no mount left behind");
        assertTrue(BackgroundMount.servingProcess(dir).isEmpty(), "no memfis process left behind");
    }

    static void assertOneLine(String err, String expected) {
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1, "exactly one line: " + err);
        assertTrue(err.startsWith(expected), "expected '" + expected + "...' but got: " + err);
    }
}
