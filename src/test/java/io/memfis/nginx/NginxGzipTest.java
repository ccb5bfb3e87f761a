package io.memfis.nginx;

import io.memfis.testing.MountTag;
import io.memfis.testing.NginxTag;
import io.memfis.fs.FsOptions;
import io.memfis.layout.GzipContent;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.GzipSite;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A site stored with {@code --gzip}, once through a mount and once by {@code memfis load},
 * served by a real nginx running {@code memfis nginx-config}: compressed files go out as
 * stored to clients that accept gzip, decompressed to the others, and everything else
 * exactly as stored.
 */
@MountTag
@NginxTag
class NginxGzipTest {

    private static final String MOUNTED = "gzip.mount";
    private static final String LOADED = "gzip.load";

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    static Path dir;

    private static GzipSite site;
    private static Nginx nginx;
    private static Map<String, Integer> ports;

    @BeforeAll
    static void preloadAndServe() throws IOException {
        site = GzipSite.write(Files.createDirectory(dir.resolve("site")));
        try (Mount mount = Mount.of(MEMCACHED, FsOptions.defaults(MOUNTED).withGzip(true))) {
            Shell.ok(mount.path(), "cp -a '" + site.root + "'/. .");
        }
        Shell.Result load = MemfisCli.inProcess("load", "-s", MEMCACHED.servers(), "-n", LOADED, "--gzip", site.root.toString());
        assertEquals(0, load.exit(), load.err());
        ports = Map.of(MOUNTED, Ports.free(), LOADED, Ports.free());
        StringBuilder config = new StringBuilder();
        ports.forEach((ns, port) -> config.append(MemfisCli.inProcess("nginx-config", "-n", ns, "-s", MEMCACHED.servers(),
                "--listen", "127.0.0.1:" + port, "--server-name", "localhost").ok().out()));
        nginx = Nginx.start(config.toString());
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {MOUNTED, LOADED})
    void textFilesAreStoredCompressedAndTheRestPlain(String namespace) {
        Keys keys = Keys.of(namespace);
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(5))) {
            assertAll(site.files.entrySet().stream().map(f -> () -> {
                Store.Item item = store.await(store.get(keys.content("/" + f.getKey())));
                assertNotNull(item, f.getKey());
                boolean compressed = GzipSite.COMPRESSED.contains(f.getKey());
                assertEquals(compressed ? GzipContent.FLAG : 0, item.flags(), f.getKey());
                assertArrayEquals(f.getValue(), compressed ? gunzip(item.value()) : item.value(), f.getKey());
                if (compressed) {
                    assertTrue(item.value().length <= f.getValue().length * 0.9, f.getKey() + " shrank by a tenth");
                }
            }));
            assertTrue(store.keys(keys.prefix() + "%data.").isEmpty(), "the 3 MB page is stored whole, in no parts");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {MOUNTED, LOADED})
    void aClientAcceptingGzipGetsItAsStoredAndOthersGetTheExactBytes(String namespace) {
        int port = ports.get(namespace);
        assertAll(site.files.entrySet().stream().map(f -> () -> {
            String uri = uri(f.getKey());
            boolean compressed = GzipSite.COMPRESSED.contains(f.getKey());
            Http.Response gz = Http.request11(port, "GET", uri, "Accept-Encoding: gzip");
            assertEquals(200, gz.status(), uri + ": " + gz);
            assertEquals(compressed ? "gzip" : null, gz.header("Content-Encoding"), uri);
            assertArrayEquals(f.getValue(), compressed ? gunzip(gz.body()) : gz.body(), uri);
            assertEquals(String.valueOf(gz.body().length), gz.header("Content-Length"), uri);

            Http.Response plain = Http.request11(port, "GET", uri);
            assertEquals(200, plain.status(), uri + ": " + plain);
            assertNull(plain.header("Content-Encoding"), uri);
            assertArrayEquals(f.getValue(), plain.body(), uri);
            if (compressed) {
                assertEquals("Accept-Encoding", gz.header("Vary"), uri);
                assertEquals("Accept-Encoding", plain.header("Vary"), uri);
            }
        }));
    }

    /** HEAD: a client accepting gzip learns the compressed length; another gets no length (gunzip streams). */
    @ParameterizedTest
    @ValueSource(strings = {MOUNTED, LOADED})
    void headTellsTheEncodingAndTheLengthOfWhatAGetWouldSend(String namespace) {
        int port = ports.get(namespace);
        for (String name : List.of("index.html", GzipSite.BIG, "logo.png")) {
            byte[] content = site.files.get(name);
            boolean compressed = GzipSite.COMPRESSED.contains(name);
            Http.Response full = Http.request11(port, "GET", "/" + name, "Accept-Encoding: gzip");
            Http.Response head = Http.request11(port, "HEAD", "/" + name, "Accept-Encoding: gzip");
            assertEquals(200, head.status(), name);
            assertEquals(0, head.body().length, name);
            assertEquals(compressed ? "gzip" : null, head.header("Content-Encoding"), name);
            assertEquals(String.valueOf(full.body().length), head.header("Content-Length"), name);
            Http.Response plainHead = Http.request11(port, "HEAD", "/" + name);
            assertEquals(200, plainHead.status(), name);
            assertNull(plainHead.header("Content-Encoding"), name);
            assertEquals(compressed ? null : String.valueOf(content.length), plainHead.header("Content-Length"), name);
        }
    }

    /**
     * Range: a client accepting gzip gets a range of the compressed bytes (206, Content-Range
     * over the compressed length); one that does not gets the whole file (200), since gunzip
     * turns the answer into a stream nginx cannot take ranges of. A plain file has ranges either way.
     */
    @ParameterizedTest
    @ValueSource(strings = {MOUNTED, LOADED})
    void rangesAreOfTheBytesAsSent(String namespace) {
        int port = ports.get(namespace);
        byte[] gz = Http.request11(port, "GET", "/index.html", "Accept-Encoding: gzip").body();
        Http.Response range = Http.request11(port, "GET", "/index.html", "Accept-Encoding: gzip", "Range: bytes=10-99");
        assertEquals(206, range.status(), range.toString());
        assertEquals("gzip", range.header("Content-Encoding"));
        assertEquals("bytes 10-99/" + gz.length, range.header("Content-Range"));
        assertArrayEquals(Arrays.copyOfRange(gz, 10, 100), range.body());

        Http.Response whole = Http.request11(port, "GET", "/index.html", "Range: bytes=10-99");
        assertEquals(200, whole.status(), whole.toString());
        assertNull(whole.header("Content-Range"));
        assertArrayEquals(site.files.get("index.html"), whole.body());

        byte[] png = site.files.get("logo.png");
        for (String accept : List.of("Accept-Encoding: gzip", "Accept-Encoding: identity")) {
            Http.Response r = Http.request11(port, "GET", "/logo.png", accept, "Range: bytes=1000-1099");
            assertEquals(206, r.status(), r.toString());
            assertArrayEquals(Arrays.copyOfRange(png, 1000, 1100), r.body());
        }
    }

    /** nginx sends gzip to HTTP/1.1 clients only (gzip_http_version 1.1): an HTTP/1.0 one gets the file's bytes. */
    @ParameterizedTest
    @ValueSource(strings = {MOUNTED, LOADED})
    void anHttp10ClientGetsTheExactBytesEvenIfItAcceptsGzip(String namespace) {
        Http.Response r = Http.get(ports.get(namespace), "/index.html", "Accept-Encoding: gzip");
        assertEquals(200, r.status(), r.toString());
        assertNull(r.header("Content-Encoding"));
        assertArrayEquals(site.files.get("index.html"), r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {MOUNTED, LOADED})
    void nginxCheckAndCheckFindNothingToReport(String namespace) {
        Shell.Result reach = MemfisCli.inProcess("nginx-check", "-s", MEMCACHED.servers(), "-n", namespace);
        assertEquals(0, reach.exit(), "the 3 MB page fits one item compressed: " + reach.out() + reach.err());
        Shell.Result check = MemfisCli.inProcess("check", "-s", MEMCACHED.servers(), "-n", namespace);
        assertEquals(0, check.exit(), check.out() + check.err());
        assertFalse(check.out().contains(GzipSite.BIG), check.out());
    }

    private static String uri(String relative) {
        return "/" + relative.replace(" ", "%20");
    }

    static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
