package io.memfis.mount;

import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mount serves on threads of the JVM (named memfis-fuse-N), more of them while many
 * requests are in flight, and they all end when the mount does.
 */
@MountTag
class FuseThreadsTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

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
            assertTrue(servingThreads() >= 2, "threads serving: " + servingThreads());
            m.unmount();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (servingThreads() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, servingThreads(), "threads left after the unmount");
        }
    }
}
