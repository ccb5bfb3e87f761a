package io.memfis.mount;

import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.Mount;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mount serves on threads of the JVM (named memfis-fuse-N), which all end when the mount
 * does. One thread reads requests while they are quick; a request that waits (here an
 * fsync while memcached does not answer) does not hold up another process's requests.
 */
@MountTag
class FuseThreadsTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    /** 18 reads and 18 stats, each a process of its own, in the current directory. */
    private static final String READS = "for i in $(seq 3 20); do cat f$i; stat -c %s f$i; done";

    @TempDir
    Path work;

    private static long servingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("memfis-fuse-") && t.isAlive()).count();
    }

    @Test
    void requestsAreServedOnJvmThreadsThatEndWithTheMount() throws InterruptedException {
        try (Mount m = Mount.of(MEMCACHED, "threads")) {
            Shell.ok(m.path(), "mkdir d && for i in $(seq 40); do echo $i > d/f$i; done");
            String sums = Shell.ok(m.path(), "for j in $(seq 12); do (cat d/* | wc -c) & done; wait");
            assertEquals(12, sums.lines().filter(l -> l.trim().equals("111")).count(), sums);
            assertTrue(servingThreads() >= 1, "threads serving: " + servingThreads());
            m.unmount();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (servingThreads() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, servingThreads(), "threads left after the unmount");
        }
    }

    @Test
    void aRequestThatWaitsDoesNotHoldUpAnotherProcesssRequests() throws Exception {
        Path m = Files.createDirectory(work.resolve("m"));
        try (MemfisProcess mount = MemfisProcess.mount(m, "-s", MEMCACHED.servers(), "-n", "slow", "-o", "writeback",
                "--timeout", "1", "--attr-timeout", "60")) {
            Shell.ok(work, "mkdir m/d && echo one > m/d/f1");
            // what the reads below take on a local disk: bash, cat and stat alone, on a machine maybe busy
            Shell.ok(work, "mkdir local && for i in $(seq 3 20); do echo $i > local/f$i; done");
            long local = millisOf(() -> Shell.ok(work.resolve("local"), READS));
            MEMCACHED.pause();
            CompletableFuture<Shell.Result> sync;
            try {
                Shell.ok(work, "for i in $(seq 2 20); do echo $i > m/d/f$i; done");
                // waits until memcached stores what is queued: resumed below
                sync = CompletableFuture.supplyAsync(() -> Shell.run(work, "sync m/d/f2", 120));
                Thread.sleep(300); // nothing tells that the fsync reached the mount but its answer, which must not come yet
                String[] read = new String[1];
                long millis = millisOf(() -> read[0] = Shell.ok(work.resolve("m/d"), READS));
                assertEquals(36, read[0].lines().count(), read[0]);
                // held up behind the fsync, they would wait for memcached: a timeout (1 s) each, or until it is back
                assertTrue(millis < 2000 + 3 * local, "18 cats and stats behind a waiting fsync took " + millis
                        + " ms, on a local disk " + local + " ms");
                assertFalse(sync.isDone(), "the fsync waits for memcached: " + (sync.isDone() ? sync.get() : ""));
            } finally {
                MEMCACHED.resume();
            }
            assertEquals(0, sync.get(120, TimeUnit.SECONDS).exit(), sync.get().toString());
            mount.unmount();
            assertEquals(0, mount.exitCode(), mount.output());
        }
    }

    private static long millisOf(Runnable command) {
        long start = System.nanoTime();
        command.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
