package io.memfis.cli;

import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedPool;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code memfis where} names, for each key of a path, the server that really holds it. */
class WhereCommandTest {

    @TempDir
    Path dir;

    @Test
    void eachKeyIsOnTheServerWhereSays() throws Exception {
        try (MemcachedPool servers = MemcachedPool.start(3)) {
            String spec = servers.spec();
            Path site = Files.createDirectory(dir.resolve("site"));
            Shell.ok(site, "mkdir -p docs && for i in $(seq 1 30); do echo page $i > docs/p$i.html; done"
                    + " && head -c 2500000 /dev/urandom > big.bin && echo linked > a && ln a b"
                    + " && setfattr -n user.color -v blue docs/p1.html");
            assertEquals(0, MemfisCli.inProcess("load", site.toString(), "-n", "where", "-s", spec, "--hash", "consistent")
                    .exit());

            Shell.Result r = MemfisCli.inProcess("where", "-n", "where", "-s", spec, "--hash", "consistent",
                    "/docs", "/docs/p1.html", "/big.bin", "/b", "/");
            assertEquals(0, r.exit(), r.err());
            List<String> lines = r.out().lines().toList();
            Set<String> kinds = new HashSet<>();
            Set<String> named = new HashSet<>();
            for (String line : lines) {
                String[] f = line.split("\t");
                assertEquals(4, f.length, line);
                kinds.add(f[1].replaceAll(" [0-9]+$", ""));
                named.add(f[2]);
                for (MemcachedServer s : servers.servers()) {
                    try (Store alone = Stores.memcached(List.of(s.address()), Duration.ofSeconds(2))) {
                        boolean holds = alone.await(alone.get(f[3])) != null;
                        assertEquals(s.servers().equals(f[2]), holds, line + " on " + s.servers());
                    }
                }
            }
            assertEquals(Set.of("record", "listing page", "content", "part", "node", "xattrs"), kinds, r.out());
            assertTrue(named.size() > 1, "keys on several servers: " + r.out());
            assertTrue(lines.stream().filter(l -> l.startsWith("/big.bin\tpart ")).count() >= 3, r.out());

            Shell.Result missing = MemfisCli.inProcess("where", "-n", "where", "-s", spec, "--hash", "consistent",
                    "/nothing-here");
            assertEquals(1, missing.exit());
            assertTrue(missing.err().startsWith("memfis: /nothing-here: no record on memcached "), missing.err());
        }
    }
}
