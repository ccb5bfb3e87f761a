package io.memfis.nginx;

import io.memfis.testing.NginxTag;
import io.memfis.testing.Preload;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both fallbacks of the generated configuration, side by side in one nginx: one server
 * block passes what memcached cannot serve to an application (a third server block that
 * answers with a marker), the other serves it from the site on disk. Each test has a
 * memcached of its own, since some stop it.
 */
@NginxTag
class NginxFallbackTest {

    /** One namespace per server block: each has its own upstream block, named after it. */
    private static final List<String> NAMESPACES = List.of("app.test", "disk.test");
    private static final Map<String, String> SITE = Map.of(
            "/index.html", "<h1>home</h1>\n",
            "/docs/index.html", "<h1>docs</h1>\n",
            "/style.css", "body {}\n");

    @RegisterExtension
    final MemcachedServer memcached = MemcachedServer.withDefaults();

    @TempDir
    Path disk;

    private Nginx nginx;
    private int appPort;
    private int diskPort;

    @BeforeEach
    void serve() throws IOException {
        for (Map.Entry<String, String> f : SITE.entrySet()) {
            Path p = disk.resolve(f.getKey().substring(1));
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        Files.writeString(disk.resolve("big.bin"), "large on disk\n");
        preload();
        int marker = Ports.free();
        appPort = Ports.free();
        diskPort = Ports.free();
        nginx = Nginx.start(config("app.test", "--listen", "127.0.0.1:" + appPort, "--fallback-url", "http://127.0.0.1:" + marker)
                + config("disk.test", "--listen", "127.0.0.1:" + diskPort, "--fallback-root", disk.toString())
                + """
                server {
                    listen 127.0.0.1:%d;
                    location / { return 200 "application: $request_method $request_uri\\n"; }
                }
                """.formatted(marker));
    }

    @AfterEach
    void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void whatMemcachedCannotServeGoesToTheApplicationAsTheClientSentIt() {
        assertEquals("<h1>home</h1>\n", Http.get(appPort, "/index.html").text());
        assertEquals("application: GET /missing.html?page=2\n", Http.get(appPort, "/missing.html?page=2").text());
        assertEquals("application: GET /big.bin\n", Http.get(appPort, "/big.bin").text());
        assertEquals("application: GET /latest\n", Http.get(appPort, "/latest").text());
        assertEquals("application: GET /docs\n", Http.get(appPort, "/docs").text(), "no slash: the application decides");
        Http.Response post = Http.request(appPort, "POST", "localhost", "/index.html", "Content-Length: 0");
        assertEquals("application: POST /index.html\n", post.text());
        Http.Response longKey = Http.get(appPort, "/" + "k".repeat(300));
        assertEquals("application: GET /" + "k".repeat(300) + "\n", longKey.text(), "memcached refuses the key: 502");
    }

    @Test
    void withMemcachedStoppedRequestsGetTheFallbacksAnswerAndNginxStaysUp() {
        memcached.stop();
        for (int i = 0; i < 10; i++) {
            assertEquals("application: GET /index.html\n", Http.get(appPort, "/index.html").text());
            assertEquals("application: GET /docs/\n", Http.get(appPort, "/docs/").text());
            Http.Response fromDisk = Http.get(diskPort, "/docs/");
            assertEquals("<h1>docs</h1>\n", fromDisk.text());
            assertNotNull(fromDisk.header("ETag"), "from disk: " + fromDisk);
        }
        assertTrue(nginx.isAlive());

        memcached.start(); // empty, as a restarted memcached is
        assertEquals("application: GET /index.html\n", Http.get(appPort, "/index.html").text());
        preload();
        Http.Response again = Http.get(appPort, "/index.html");
        assertEquals("<h1>home</h1>\n", again.text());
        assertNull(again.header("ETag"));
        assertTrue(nginx.isAlive(), nginx.errorLog());
    }

    @Test
    void aMemcachedThatDoesNotAnswerIsGivenUpOnWithinTheReadTimeout() {
        memcached.pause();
        long start = System.nanoTime();
        assertEquals("<h1>home</h1>\n", Http.get(diskPort, "/index.html").text());
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        // after memcached_read_timeout (2s), long before nginx's default of 60 s
        assertTrue(millis >= 1900 && millis < 10_000, "answered after " + millis + " ms");
        assertTrue(nginx.errorLog().contains("upstream timed out"), nginx.errorLog());
    }

    /** The site, and what nginx cannot serve: a file larger than one item, a symlink. */
    private void preload() {
        for (String namespace : NAMESPACES) {
            try (Store store = Stores.memcached(List.of(memcached.address()), Duration.ofSeconds(2));
                 MemFs fs = MemFs.open(store, FsOptions.defaults(namespace).withHealthInterval(Duration.ZERO))) {
                SITE.forEach((path, content) -> Preload.file(fs, path, content));
                Preload.file(fs, "/big.bin", new byte[fs.format().partSize() + 1]);
                fs.symlink("index.html", "/latest", 0, 0);
            }
        }
    }

    private String config(String namespace, String... options) {
        List<String> args = new ArrayList<>(List.of("nginx-config", "-n", namespace, "-s", memcached.servers()));
        args.addAll(List.of(options));
        return MemfisCli.inProcess(args.toArray(String[]::new)).ok().out();
    }
}
