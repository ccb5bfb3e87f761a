package io.memfis.nginx;

import io.memfis.testing.NginxTag;
import io.memfis.testing.Preload;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several sites in one memcached, and one site over several memcached servers. */
@NginxTag
class NginxSitesTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @Test
    void twoNamespacesInOneMemcachedServeTwoSitesOnTwoServerNames() {
        int port = Ports.free();
        try (Nginx nginx = Nginx.start(config("a.example", "--listen", "127.0.0.1:" + port)
                + config("b.example", "--listen", "127.0.0.1:" + port))) {
            assertEquals("site a\n", Http.request(port, "GET", "a.example", "/index.html").text());
            assertEquals("site b\n", Http.request(port, "GET", "b.example", "/index.html").text());
            assertEquals("site b\n", Http.request(port, "GET", "b.example", "/").text());
            assertEquals("only in a\n", Http.request(port, "GET", "a.example", "/only-a.txt").text());
            assertEquals(404, Http.request(port, "GET", "b.example", "/only-a.txt").status());
        }
    }

    /** The $host variant the configuration's comments describe: one server block, the namespace from the Host header. */
    @Test
    void oneServerBlockServesTheNamespaceTheHostNames() {
        int port = Ports.free();
        String config = config("a.example", "--listen", "127.0.0.1:" + port, "--server-name", "a.example,b.example")
                .replace("\"memfis://a.example$uri\"", "\"memfis://$host$uri\"")
                .replace("\"memfis://a.example${uri}index.html\"", "\"memfis://$host${uri}index.html\"");
        assertTrue(config.contains("memfis://$host${uri}index.html"), config);
        try (Nginx nginx = Nginx.start(config)) {
            assertEquals("site a\n", Http.request(port, "GET", "a.example", "/").text());
            assertEquals("site b\n", Http.request(port, "GET", "B.Example:" + port, "/index.html").text());
            assertEquals(404, Http.request(port, "GET", "c.example", "/index.html").status());
        }
    }

    /**
     * memfis puts each key on the server that nginx's {@code hash $memcached_key} picks: with
     * three servers, nginx finds every file, and every server holds some of them.
     */
    @Test
    void withSeveralMemcachedServersNginxAsksTheOneMemfisStoredEachFileOn() {
        try (MemcachedServer second = MemcachedServer.withDefaults().start();
             MemcachedServer third = MemcachedServer.withDefaults().start()) {
            List<MemcachedServer> servers = List.of(MEMCACHED, second, third);
            Map<String, String> files = new LinkedHashMap<>();
            for (int i = 0; i < 60; i++) {
                files.put("/d" + (i % 4) + "/file " + i + (i % 3 == 0 ? " 100%" : "") + (i % 5 == 0 ? " é" : "") + ".txt",
                        "content " + i + "\n");
            }
            String spec = String.join(",", servers.stream().map(MemcachedServer::servers).toList());
            load("spread", servers.stream().map(MemcachedServer::address).toList(),
                    fs -> files.forEach((path, content) -> Preload.file(fs, path, content)));

            int port = Ports.free();
            String config = MemfisCli.inProcess("nginx-config", "-n", "spread", "-s", spec, "--listen", "127.0.0.1:" + port)
                    .ok().out();
            try (Nginx nginx = Nginx.start(config)) {
                assertAll(files.entrySet().stream().map(f -> () -> {
                    Http.Response r = Http.get(port, TestSite.uri(f.getKey().substring(1)));
                    assertEquals(f.getValue(), r.text(), f.getKey());
                    assertNull(r.header("ETag"));
                }));
            }
            for (MemcachedServer server : servers) {
                try (Store alone = Stores.memcached(List.of(server.address()), Duration.ofSeconds(2))) {
                    long held = files.keySet().stream()
                            .filter(p -> alone.await(alone.get(Keys.of("spread").content(p))) != null)
                            .count();
                    assertTrue(held > 0 && held < files.size(), server.servers() + " holds " + held + " files");
                }
            }
        }
    }

    @BeforeAll
    static void loadSites() {
        load("a.example", List.of(MEMCACHED.address()), fs -> {
            Preload.file(fs, "/index.html", "site a\n");
            Preload.file(fs, "/only-a.txt", "only in a\n");
        });
        load("b.example", List.of(MEMCACHED.address()), fs -> Preload.file(fs, "/index.html", "site b\n"));
    }

    private static void load(String namespace, List<InetSocketAddress> servers, Consumer<MemFs> files) {
        try (Store store = Stores.memcached(servers, Duration.ofSeconds(2));
             MemFs fs = MemFs.open(store, FsOptions.defaults(namespace).withHealthInterval(Duration.ZERO))) {
            files.accept(fs);
        }
    }

    private static String config(String namespace, String... options) {
        List<String> args = new ArrayList<>(List.of("nginx-config", "-n", namespace, "-s", MEMCACHED.servers()));
        args.addAll(List.of(options));
        return MemfisCli.inProcess(args.toArray(String[]::new)).ok().out();
    }
}
