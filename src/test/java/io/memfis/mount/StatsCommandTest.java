package io.memfis.mount;

import io.memfis.testing.MountTag;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.BackgroundMount;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** memfis stats on a mount doing real work: the counters grow with it, and nothing of them shows in the namespace. */
@MountTag
class StatsCommandTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void countersGrowWithWorkOnTheMount() throws Exception {
        // what a mount killed with -9 leaves: a socket file nobody listens on
        Path dead = Path.of("/run/memfis/dead-" + ProcessHandle.current().pid() + ".sock");
        Files.createDirectories(dead.getParent());
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(dead));
        }
        try (BackgroundMount m = BackgroundMount.start(work, "-s", MEMCACHED.servers(), "-n", "statsns")) {
            Path mp = m.path();
            assertFalse(Files.exists(dead), "the next mount removes dead sockets");
            JsonNode before = sample(mp);
            assertEquals(mp.toString(), before.path("mount").asText());
            assertEquals("statsns@" + MEMCACHED.servers(), before.path("source").asText());

            Shell.ok(mp, "head -c 3000000 /dev/urandom > big && mkdir d && for i in 1 2 3 4 5; do echo $i > d/f$i; done"
                    + " && cat big > /dev/null && ls -l d > /dev/null && rm d/f1");
            JsonNode after = sample(mp);
            assertTrue(total(after, "write") > total(before, "write"), after.toString());
            assertTrue(total(after, "create") >= total(before, "create") + 6, after.toString());
            assertTrue(total(after, "unlink") == total(before, "unlink") + 1, after.toString());
            assertTrue(after.path("bytes_written").asLong() >= before.path("bytes_written").asLong() + 3_000_000, after.toString());
            assertTrue(after.path("memcached").path("requests").asLong() > before.path("memcached").path("requests").asLong() + 10);
            assertEquals(0, after.path("memcached").path("errors").asLong());
            long names = after.path("cache").path("names").path("hits").asLong() + after.path("cache").path("names").path("misses").asLong();
            assertTrue(names > 0, after.toString());
            assertEquals(0, after.path("open_files").asLong(), after.toString());
            assertTrue(after.path("ops").path("getattr").path("mean_us").asDouble() >= 0);

            // a file held open shows as open, and its reads as bytes read
            Process holder = new ProcessBuilder("sh", "-c", "exec 3<big; cat <&3 >/dev/null; sleep 60").directory(mp.toFile()).start();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                JsonNode open = sample(mp);
                while (open.path("open_files").asLong() < 1 || open.path("bytes_read").asLong() < 3_000_000) {
                    assertTrue(System.nanoTime() < deadline, open.toString());
                    open = sample(mp);
                }
            } finally {
                holder.destroy();
                holder.waitFor();
            }

            // text, for a terminal
            Shell.Result text = MemfisCli.run("stats", "--once", mp.toString());
            assertEquals(0, text.exit(), text.err());
            assertTrue(text.out().contains("write") && text.out().contains("memcached") && text.out().contains("open files"), text.out());

            // nothing of it in the namespace: the mount's root lists what the work left, the store holds no other name
            assertEquals(List.of("big", "d"), Shell.ok(mp, "ls -A").lines().toList());
            try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(3))) {
                List<String> keys = store.keys("memfis://statsns/");
                var paths = java.util.Set.of("/", "/big", "/d", "/d/f2", "/d/f3", "/d/f4", "/d/f5");
                assertTrue(keys.stream().map(k -> k.substring("memfis://statsns".length()).split("%")[0]).allMatch(paths::contains),
                        keys.toString());
            }
        }
    }

    @Test
    void prometheusTextOnTheMetricsAddress() throws Exception {
        int port = Ports.free();
        try (BackgroundMount m = BackgroundMount.start(work, "-s", MEMCACHED.servers(), "-n", "metricsns",
                "--metrics", "127.0.0.1:" + port)) {
            Shell.ok(m.path(), "for i in 1 2 3; do echo $i > f$i; done && cat f1 f2 f3 > /dev/null");
            String text = Shell.ok(work, "curl -sf http://127.0.0.1:" + port + "/metrics");
            assertTrue(text.contains("# TYPE memfis_fuse_operations_total counter\n"), text);
            assertTrue(text.lines().anyMatch(l -> l.equals("memfis_fuse_operations_total{op=\"create\"} 3")), text);
            long requests = text.lines().filter(l -> l.startsWith("memfis_memcached_requests_total "))
                    .mapToLong(l -> Long.parseLong(l.split(" ")[1])).findFirst().orElseThrow();
            assertTrue(requests > 3, text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("memfis_cache_lookups_total{cache=\"names\",result=\"hit\"} ")), text);
        }
        Shell.Result bad = MemfisCli.run("-s", MEMCACHED.servers(), "--metrics", "nowhere", work.toString());
        assertEquals(2, bad.exit());
        assertEquals("memfis: --metrics nowhere: expected ADDRESS:PORT\n", bad.err());
    }

    @Test
    void aDirectoryThatIsNoMountIsOneLine() throws Exception {
        Shell.Result r = MemfisCli.run("stats", "--once", work.toString());
        assertEquals(1, r.exit());
        assertEquals("memfis: no memfis mount at " + work + "\n", r.err());
    }

    private static JsonNode sample(Path mp) throws Exception {
        Shell.Result r = MemfisCli.run("stats", "--once", "--json", mp.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        return JSON.readTree(r.out());
    }

    private static long total(JsonNode sample, String op) {
        return sample.path("ops").path(op).path("total").asLong();
    }
}
