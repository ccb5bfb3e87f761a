package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import static io.memfis.mount.TreeComparison.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Writes that fail, on a memcached that fills up ({@code -m 64 -M}) or stops answering:
 * the mount that stored parts for them deletes them, so that the space comes back and
 * {@code memfis check} finds nothing left behind.
 */
@MountTag
class FailedWritesTest {

    @TempDir
    Path work;

    @Test
    void aCopyThatFillsMemcachedLeavesNothingAndRmGivesTheSpaceBack() throws Exception {
        Shell.ok(work, "head -c 100M /dev/urandom > too-large && head -c 10M /dev/urandom > ten");
        try (MemcachedServer memcached = MemcachedServer.builder().memoryMb(64).evictions(false).start();
             MemfisProcess mount = MemfisProcess.mount(Files.createDirectory(work.resolve("mnt")),
                     "-s", memcached.servers(), "-n", "full")) {
            String m = quote(mount.mountPoint());
            Shell.Result cp = Shell.run(work, "cp too-large " + m + "/");
            assertNotEquals(0, cp.exit(), cp.toString());
            assertTrue(cp.err().contains("No space left on device"), cp.toString());
            assertEquals("0\n", Shell.ok(work, "stat -c %s " + m + "/too-large"), "the file keeps its stored size");

            // the release that deletes the parts comes after cp has returned
            awaitNoParts(memcached, "full");
            assertClean(memcached, "full");

            Shell.ok(work, "rm " + m + "/too-large && cp ten " + m + "/ && cmp ten " + m + "/ten");
            assertClean(memcached, "full");
            Shell.ok(work, "rm " + m + "/ten");
            awaitNoParts(memcached, "full");
            // more than memcached holds, one file at a time: rm gives the space back each time
            Shell.ok(work, "for i in 1 2 3 4 5 6 7 8; do cp ten " + m + "/ten$i && rm " + m + "/ten$i; done");
            awaitNoParts(memcached, "full");
            assertClean(memcached, "full");
        }
    }

    @Test
    void aWriteToAMemcachedThatStopsAnsweringLeavesNothingOnceItAnswers() throws Exception {
        Shell.ok(work, "head -c 40M /dev/urandom > data");
        try (MemcachedServer memcached = MemcachedServer.builder().start();
             MemfisProcess mount = MemfisProcess.mount(Files.createDirectory(work.resolve("mnt")),
                     "-s", memcached.servers(), "-n", "frozen", "--timeout", "1")) {
            String m = quote(mount.mountPoint());
            // one slow writer, so that the server can be frozen in the middle of the copy
            CompletableFuture<Shell.Result> copy = CompletableFuture.supplyAsync(() -> Shell.run(work,
                    "python3 -c \"import sys, time\n"
                            + "with open('data', 'rb') as src, open(sys.argv[1], 'wb') as dst:\n"
                            + "    for chunk in iter(lambda: src.read(1 << 20), b''):\n"
                            + "        dst.write(chunk); dst.flush(); time.sleep(0.05)\n\" " + m + "/f", 120));
            awaitTrue(() -> parts(memcached, "frozen").size() >= 5, "the copy to store a few parts");
            memcached.pause();
            Shell.Result r;
            try {
                r = copy.get();
            } finally {
                memcached.resume();
            }
            assertNotEquals(0, r.exit(), "the copy fails while memcached does not answer: " + r);
            assertEquals("0\n", Shell.ok(work, "stat -c %s " + m + "/f"), "the file keeps its stored size");
            awaitNoParts(memcached, "frozen");
            assertClean(memcached, "frozen");
        }
    }

    private static void awaitNoParts(MemcachedServer memcached, String namespace) throws InterruptedException {
        awaitTrue(() -> parts(memcached, namespace).isEmpty(), "no parts in memcached");
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited 30 s for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static List<String> parts(MemcachedServer memcached, String namespace) {
        try (Store store = Stores.memcached(List.of(memcached.address()), Duration.ofSeconds(2))) {
            String prefix = Keys.of(namespace).dataPart(0, 0).replaceFirst("%data\\..*", "%data.");
            return store.keys(prefix);
        }
    }

    private static void assertClean(MemcachedServer memcached, String namespace) {
        Shell.Result check = MemfisCli.run("check", "-s", memcached.servers(), "-n", namespace);
        assertEquals(0, check.exit(), "memfis check finds nothing wrong: " + check);
    }
}
