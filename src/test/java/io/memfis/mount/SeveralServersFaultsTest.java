package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fs.meta.PoolRecord;
import io.memfis.fuse.MountTable;
import io.memfis.layout.Keys;
import io.memfis.store.Hash;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedPool;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One server of three stopped, or restarted empty, under a mount (consistent hashing): the
 * keys of that server answer EIO and nothing is written onto it, the others keep working,
 * the log names the server, check names it, and all works again without a remount once it
 * is back with its items (or repaired).
 */
@MountTag
class SeveralServersFaultsTest {

    private static final String NS = "three";
    private static final Keys KEYS = Keys.of(NS);
    /** Enough of each kind of name for the test; the servers' ports, hence the hash, vary per run. */
    private static final int EACH = 3;

    @TempDir
    Path work;

    private MemcachedPool servers;
    private String spec;
    /** The server the test stops: neither the format marker's nor the root record's. */
    private int lost;
    /** Files whose record and content are both on the lost server, and both elsewhere. */
    private final List<String> onLost = new ArrayList<>();
    private final List<String> elsewhere = new ArrayList<>();
    /** New names whose record would land on the lost server. */
    private final List<String> newOnLost = new ArrayList<>();
    /** How many files {@code /f0..} the test writes: as many as it took to find {@link #EACH} of each kind. */
    private int files;

    @BeforeEach
    void start() {
        servers = MemcachedPool.start(3);
        spec = servers.spec();
        try (Store pool = pool()) {
            int marker = pool.serverOf(KEYS.format());
            int root = pool.serverOf(KEYS.record("/"));
            lost = IntStream.range(0, 3).filter(i -> i != marker && i != root).findFirst().orElseThrow();
            for (int i = 0; i < 5_000 && !(enough(onLost) && enough(elsewhere) && enough(newOnLost)); i++) {
                files = i + 1;
                String path = "/f" + i;
                int record = pool.serverOf(KEYS.record(path));
                int content = pool.serverOf(KEYS.content(path));
                if (record == lost && content == lost) {
                    onLost.add(path);
                } else if (record != lost && content != lost) {
                    elsewhere.add(path);
                }
                if (pool.serverOf(KEYS.record("/new" + i)) == lost) {
                    newOnLost.add("/new" + i);
                }
            }
        }
        assertTrue(enough(onLost) && enough(elsewhere) && enough(newOnLost), onLost + " " + elsewhere + " " + newOnLost);
    }

    private static boolean enough(List<String> names) {
        return names.size() >= EACH;
    }

    @AfterEach
    void stop() {
        servers.close();
    }

    @Test
    void serverRestartedEmptyIsEioForItsKeysAndGetsNoWrites() throws Exception {
        try (MemfisProcess mount = mount()) {
            fill(mount);
            Map<String, byte[]> saved = snapshotOf(lost);
            servers.get(lost).stop();
            servers.get(lost).start();

            // reads of its keys fail at once (not connected), until the store is back and finds the mark gone
            String named = "memcached " + servers.get(lost).servers() + " lost namespace memfis://" + NS;
            awaitTrue(() -> {
                fails(mount, "cat M" + onLost.get(0));
                return mount.output().contains(named);
            }, "the log names the server", mount);
            for (String path : onLost) {
                assertEio(mount, "cat M" + path);
            }
            for (String path : newOnLost) {
                assertEio(mount, ": > M" + path);
            }
            for (String path : elsewhere) {
                assertEquals("content of " + path, Shell.ok(mount.mountPoint(), "cat ." + path), path);
            }
            assertTrue(MountTable.isMemfis(mount.mountPoint()), "the mount stays");
            assertEquals(List.of(), keysOn(lost), "nothing was written onto the empty server");

            // a fresh mount refuses in one line, naming the server
            Path other = Files.createDirectory(work.resolve("fresh"));
            Shell.Result fresh = MemfisCli.run("-s", spec, "--hash", "consistent", "-n", NS, other.toString());
            assertEquals(1, fresh.exit(), fresh.err());
            MemcachedFaultsTest.assertOneLine(fresh.err(), "memfis: memcached " + servers.get(lost).servers()
                    + " lost namespace memfis://" + NS);
            assertFalse(MountTable.isMemfis(other));

            // check names it; its items back (as a memory file would keep them) and the mount works without a remount
            Shell.Result check = MemfisCli.run("check", "-s", spec, "--hash", "consistent", "-n", NS);
            assertEquals(1, check.exit(), check.out() + check.err());
            assertTrue(check.out().contains("memcached " + servers.get(lost).servers()), check.out());
            restore(lost, saved);
            awaitTrue(() -> !fails(mount, "cat M" + onLost.get(0)), "the mount works again", mount);
            Shell.ok(mount.mountPoint(), ": > ." + newOnLost.get(0));
            assertTrue(mount.output().contains("pool record again; resuming"), mount.output());
        }
    }

