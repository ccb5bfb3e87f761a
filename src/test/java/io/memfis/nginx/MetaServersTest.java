package io.memfis.nginx;

import io.memfis.testing.NginxTag;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedPool;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --meta-servers}: records, listings and counters on two servers of their own, content
 * on the two nginx reads; nginx serves every file from the content pool; check and where
 * follow the split, and a command without it is refused.
 */
@NginxTag
class MetaServersTest {

    private static final String NS = "split";

    @TempDir
    Path dir;

    @Test
    void metadataLivesApartAndNginxServesFromTheContentPool() throws Exception {
        try (MemcachedPool servers = MemcachedPool.start(4)) {
            String meta = servers.get(0).servers() + "," + servers.get(1).servers();
            String content = servers.get(2).servers() + "," + servers.get(3).servers();
            TestSite site = TestSite.write(Files.createDirectory(dir.resolve("site")));
            List<String> pools = List.of("-n", NS, "-s", content, "--meta-servers", meta, "--hash", "consistent");
            assertEquals(0, cli("load", site.root.toString(), pools).exit());

            for (int i = 0; i < 4; i++) {
                boolean isMeta = i < 2;
                try (Store alone = Stores.memcached(List.of(servers.get(i).address()), Duration.ofSeconds(2))) {
                    List<String> keys = alone.keys("memfis://" + NS);
                    assertFalse(keys.isEmpty(), "server " + i + " holds keys");
                    for (String key : keys) {
                        assertTrue(key.endsWith("%pool") || Keys.isContent(key) != isMeta,
                                key + " on a " + (isMeta ? "metadata" : "content") + " server");
                    }
                }
            }

            int port = Ports.free();
            String config = MemfisCli.inProcess("nginx-config", "-n", NS, "-s", content, "--hash", "consistent",
                    "--listen", "127.0.0.1:" + port).ok().out();
            try (Nginx nginx = Nginx.start(config)) {
                assertAll(site.servable.entrySet().stream().map(f -> () -> {
                    Http.Response r = Http.get(port, TestSite.uri(f.getKey()));
                    assertEquals(200, r.status(), f.getKey());
                    assertArrayEquals(f.getValue(), r.body(), f.getKey());
                }));
            }

            Shell.Result check = cli("check", null, pools);
            assertEquals(0, check.exit(), check.out() + check.err());
            Shell.Result where = cli("where", "/index.html", pools);
            assertEquals(0, where.exit(), where.err());
            assertTrue(where.out().lines().anyMatch(l -> l.contains("\trecord\t") && meta.contains(l.split("\t")[2])),
                    where.out());
            assertTrue(where.out().lines().anyMatch(l -> l.contains("\tcontent\t") && content.contains(l.split("\t")[2])),
                    where.out());

            Shell.Result without = MemfisCli.inProcess("check", "-n", NS, "-s", content, "--hash", "consistent");
            assertEquals(2, without.exit(), without.err());
            assertTrue(without.err().contains("--meta-servers " + meta), without.err());
        }
    }

    private static Shell.Result cli(String command, String arg, List<String> pools) {
        List<String> args = new ArrayList<>(List.of(command));
        if (arg != null) {
            args.add(arg);
        }
        args.addAll(pools);
        return MemfisCli.inProcess(args.toArray(String[]::new));
    }
}
