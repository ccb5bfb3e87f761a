package io.memfis.nginx;

import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedPool;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.Nginx;
import io.memfis.testing.NginxTag;
import io.memfis.testing.Nutcracker;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * memfis through a real twemproxy (nutcracker) over three memcached servers, configured by
 * the shipped {@code nginx/nutcracker.yml}, and nginx's upstream pointing at the same proxy
 * ({@code memfis nginx-config --proxy}): the proxy's distribution places every key for
 * both. A tree copied with {@code cp -a} reads back the same through a fresh mount and is
 * served whole by nginx; two mounts racing on one directory and one file lose nothing
 * although no write tells its CAS token; {@code load} works through it; {@code check}
 * refuses the proxy alone and checks with the servers behind it.
 */
@NginxTag
class NutcrackerTest {

    private static final String NS = "proxied";

    @TempDir
    Path work;

    private MemcachedPool servers;
    private Nutcracker proxy;

    @BeforeEach
    void start() {
        servers = MemcachedPool.start(3);
        proxy = Nutcracker.start(addresses());
    }

    @AfterEach
    void stop() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            servers.close();
        }
    }

    @Test
    void aTreeCopiedThroughTheProxyReadsBackAndNginxServesItThroughTheSameProxy() throws IOException {
        TestSite site = TestSite.write(Files.createDirectory(work.resolve("site")));
        Path first = Files.createDirectory(work.resolve("first"));
        try (MemfisProcess mount = MemfisProcess.mount(first, "--proxy", proxy.spec(), "-n", NS)) {
            Shell.ok(work, "cp -a site/. " + quote(first) + "/");
        }
        Path fresh = Files.createDirectory(work.resolve("fresh"));
        try (MemfisProcess mount = MemfisProcess.mount(fresh, "--proxy", proxy.spec(), "-n", NS)) {
            Shell.Result diff = Shell.run(work, "diff -r --no-dereference site " + quote(fresh));
            assertEquals(0, diff.exit(), diff.out() + diff.err());
        }
        assertServed(site, NS);

        // the proxy spread the files: each content key on exactly one server, every server holds some
        int[] held = new int[3];
        for (String file : site.servable.keySet()) {
            int on = 0;
            for (int i = 0; i < 3; i++) {
                if (holds(servers.get(i), Keys.of(NS).content("/" + file))) {
                    held[i]++;
                    on++;
                }
            }
            assertEquals(1, on, file);
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(held[i] > 0, "server " + i + " holds none of " + site.servable.size() + " files");
        }
    }

    /**
     * Each mount creates its own names in one directory and sets its own extended attributes
     * on one file, at the same time: every one is a compare-and-swap of the same listing page
     * or attribute item. A store that trusted a token it read after its write (the text
     * protocol's STORED carries none) would take the other mount's write for its own and
     * overwrite it; this one swaps only against tokens it read, so nothing is lost.
     */
    @Test
    void twoMountsRacingOnOneDirectoryAndOneFileLoseNothing() throws Exception {
        Path a = Files.createDirectory(work.resolve("a"));
        Path b = Files.createDirectory(work.resolve("b"));
        int each = 150;
        try (MemfisProcess ma = MemfisProcess.mount(a, "--proxy", proxy.spec(), "-n", NS);
             MemfisProcess mb = MemfisProcess.mount(b, "--proxy", proxy.spec(), "-n", NS)) {
            Shell.ok(a, "mkdir shared && : > shared/one");
            CompletableFuture<Shell.Result> fromA = CompletableFuture.supplyAsync(() -> Shell.run(a, race("a", each), 300));
            CompletableFuture<Shell.Result> fromB = CompletableFuture.supplyAsync(() -> Shell.run(b, race("b", each), 300));
            assertEquals(0, fromA.get().exit(), fromA.get().err());
            assertEquals(0, fromB.get().exit(), fromB.get().err());
        }
        Path fresh = Files.createDirectory(work.resolve("fresh"));
        try (MemfisProcess mount = MemfisProcess.mount(fresh, "--proxy", proxy.spec(), "-n", NS)) {
            Set<String> expected = new TreeSet<>(List.of("one"));
            Set<String> attributes = new TreeSet<>();
            for (int i = 0; i < each; i++) {
                expected.addAll(List.of("a" + i, "b" + i));
                attributes.addAll(List.of("user.a" + i, "user.b" + i));
            }
            assertEquals(expected, new TreeSet<>(List.of(Shell.ok(fresh, "ls -A shared").split("\n"))));
            Set<String> set = new TreeSet<>(List.of(Shell.ok(fresh, "getfattr --absolute-names -d shared/one"
                    + " | sed -n 's/=.*//p'").split("\n")));
            assertEquals(attributes, set);
        }
        Shell.Result check = MemfisCli.run("check", "--proxy", proxy.spec(), "-s", servers.spec(), "-n", NS);
        assertEquals(0, check.exit(), check.out() + check.err());
    }

    @Test
    void loadThroughTheProxyAndCheckWithTheServersBehindIt() throws IOException {
        TestSite site = TestSite.write(Files.createDirectory(work.resolve("site")));
        Shell.Result load = MemfisCli.run("load", site.root.toString(), "--proxy", proxy.spec(), "-n", NS);
        assertEquals(0, load.exit(), load.err());
        assertServed(site, NS);

        Shell.Result alone = MemfisCli.run("check", "--proxy", proxy.spec(), "-n", NS);
        assertEquals(2, alone.exit(), alone.out() + alone.err());
        assertOneLine(alone.err(), "memfis: check lists the namespace's keys and reads the servers' stats, which the proxy");
        Shell.Result asServer = MemfisCli.run("check", "-s", proxy.spec(), "-n", NS);
        assertEquals(2, asServer.exit(), asServer.out() + asServer.err());
        assertOneLine(asServer.err(), "memfis: " + proxy.spec() + " answers as memcached but not to stats: a proxy");
        Shell.Result behind = MemfisCli.run("check", "--proxy", proxy.spec(), "-s", servers.spec(), "-n", NS);
        assertEquals(0, behind.exit(), behind.out() + behind.err());
        assertTrue(behind.err().contains("consistent"), behind.err());

        // the servers without the proxy: the namespace says where it lives
        Shell.Result direct = MemfisCli.run("check", "-s", servers.spec(), "-n", NS);
        assertEquals(2, direct.exit(), direct.out() + direct.err());
        assertOneLine(direct.err(), "memfis: namespace memfis://" + NS + " lives behind a proxy (--proxy HOST:PORT)");
        Path mp = Files.createDirectory(work.resolve("direct"));
        Shell.Result mount = MemfisCli.run("-s", servers.spec(), "-n", NS, mp.toString());
        assertEquals(1, mount.exit(), mount.err());
        assertTrue(mount.err().contains("lives behind a proxy"), mount.err());
        Shell.Result where = MemfisCli.run("where", "--proxy", proxy.spec(), "-n", NS, "/index.html");
        assertEquals(2, where.exit(), where.err());
    }

    /** Every servable file of the site: 200 and its bytes, from nginx whose upstream is the proxy. */
    private void assertServed(TestSite site, String namespace) {
        int port = Ports.free();
        String config = MemfisCli.inProcess("nginx-config", "-n", namespace, "--proxy", proxy.spec(),
                "--listen", "127.0.0.1:" + port).ok().out();
        assertTrue(config.contains("server " + proxy.spec() + ";"), config);
        assertFalse(config.contains("hash $memcached_key"), config);
        try (Nginx nginx = Nginx.start(config)) {
            assertAll(site.servable.entrySet().stream().map(f -> () -> {
                Http.Response r = Http.get(port, TestSite.uri(f.getKey()));
                assertEquals(200, r.status(), f.getKey() + ": " + r);
                assertArrayEquals(f.getValue(), r.body(), f.getKey());
            }));
        }
    }

    /** A shell loop of one mount: its names in shared/, its attributes on shared/one. */
    private static String race(String who, int each) {
        return "for i in $(seq 0 " + (each - 1) + "); do : > shared/" + who + "$i"
                + " && setfattr -n user." + who + "$i -v $i shared/one || exit 1; done";
    }

    private static boolean holds(MemcachedServer server, String key) {
        try (Store alone = Stores.memcached(List.of(server.address()), Duration.ofSeconds(5))) {
            return alone.await(alone.get(key)) != null;
        }
    }

    private List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        servers.servers().forEach(s -> out.add(s.address()));
        return out;
    }

    private static void assertOneLine(String err, String start) {
        assertTrue(err.startsWith(start), err);
        assertEquals(1, err.strip().lines().count(), err);
    }

    private static String quote(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }
}
