package io.memfis.mount;

import io.memfis.testing.MountTag;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.memfis.mount.TreeComparison.quote;
import static io.memfis.mount.TreeComparison.script;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code memfis load DIR} leaves exactly the keys and values that {@code cp -a DIR/. MOUNT/}
 * leaves, compared key by key over two namespaces. What may differ, and why:
 * <ul>
 * <li>inode numbers (in records, nodes and the keys {@code %node.INO}, {@code %data.INO.N}):
 *     each copy numbers its files in the order it creates them; one namespace is renumbered
 *     into the other through the records of the same paths, and the match must be one to one;</li>
 * <li>ctime: the time each copy changed the entry, which no copy can set; each must lie
 *     within the time its copy ran.</li>
 * </ul>
 * Access times are copied like modification times and must be equal. The source's own
 * access times are set in the future first: relatime then leaves them alone when the two
 * copies read the tree (reading would otherwise move them between the copies); the test
 * checks that they did not move.
 */
@MountTag
class LoadMatchesCopyTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    @Test
    void loadLeavesTheKeysAndValuesThatCpLeavesOnAMount() {
        Path src = work.resolve("src");
        Shell.ok(work, "mkdir src && cd src && bash " + script("awkward-tree.sh")
                + " && find . -exec touch -a -h -d '2099-03-04 05:06:07.123456789' {} +");
        String atimes = atimes(src);

        long t0 = now();
        try (Mount mount = Mount.of(MEMCACHED, "viacp")) {
            Shell.ok(work, "cp -a src/. " + quote(mount.path()) + "/");
        }
        long t1 = now();
        Shell.Result load = MemfisCli.run("load", "-s", MEMCACHED.servers(), "-n", "byload", src.toString());
        long t2 = now();
        assertEquals(0, load.exit(), load.err());
        assertTrue(load.err().startsWith("memfis: loaded " + src + " into memfis://byload/: "), load.err());
        assertEquals(atimes, atimes(src), "reading the tree moved its access times: the comparison would not be fair");

        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(5))) {
            NamespaceDump cp = NamespaceDump.of(store, "viacp");
            NamespaceDump loaded = NamespaceDump.of(store, "byload");
            NamespaceDump renumbered = cp.renumbered(inodeMatch(cp, loaded));
            assertEquals(renumbered.values.keySet(), loaded.values.keySet(), "the two namespaces have different keys");
            assertTrue(loaded.values.keySet().containsAll(List.of("%format", "%cntr", "/%attr", "/%dir.0")), "keys: "
                    + loaded.values.keySet());
            assertTrue(loaded.values.keySet().stream().anyMatch(k -> k.startsWith("%data.")), "no parts");
            assertTrue(loaded.values.keySet().stream().anyMatch(k -> k.startsWith("%node.")), "no nodes");
            System.out.println("compared " + loaded.values.size() + " keys: " + loaded.values.keySet());
            for (String key : loaded.values.keySet()) {
                byte[] a = renumbered.values.get(key);
                byte[] b = loaded.values.get(key);
                if (NamespaceDump.hasTimes(key, b)) {
                    assertEquals(withoutCtime(key, a, t0, t1), withoutCtime(key, b, t1, t2), "record " + key);
                } else {
                    assertArrayEquals(a, b, "value of " + key);
                }
            }
        }
    }

    /** Inode numbers of the cp copy to those of the loaded copy, through the records of the same paths. */
    private static Map<Long, Long> inodeMatch(NamespaceDump cp, NamespaceDump loaded) {
        Map<String, Long> from = cp.inodesByRecordKey();
        Map<String, Long> to = loaded.inodesByRecordKey();
        assertEquals(from.keySet(), to.keySet(), "the two namespaces have records of different paths");
        Map<Long, Long> map = new HashMap<>();
        Map<Long, Long> back = new HashMap<>();
        from.forEach((key, ino) -> {
            Long other = to.get(key);
            Long before = map.put(ino, other);
            assertTrue(before == null || before.equals(other), "inode " + ino + " matches two inodes (" + key + ")");
            Long reverse = back.put(other, ino);
            assertTrue(reverse == null || reverse.equals(ino), "inode " + other + " matches two inodes (" + key + ")");
        });
        return map;
    }

    /** The record as text without its ctime, after checking that the ctime lies in [from, to]. */
    private static String withoutCtime(String key, byte[] value, long from, long to) {
        ObjectNode record = (ObjectNode) NamespaceDump.json(value);
        long ctime = record.remove("ctime").asLong();
        assertTrue(ctime >= from && ctime <= to, "ctime " + ctime + " of " + key + " outside its copy's time ["
                + from + ", " + to + "]");
        return new String(NamespaceDump.bytes(record), StandardCharsets.UTF_8);
    }

    private static String atimes(Path dir) {
        return Shell.ok(dir, "find . -printf '%P|%A@\\n' | LC_ALL=C sort");
    }

    private static long now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
