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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --hash consistent}: a site loaded over three or four memcached servers (with
 * weights) is served whole by a real nginx with the upstream {@code memfis nginx-config
 * --hash consistent} prints, with no fallback: a file nginx looked for on another server
 * than memfis stored it on would be a 404.
 */
@NginxTag
class NginxConsistentHashTest {

    @TempDir
    Path dir;

    /** Weights as HOST:PORT:WEIGHT; "1" is left out as in nginx. */
    @ParameterizedTest
    @ValueSource(strings = {"1,1,1", "2,1,3,1"})
    void everyServableFileIsServedFromTheServerMemfisPutItOn(String weights) throws IOException {
        String[] w = weights.split(",");
        try (MemcachedPool servers = MemcachedPool.start(w.length)) {
            List<String> spec = new ArrayList<>();
            for (int i = 0; i < w.length; i++) {
                spec.add(servers.get(i).servers() + (w[i].equals("1") ? "" : ":" + w[i]));
            }
            String pool = String.join(",", spec);
            TestSite site = TestSite.write(Files.createDirectory(dir.resolve("site")));
            assertEquals(0, MemfisCli.inProcess("load", site.root.toString(), "-n", "ring", "-s", pool, "--hash", "consistent").exit());

            int port = Ports.free();
            String config = MemfisCli.inProcess("nginx-config", "-n", "ring", "-s", pool, "--hash", "consistent",
                    "--listen", "127.0.0.1:" + port).ok().out();
            assertTrue(config.contains("hash $memcached_key consistent;"), config);
            if (!weights.equals("1,1,1")) {
                assertTrue(config.contains("server " + servers.get(0).servers() + " weight=2;"), config);
            }
            try (Nginx nginx = Nginx.start(config)) {
                assertAll(site.servable.entrySet().stream().map(f -> () -> {
                    Http.Response r = Http.get(port, TestSite.uri(f.getKey()));
                    assertEquals(200, r.status(), f.getKey() + ": " + r);
                    assertArrayEquals(f.getValue(), r.body(), f.getKey());
                    assertNull(r.header("ETag"), f.getKey());
                }));
            }
            // the keys really are spread: every server holds some of the files, and each file is on one server
            int[] held = new int[w.length];
            for (String file : site.servable.keySet()) {
                int on = 0;
                for (int i = 0; i < w.length; i++) {
                    try (Store alone = Stores.memcached(List.of(servers.get(i).address()), Duration.ofSeconds(2))) {
                        if (alone.await(alone.get(Keys.of("ring").content("/" + file))) != null) {
                            held[i]++;
                            on++;
                        }
                    }
                }
                assertEquals(1, on, file);
            }
            // a weight-1 server of 2,1,3,1 may hold none of some 27 files (the ports, hence the ring, vary):
            // that nginx found every file on the server memfis chose is proven above once two servers hold some
            assertTrue(Arrays.stream(held).filter(n -> n > 0).count() >= 2,
                    "files spread over " + Arrays.toString(held));
        }
    }
}
