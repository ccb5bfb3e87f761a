package io.memfis.nginx;

import io.memfis.testing.Preload;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Ports;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code memfis nginx-check}: its lines, its summary and its exit status, against a real memcached. */
class NginxCheckCommandTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @Test
    void exitsZeroWhenNginxCanServeEverything() {
        load("clean", fs -> {
            Preload.file(fs, "/index.html", "<h1>hi</h1>");
            Preload.file(fs, "/css/site.css", "body {}");
        });
        Shell.Result r = check("clean");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("nginx can serve all 2 files of namespace clean from memcached\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void listsEachPathWithItsReasonOneALineAndExitsOne() {
        load("mixed", fs -> {
            Preload.file(fs, "/index.html", "<h1>hi</h1>");
            Preload.file(fs, "/big.iso", new byte[fs.format().partSize() + 1]);
            fs.symlink("index.html", "/line\nbreak", 0, 0);
            fs.symlink("index.html", "/back\\slash", 0, 0);
        });
        Shell.Result r = check("mixed");
        assertEquals(1, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertEquals("/back\\\\slash\tsymlink to index.html: nginx does not follow symlinks", lines.get(0));
        assertTrue(lines.get(1).startsWith("/big.iso\t"), lines.get(1));
        assertEquals("/line\\x0abreak\tsymlink to index.html: nginx does not follow symlinks", lines.get(2));
        assertEquals("nginx cannot serve 3 of 4 files of namespace mixed from memcached: the fallback must serve them",
                lines.get(3));
    }

    @Test
    void exitsTwoWhenItCannotRun() {
        Shell.Result noServer = MemfisCli.inProcess("nginx-check", "-n", "any", "-s", "127.0.0.1:" + Ports.free());
        assertEquals(2, noServer.exit(), noServer.toString());
        assertTrue(noServer.err().startsWith("memfis: no memcached answers at 127.0.0.1:"), noServer.err());

        Shell.Result noNamespace = check("never-formatted");
        assertEquals(2, noNamespace.exit(), noNamespace.toString());
        assertTrue(noNamespace.err().startsWith("memfis: ") && noNamespace.err().lines().count() == 1, noNamespace.err());

        assertEquals(2, check("not a name").exit());
    }

    private static Shell.Result check(String namespace) {
        return MemfisCli.inProcess("nginx-check", "-n", namespace, "-s", MEMCACHED.servers());
    }

    private static void load(String namespace, Consumer<MemFs> files) {
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2));
             MemFs fs = MemFs.open(store, FsOptions.defaults(namespace).withHealthInterval(Duration.ZERO))) {
            files.accept(fs);
        }
    }
}
