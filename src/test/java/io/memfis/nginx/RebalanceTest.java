package io.memfis.nginx;

import io.memfis.testing.NginxTag;
import io.memfis.layout.Keys;
import io.memfis.store.Hash;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedPool;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import io.memfis.tools.Rebalance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three consistent-hash servers to four, some items gzip-compressed: a dry run counts about a quarter of the keys, a
 * rebalance killed after its first batch is completed by a second run, nginx serves every
 * file with the old upstream and then with the new one, check is clean, and --finish leaves
 * each key on its new server only.
 */
@NginxTag
class RebalanceTest {

    private static final String NS = "grow";
    private static final String LONG_PAGE = "<p>a page that gzip shrinks</p>\n".repeat(500);

    @TempDir
    Path dir;

    @Test
    void threeServersToFour() throws Exception {
        try (MemcachedPool servers = MemcachedPool.start(4)) {
            String three = servers.spec(3);
            String four = servers.spec();
            TestSite site = TestSite.write(Files.createDirectory(dir.resolve("site")));
            Shell.ok(site.root, "mkdir many && for i in $(seq 1 1200); do echo $i > many/f$i.txt; done");
            // 40 pages: some land on keys that move (each stays with chance 3/4)
            for (int i = 0; i < 40; i++) {
                Files.writeString(site.root.resolve("long" + i + ".html"), LONG_PAGE);
            }
            // --gzip: compressed items must keep their flag on their new server, or nginx sends gzip as is
            assertEquals(0, MemfisCli.inProcess("load", site.root.toString(), "-n", NS, "-s", three, "--hash", "consistent",
                    "--gzip").exit());

            Shell.Result dry = MemfisCli.inProcess("rebalance", "-n", NS, "-s", three, "--to", four, "--hash", "consistent",
                    "--dry-run");
            assertEquals(0, dry.exit(), dry.err());
            Matcher m = Pattern.compile("would move (\\d+) of (\\d+) keys").matcher(dry.err());
            assertTrue(m.find(), dry.err());
            double fraction = Double.parseDouble(m.group(1)) / Double.parseDouble(m.group(2));
            assertTrue(fraction > 0.12 && fraction < 0.4, "moved " + fraction + ": " + dry.err());
            assertTrue(dry.out().lines().allMatch(l -> l.contains(" -> " + servers.get(3).servers() + ": ")), dry.out());

            // killed after its first batch: nothing recorded yet, the second run completes it
            try (Store from = Stores.memcached(Stores.parsePool(three, Hash.CONSISTENT), Duration.ofSeconds(2));
                 Store to = Stores.memcached(Stores.parsePool(four, Hash.CONSISTENT), Duration.ofSeconds(2))) {
                assertThrows(IllegalStateException.class, () -> Rebalance.of(from, to, Keys.of(NS)).run(line -> {
                    throw new IllegalStateException("killed");
                }));
            }
            Shell.Result refusedEarly = MemfisCli.inProcess("check", "-n", NS, "-s", four, "--hash", "consistent");
            assertEquals(2, refusedEarly.exit(), "the new list is not recorded yet: " + refusedEarly.err());
            Shell.Result run = MemfisCli.inProcess("rebalance", "-n", NS, "-s", three, "--to", four, "--hash", "consistent");
            assertEquals(0, run.exit(), run.err());

            // both upstreams serve everything between the copy and the finish
            for (String pool : List.of(three, four)) {
                serveAll(site, pool);
            }
            assertEquals(0, MemfisCli.inProcess("check", "-n", NS, "-s", four, "--hash", "consistent").exit());
            assertEquals(1, MemfisCli.run("-n", NS, "-s", three, "--hash", "consistent",
                    Files.createDirectory(dir.resolve("old")).toString()).exit(), "the old list is refused now");

            Shell.Result finish = MemfisCli.inProcess("rebalance", "-n", NS, "-s", three, "--to", four,
                    "--hash", "consistent", "--finish");
            assertEquals(0, finish.exit(), finish.err());
            serveAll(site, four);
            Shell.Result check = MemfisCli.inProcess("check", "-n", NS, "-s", four, "--hash", "consistent");
            assertEquals(0, check.exit(), check.out() + check.err());
            try (Store pool = Stores.memcached(Stores.parsePool(four, Hash.CONSISTENT), Duration.ofSeconds(2))) {
                for (int i = 0; i < 4; i++) {
                    try (Store alone = Stores.memcached(List.of(servers.get(i).address()), Duration.ofSeconds(2))) {
                        for (String key : alone.keys("memfis://" + NS)) {
                            assertTrue(key.endsWith("%pool") || pool.serverOf(key) == i, key + " left on server " + i);
                        }
                    }
                }
            }
        }
    }

    private static void serveAll(TestSite site, String pool) {
        int port = Ports.free();
        String config = MemfisCli.inProcess("nginx-config", "-n", NS, "-s", pool, "--hash", "consistent",
                "--listen", "127.0.0.1:" + port).ok().out();
        try (Nginx nginx = Nginx.start(config)) {
            assertAll(site.servable.entrySet().stream().map(f -> () -> {
                Http.Response r = Http.get(port, TestSite.uri(f.getKey()));
                assertEquals(200, r.status(), pool + " " + f.getKey());
                assertArrayEquals(f.getValue(), r.body(), f.getKey());
            }));
            for (int i = 0; i < 40; i++) {
                assertEquals(LONG_PAGE, Http.get(port, "/long" + i + ".html").text(), pool + " /long" + i + ".html (compressed)");
            }
            for (int i = 1; i <= 1200; i += 7) {
                assertEquals(i + "\n", Http.get(port, "/many/f" + i + ".txt").text(), pool + " /many/f" + i);
            }
        }
    }
}
