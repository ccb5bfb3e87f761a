package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.testing.NginxTag;
import io.memfis.testing.Http;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Nginx;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import io.memfis.testing.SyncProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.memfis.mount.SyncTest.assertSameTreeSoon;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code memfis sync} when memcached restarts empty, or is gone for a while: it waits, then fills the namespace again. */
@MountTag
@NginxTag
class SyncFaultsTest {

    private static final String NAMESPACE = "sync.faults";

    /** One per test: the tests stop and restart it. */
    @RegisterExtension
    final MemcachedServer memcached = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    @Test
    void memcachedRestartedEmptyIsRefilled() throws Exception {
        Path src = site();
        try (SyncProcess sync = start(src); Nginx nginx = nginx()) {
            int port = port(nginx);
            assertServedSoon(port, "/d9/f9.html", "9/9");
            memcached.start(); // restarts it, empty, on the same port
            // (no 404 looked for here: the sync may refill before a request reaches nginx)
            assertServedSoon(port, "/d9/f9.html", "9/9");
            // one file served says the refill started, not that it ended: its log line does
            sync.awaitLog("refill: loaded", 30);
            for (int d = 0; d < 10; d++) {
                assertEquals(d + "/0", Http.get(port, "/d" + d + "/f0.html").text());
            }

            // emptied while connected: the format marker is gone and nothing else says so
            try (java.net.Socket s = new java.net.Socket(memcached.host(), memcached.port())) {
                s.getOutputStream().write("flush_all\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertEquals('O', s.getInputStream().read());
            }
            sync.awaitLog("lost its format marker", 30);
            assertServedSoon(port, "/d9/f9.html", "9/9");
            assertTrue(sync.log().contains("lost its format marker"), sync.log());
            try (Mount mount = Mount.of(memcached, NAMESPACE)) {
                assertSameTreeSoon(src, mount.path());
            }
        }
    }

    @Test
    void memcachedStoppedForAWhileIsWaitedForAndChangesMeanwhileArrive() throws Exception {
        Path src = site();
        try (SyncProcess sync = start(src)) {
            memcached.stop();
            Shell.ok(src, "printf changed > d0/f0.html && rm d1/f1.html && mkdir new && printf new > new/n.html");
            // memcached stays away long enough for several attempts to reach it (nothing to poll for meanwhile)
            Thread.sleep(4000);
            assertTrue(sync.isAlive(), sync.log());
            memcached.start();
            try (Nginx nginx = nginx()) {
                int port = port(nginx);
                assertServedSoon(port, "/new/n.html", "new");
                assertServedSoon(port, "/d0/f0.html", "changed");
                assertEquals(404, Http.get(port, "/d1/f1.html").status());
            }
            try (Mount mount = Mount.of(memcached, NAMESPACE)) {
                assertSameTreeSoon(src, mount.path());
            }
            assertTrue(sync.log().contains("retrying") || sync.log().contains("waiting for it"), sync.log());
            assertEquals(0, sync.terminate(), sync.log());
        }
    }

    private Path site() throws java.io.IOException {
        Path src = Files.createDirectory(work.resolve("site"));
        Shell.ok(src, "for d in $(seq 0 9); do mkdir d$d; for f in $(seq 0 9); do printf \"$d/$f\" > d$d/f$f.html; done; done");
        return src;
    }

    private SyncProcess start(Path src) {
        return SyncProcess.start("-s", memcached.servers(), "-n", NAMESPACE, "--timeout", "1", src.toString());
    }

    private int nginxPort;

    private Nginx nginx() {
        nginxPort = Ports.free();
        String config = MemfisCli.inProcess("nginx-config", "-n", NAMESPACE, "-s", memcached.servers(),
                "--listen", "127.0.0.1:" + nginxPort, "--server-name", "localhost").ok().out();
        return Nginx.start(config);
    }

    private int port(Nginx nginx) {
        return nginxPort;
    }

    private static void assertServedSoon(int port, String uri, String content) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Http.Response r;
        while (true) {
            r = Http.get(port, uri);
            if (r.status() == 200 && r.text().equals(content)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nginx answers " + r + " for " + uri);
            }
            Thread.sleep(50);
        }
    }
}
