package io.memfis.nginx;

import io.memfis.testing.NginxTag;
import io.memfis.testing.MountTag;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The preload workflow with real programs: a generated site copied into a real mount with
 * {@code cp -a}, unmounted, then served by a real nginx running the output of
 * {@code memfis nginx-config}, with the site on disk as its fallback. A second server block
 * serves the same site from disk, plainly, to say which Content-Type nginx gives each file.
 *
 * <p>An answer from memcached is told from the fallback's by its headers: nginx sends
 * Last-Modified and ETag for a file on disk and never for a memcached item.
 */
@MountTag
@NginxTag
class NginxServeTest {

    private static final String NAMESPACE = "serve.test";

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    static Path dir;

    private static TestSite site;
    private static Nginx nginx;
    private static int port;
    private static int diskPort;

    @BeforeAll
    static void preloadAndServe() throws IOException {
        site = TestSite.write(Files.createDirectory(dir.resolve("site")));
        try (Mount mount = Mount.of(MEMCACHED, NAMESPACE)) {
            Shell.ok(mount.path(), "cp -a '" + site.root + "'/. .");
        }
        port = Ports.free();
        diskPort = Ports.free();
        String config = MemfisCli.inProcess("nginx-config", "-n", NAMESPACE, "-s", MEMCACHED.servers(),
                "--listen", "127.0.0.1:" + port, "--server-name", NAMESPACE, "--fallback-root", site.root.toString()).ok().out();
        nginx = Nginx.start(config + """
                server {
                    listen 127.0.0.1:%d;
                    root %s;
                }
                """.formatted(diskPort, site.root));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void everyFileComesFromMemcachedByteIdenticalWithTheTypeNginxGivesItFromDisk() {
        assertAll(site.servable.entrySet().stream().map(f -> () -> {
            String uri = TestSite.uri(f.getKey());
            Http.Response r = Http.get(port, uri);
            assertEquals(200, r.status(), uri + ": " + r);
            assertArrayEquals(f.getValue(), r.body(), uri);
            assertFromMemcached(uri, r);
            assertEquals(Http.get(diskPort, uri).header("Content-Type"), r.header("Content-Type"), uri);
        }));
    }

    @Test
    void headAndRangeRequestsWork() {
        assertAll(site.servable.entrySet().stream().map(f -> () -> {
            String uri = TestSite.uri(f.getKey());
            byte[] content = f.getValue();
            Http.Response head = Http.request(port, "HEAD", NAMESPACE, uri);
            assertEquals(200, head.status(), uri);
            assertEquals(String.valueOf(content.length), head.header("Content-Length"), uri);
            assertEquals(0, head.body().length, uri);
            if (content.length >= 5) {
                Http.Response range = Http.get(port, uri, "Range: bytes=1-4");
                assertEquals(206, range.status(), uri + ": " + range);
                assertEquals("bytes 1-4/" + content.length, range.header("Content-Range"), uri);
                assertArrayEquals(Arrays.copyOfRange(content, 1, 5), range.body(), uri);
            }
        }));
        byte[] png = site.servable.get("logo.png");
        Http.Response middle = Http.get(port, "/logo.png", "Range: bytes=150000-150099");
        assertEquals(206, middle.status());
        assertArrayEquals(Arrays.copyOfRange(png, 150_000, 150_100), middle.body());
        Http.Response tail = Http.get(port, "/logo.png", "Range: bytes=-3");
        assertArrayEquals(Arrays.copyOfRange(png, png.length - 3, png.length), tail.body());
    }

    /** nginx decodes and normalises the URI before it computes the key: every spelling finds the file. */
    @Test
    void everySpellingOfAUriFindsTheFile() {
        Map<String, String> spellings = Map.of(
                "/names/a%2Bb.css", "names/a+b.css",
                "/names/with%20space.html", "names/with space.html",
                "/names/\u00e9t\u00e9%20\u2013%20\u65e5\u672c\u8a9e.json", "names/\u00e9t\u00e9 \u2013 \u65e5\u672c\u8a9e.json",
                "/names/100%25.txt", "names/100%.txt",
                "/names/100%2525.txt", "names/100%25.txt",
                "/names/x%25attr", "names/x%attr",
                "//names//..//docs/./guide.html", "docs/guide.html",
                "/style.css?v=2", "style.css",
                "/%73tyle.css", "style.css");
        assertAll(spellings.entrySet().stream().map(s -> () -> {
            Http.Response r = Http.get(port, s.getKey());
            assertEquals(200, r.status(), s.getKey());
            assertArrayEquals(site.servable.get(s.getValue()), r.body(), s.getKey());
            assertFromMemcached(s.getKey(), r);
        }));
    }

    @Test
    void aDirectoryUriIsItsIndexAndNeverAListing() {
        Http.Response docs = Http.get(port, "/docs/");
        assertEquals(200, docs.status());
        assertArrayEquals(site.servable.get("docs/index.html"), docs.body());
        assertEquals("text/html", docs.header("Content-Type"));
        assertFromMemcached("/docs/", docs);

        Http.Response root = Http.get(port, "/");
        assertArrayEquals(site.servable.get("index.html"), root.body());

        // without the slash: memcached has no such key, the site on disk redirects
        Http.Response redirect = Http.get(port, "/docs");
        assertEquals(301, redirect.status());
        assertEquals("/docs/", redirect.header("Location"));

        Http.Response noIndex = Http.get(port, "/noindex/");
        assertEquals(404, noIndex.status());
        assertFalse(noIndex.text().contains("secret-name"), noIndex.text());
        assertEquals("/noindex/", Http.get(port, "/noindex").header("Location"));
    }

    @Test
    void whatNginxCheckListsIsWhatTheFallbackServes() {
        Shell.Result check = MemfisCli.inProcess("nginx-check", "-n", NAMESPACE, "-s", MEMCACHED.servers());
        assertEquals(1, check.exit(), check.toString());
        Set<String> listed = check.out().lines().filter(l -> l.contains("\t"))
                .map(l -> l.substring(0, l.indexOf('\t'))).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(site.unservable.keySet(), listed, check.out());
        assertTrue(check.out().contains("nginx cannot serve 3 of " + (site.servable.size() + 3) + " files"), check.out());

        assertAll(site.unservable.keySet().stream().map(path -> () -> {
            String uri = TestSite.uri(path.substring(1));
            Http.Response r = Http.get(port, uri);
            assertEquals(200, r.status(), uri);
            assertArrayEquals(site.read(path.substring(1)), r.body(), uri);
            assertNotNull(r.header("ETag"), uri + " should come from the fallback: " + r);
        }));
    }

    @Test
    void aMissGetsTheFallbacksAnswer() throws IOException {
        Files.writeString(site.root.resolve("only-on-disk.txt"), "not in memcached\n");
        try {
            Http.Response r = Http.get(port, "/only-on-disk.txt");
            assertEquals(200, r.status());
            assertEquals("not in memcached\n", r.text());
            assertEquals(404, Http.get(port, "/nowhere.html").status());
        } finally {
            Files.delete(site.root.resolve("only-on-disk.txt"));
        }
    }

    @Test
    void aFileChangedThroughANewMountIsServedChangedAtOnce() throws IOException {
        try (Mount mount = Mount.of(MEMCACHED, NAMESPACE)) {
            Path file = mount.resolve("news/today.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "first\n");
            assertEquals("first\n", Http.get(port, "/news/today.txt").text());
            Files.writeString(file, "second, longer\n");
            assertEquals("second, longer\n", Http.get(port, "/news/today.txt").text());
            Files.move(file, mount.resolve("news/yesterday.txt"));
            assertEquals(404, Http.get(port, "/news/today.txt").status());
            assertEquals("second, longer\n", Http.get(port, "/news/yesterday.txt").text());
            Files.delete(mount.resolve("news/yesterday.txt"));
            assertEquals(404, Http.get(port, "/news/yesterday.txt").status());
        }
    }

    private static void assertFromMemcached(String uri, Http.Response r) {
        assertNull(r.header("ETag"), uri + " came from the fallback, not from memcached: " + r);
        assertNull(r.header("Last-Modified"), uri);
        assertEquals("max-age=300", r.header("Cache-Control"), uri);
    }
}
