package io.memfis.nginx;

import io.memfis.testing.NginxTag;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import io.memfis.testing.Preload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The output of {@code memfis nginx-config}, saved in a directory of its own and included
 * from the http block of an nginx started with another prefix ({@code nginx -p DIR -c FILE},
 * as {@link Nginx} runs it): nginx takes it, and every file gets its Content-Type from the
 * http block's types map, as a stock nginx.conf has it.
 */
@NginxTag
class NginxIncludedConfigTest {

    private static final String NAMESPACE = "included.test";

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @Test
    void anIncludedConfigServesEachFileWithItsType(@TempDir Path dir) throws Exception {
        Map<String, String> types = Map.of(
                "/page.html", "text/html",
                "/", "text/html",
                "/docs/", "text/html",
                "/style.css", "text/css",
                "/app.js", "application/javascript",
                "/notes.txt", "text/plain",
                "/data.unknown-ext", "application/octet-stream");
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2));
             MemFs fs = MemFs.open(store, FsOptions.defaults(NAMESPACE).withHealthInterval(Duration.ZERO))) {
            for (String uri : types.keySet()) {
                Preload.file(fs, uri.endsWith("/") ? uri + "index.html" : uri, "content of " + uri + "\n");
            }
        }
        int port = Ports.free();
        Path conf = Files.createDirectories(dir.resolve("conf.d")).resolve(NAMESPACE + ".conf");
        Files.writeString(conf, MemfisCli.inProcess("nginx-config", "-n", NAMESPACE, "-s", MEMCACHED.servers(),
                "--listen", "127.0.0.1:" + port).ok().out());

        String said = Nginx.check("include " + conf + ";\n");
        assertFalse(said.contains("[warn]"), said);
        try (Nginx nginx = Nginx.start("include " + conf + ";\n")) {
            assertAll(types.entrySet().stream().map(t -> () -> {
                Http.Response r = Http.request(port, "GET", NAMESPACE, t.getKey());
                assertEquals(200, r.status(), t.getKey() + ": " + r + "\n" + nginx.errorLog());
                assertEquals("content of " + t.getKey() + "\n", new String(r.body()), t.getKey());
                String type = r.header("Content-Type");
                assertEquals(t.getValue(), type == null ? null : type.replaceFirst(";.*", ""), t.getKey());
            }));
        }
    }
}