    @Test
    void oneServerDownIsEioForItsKeysTheRestWorksAndCheckNamesIt() throws Exception {
        try (MemfisProcess mount = mount()) {
            fill(mount);
            Map<String, byte[]> saved = snapshotOf(lost);
            servers.get(lost).stop();
            for (String path : onLost) {
                long start = System.nanoTime();
                assertEio(mount, "cat M" + path);
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(4).toNanos(), "EIO within the timeout");
            }
            for (String path : elsewhere) {
                assertEquals("content of " + path, Shell.ok(mount.mountPoint(), "cat ." + path), path);
            }
            Shell.Result check = MemfisCli.run("check", "-s", spec, "--hash", "consistent", "-n", NS, "--timeout", "1");
            assertEquals(2, check.exit(), check.out() + check.err());
            assertTrue(check.err().contains(servers.get(lost).servers()), check.err());

            servers.get(lost).start();
            restore(lost, saved);
            awaitTrue(() -> !fails(mount, "cat M" + onLost.get(0)), "the mount works again", mount);
            for (String path : onLost) {
                assertEquals("content of " + path, Shell.ok(mount.mountPoint(), "cat ." + path), path);
            }
            Shell.ok(mount.mountPoint(), ": > ." + newOnLost.get(0));
        }
    }

    /** The namespace records its pool: another list or hash is refused in one line naming both, by mount and check. */
    @Test
    void anotherServerListOrHashIsRefused() throws Exception {
        try (MemfisProcess mount = mount()) {
            fill(mount);
        }
        String recorded = "--hash consistent -s " + spec;
        String twoOfThree = servers.get(0).servers() + "," + servers.get(1).servers();
        servers.add();
        String four = spec + "," + servers.get(3).servers();
        for (List<String> given : List.of(List.of("-s", twoOfThree, "--hash", "consistent"),
                List.of("-s", spec, "--hash", "modulo"), List.of("-s", four, "--hash", "consistent"))) {
            Path dir = Files.createTempDirectory(work, "refused-");
            List<String> args = new ArrayList<>(given);
            args.addAll(List.of("-n", NS, dir.toString()));
            Shell.Result r = MemfisCli.run(args.toArray(String[]::new));
            assertEquals(1, r.exit(), given + ": " + r.err());
            MemcachedFaultsTest.assertOneLine(r.err(), "memfis: namespace memfis://" + NS + " lives on " + recorded
                    + " (recorded in it), not on --hash");
            assertFalse(MountTable.isMemfis(dir));
        }
        List<String> check = new ArrayList<>(List.of("check", "-n", NS, "-s", twoOfThree, "--hash", "consistent"));
        Shell.Result r = MemfisCli.run(check.toArray(String[]::new));
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("lives on " + recorded), r.err());
        // the record is on every server, readable with one of them down
        servers.get(0).stop();
        try (Store modulo = Stores.memcached(Stores.parsePool(spec, Hash.MODULO), Duration.ofSeconds(1))) {
            PoolRecord record = PoolRecord.of(modulo, KEYS);
            List<PoolRecord.Copy> copies = record.read();
            assertEquals(PoolRecord.State.NO_ANSWER, copies.get(0).state());
            assertTrue(record.mismatch(copies, KEYS.prefix()).orElseThrow().contains("lives on " + recorded));
        }
    }

    private MemfisProcess mount() throws IOException {
        return MemfisProcess.mount(Files.createDirectory(work.resolve("mnt")), "-s", spec, "--hash", "consistent",
                "-n", NS, "--timeout", "1", "--attr-timeout", "0");
    }

    private void fill(MemfisProcess mount) {
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < files; i++) {
            script.append("printf 'content of /f").append(i).append("' > f").append(i).append("\n");
        }
        Shell.ok(mount.mountPoint(), script.toString());
    }

    private Store pool() {
        return Stores.memcached(Stores.parsePool(spec, Hash.CONSISTENT), Duration.ofSeconds(2));
    }

    private Store alone(int server) {
        return Stores.memcached(List.of(servers.get(server).address()), Duration.ofSeconds(2));
    }

    private List<String> keysOn(int server) {
        try (Store store = alone(server)) {
            return store.keys("memfis://");
        }
    }

    private Map<String, byte[]> snapshotOf(int server) {
        try (Store store = alone(server)) {
            Map<String, byte[]> all = new HashMap<>();
            store.await(store.getAll(store.keys("memfis://"))).forEach((k, v) -> all.put(k, v.value()));
            return all;
        }
    }

    private void restore(int server, Map<String, byte[]> items) {
        try (Store store = alone(server)) {
            items.forEach((k, v) -> store.await(store.set(k, v)));
        }
    }

    private static boolean fails(MemfisProcess mount, String probe) {
        return run(mount, probe).exit() != 0;
    }

    private static void assertEio(MemfisProcess mount, String probe) {
        Shell.Result r = run(mount, probe);
        assertTrue(r.exit() != 0 && r.err().contains("Input/output error"), probe + " must fail with EIO: " + r);
    }

    private static Shell.Result run(MemfisProcess mount, String probe) {
        Path mp = mount.mountPoint();
        String quoted = java.util.regex.Matcher.quoteReplacement("'" + mp + "'");
        return Shell.run(mp.getParent(), probe.replaceAll("\\bM\\b", quoted), 60);
    }

    private static void awaitTrue(BooleanSupplier condition, String what, MemfisProcess mount) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within 20 s\n" + mount.output());
            }
            Thread.sleep(100);
        }
    }
}
