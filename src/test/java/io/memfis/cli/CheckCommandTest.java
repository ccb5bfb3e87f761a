package io.memfis.cli;

import io.memfis.fs.Created;
import io.memfis.fs.FsException;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.fs.NewEntry;
import io.memfis.layout.FileType;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code memfis check} against a real memcached, on a tree copied in with {@code cp -a}:
 * orphans found by listing the server's keys, exit statuses, the one-line report, and a
 * namespace that mounts and reads again after --repair, its intact files as they were.
 */
@MountTag
class CheckCommandTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    /** Content checksums and metadata of every file, for comparing before and after. */
    private static final String SUMS = "find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum;"
            + " find . -printf '%P %y %m %U:%G %T@ %n\\n' | LC_ALL=C sort";

    /** A heap in which checking {@link #MANY_FILES} files ran out of memory when every name was held. */
    private static final String SMALL_HEAP = "24m";
    private static final int MANY_FILES = 60_000;

    private Path work;
    private Store store;

    @BeforeEach
    void tree() throws IOException {
        work = Files.createTempDirectory("memfis-check-");
        Shell.ok(work, """
                set -e
                mkdir -p src/a/b src/c
                for i in $(seq 40); do printf "file $i" > src/a/f$i; done
                printf 'keep' > src/a/b/keep.txt
                printf 'hello' > src/c/hello.txt
                ln src/c/hello.txt src/c/hello-again.txt
                ln -s ../c/hello.txt src/a/to-hello
                head -c 2500000 /dev/urandom > src/c/big.bin
                """);
        store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2));
    }

    @AfterEach
    void clean() {
        store.close();
        Shell.run(work.getParent(), "rm -rf '" + work + "'");
    }

    @Test
    void aCopiedTreeIsConsistentAndNginxNotesDoNotCount() {
        copyIn("clean");
        CliRun run = check("clean");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("note: /c/big.bin: nginx cannot serve it: 2500000 bytes, larger than one memcached item ("
                + store.maxValueSize() + " bytes): memfis stores it in parts\n", run.out());
        assertTrue(run.err().matches("memfis: clean: \\d+ entries checked, consistent, 1 note\n"), run.err());
    }

    @Test
    void damageIsReportedThenRepairedAndTheIntactFilesStayAsTheyWere() {
        String before = copyIn("damaged");
        Keys keys = Keys.of("damaged");
        put(keys.record("/orphan.txt"), record(keys, "/a/f1"));
        put(keys.content("/orphan.txt"), "left by a crash");
        store.await(store.delete(keys.record("/a/f2")));
        store.await(store.delete(keys.content("/a/f3")));
        store.await(store.delete(keys.inodeCounter()));
        editRecord(keys, "/a/b", r -> PathRecord.inline(r.attributes().withNlink(9, 0), r.page()));
        editRecord(keys, "/a/f4", r -> PathRecord.inline(r.attributes().withSize(1), r.page()));

        CliRun found = check("damaged");
        assertEquals(1, found.exit(), found.toString());
        List<String> problems = found.out().lines().filter(l -> !l.startsWith("note: ")).sorted().toList();
        assertEquals(List.of(
                "/a/b: link count 9, should be 2 (2 + 0 subdirectories)",
                "/a/f2: listed in /a but its record is missing (evicted, or a crash)",
                "/a/f3: its content (6 bytes) is missing (evicted?)",
                "/a/f4: size 1, but its stored content has 6 bytes (a crash while saving it?)",
                "/orphan.txt: orphan content, record: nothing refers to them (left by a crash, or by an eviction above it)",
                "memfis://damaged%cntr: the inode counter is missing (evicted?): mounts cannot create files"), problems);
        assertTrue(found.err().endsWith(", 6 problems, 1 note\n"), found.err());

        CliRun repaired = check("damaged", "--repair");
        assertEquals(1, repaired.exit(), repaired.toString());
        assertEquals(6, repaired.out().lines().filter(l -> l.contains("; repaired: ")).count(), repaired.toString());
        assertTrue(repaired.err().endsWith(", 6 problems (6 repaired), 1 note\n"), repaired.err());

        CliRun again = check("damaged");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().lines().allMatch(l -> l.startsWith("note: ")), again.toString());

        try (Mount m = Mount.of(MEMCACHED, "damaged")) {
            Shell.ok(m.path(), "find . -type f -exec cat {} + > /dev/null; ls -lR > /dev/null; printf new > a/new.txt");
            String after = Shell.ok(m.path(), SUMS);
            assertEquals(withoutDamaged(before), withoutDamaged(after.replaceAll("(?m)^.*new\\.txt.*\\n", "")));
        }
    }

    @Test
    void aMissingFormatMarkerIsRefusedByMountsUntilRepaired() {
        copyIn("marker");
        store.await(store.delete(Keys.of("marker").format()));
        FsException refused = assertThrows(FsException.class, () -> MemFs.open(store, FsOptions.defaults("marker")
                .withHealthInterval(Duration.ZERO)));
        assertEquals("namespace memfis://marker has files but no format marker (memcached evicted it?):"
                + " run memfis check --repair", refused.getMessage());
        assertEquals(1, check("marker", "--repair").exit());
        assertEquals(0, check("marker").exit());
        try (Mount m = Mount.of(MEMCACHED, "marker")) {
            Shell.ok(m.path(), "find . -type f -exec cat {} + > /dev/null");
        }
    }

    @Test
    void aServerThatDoesNotListItsKeysIsCheckedWithoutTheSearchForOrphans() {
        try (MemcachedServer quiet = MemcachedServer.builder().args("-o", "no_lru_crawler").start();
             Store direct = Stores.memcached(List.of(quiet.address()), Duration.ofSeconds(2))) {
            try (Mount m = Mount.of(quiet, "quiet")) {
                Shell.ok(work, "cp -a src/a/. '" + m.path() + "'/");
            }
            Keys keys = Keys.of("quiet");
            direct.await(direct.delete(keys.record("/f7")));
            direct.await(direct.set(keys.record("/never-listed"), direct.await(direct.get(keys.record("/f8"))).value()));
            String[] args = {"check", "-s", quiet.servers(), "-n", "quiet"};
            CliRun run = CliRun.of(args);
            assertEquals(1, run.exit(), run.toString());
            assertEquals("/f7: listed in / but its record is missing (evicted, or a crash)\n"
                    + "note: memfis://quiet: orphans not searched: memcached " + quiet.servers()
                    + " does not list its keys: CLIENT_ERROR lru crawler disabled\n", run.out());
            assertEquals(1, CliRun.of("check", "--repair", "-s", quiet.servers(), "-n", "quiet").exit());
            assertEquals(0, CliRun.of(args).exit());
        }
    }

    /**
     * Memory does not grow with the namespace as it did (every key and every file's record
     * held until the end): a check in a heap that ran out before is consistent.
     */
    @Test
    void aNamespaceLargerThanASmallHeapIsCheckedInIt() {
        int dirs = 20;
        int perDir = MANY_FILES / dirs;
        try (MemFs fs = MemFs.open(store, FsOptions.defaults("many").withHealthInterval(Duration.ZERO))) {
            for (int d = 0; d < dirs; d++) {
                String dir = "/directory-with-a-long-name-" + d;
                fs.mkdir(dir, 0755, 0, 0);
                List<NewEntry> entries = new java.util.ArrayList<>();
                for (int i = 0; i < perDir; i++) {
                    entries.add(new NewEntry("a-file-with-a-name-as-long-as-many-are-" + i + ".html", FileType.FILE,
                            0644, 0, 0, null, 0));
                }
                for (int from = 0; from < perDir; from += 1000) {
                    List<NewEntry> batch = entries.subList(from, Math.min(perDir, from + 1000));
                    List<Created> made = fs.createAll(dir, batch);
                    for (int i = 0; i < made.size(); i++) {
                        fs.release(made.get(i).fh(), dir + "/" + batch.get(i).name());
                    }
                }
            }
        }
        Shell.Result run = MemfisCli.run(MemfisCli.commandWithHeap(SMALL_HEAP,
                "check", "-s", MEMCACHED.servers(), "-n", "many"));
        assertEquals(0, run.exit(), run.toString());
        assertEquals("memfis: many: " + (MANY_FILES + dirs) + " entries checked, consistent\n", run.err());
    }

    @Test
    void whatCannotBeCheckedIsExitTwoInOneLine() {
        CliRun none = check("nothing-here");
        assertEquals(2, none.exit(), none.toString());
        assertEquals("memfis: there is no namespace memfis://nothing-here on these servers: no format marker,"
                + " no root directory\n", none.err());

        CliRun down = CliRun.of("check", "-s", "127.0.0.1:1", "-n", "x");
        assertEquals(2, down.exit(), down.toString());
        assertEquals("memfis: no memcached answers at 127.0.0.1:1\n", down.err());

        CliRun bad = CliRun.of("check", "-s", MEMCACHED.servers(), "-n", "no/slashes");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("memfis: invalid namespace 'no/slashes'"), bad.toString());
        assertEquals(1, bad.err().lines().count());
    }

    /** Copies the tree into a mount of {@code namespace}; what {@link #SUMS} says of it there. */
    private String copyIn(String namespace) {
        try (Mount m = Mount.of(MEMCACHED, namespace)) {
            Shell.ok(work, "cp -a src/. '" + m.path() + "'/");
            return Shell.ok(m.path(), SUMS);
        }
    }

    private CliRun check(String namespace, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("check", "-s", MEMCACHED.servers(), "-n", namespace));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** The lines of files the test damaged go, and so do the times of their directories (a repair changes them). */
    private static String withoutDamaged(String sums) {
        return sums.lines().filter(l -> !l.matches(".*\\./a/f[234]$|^a/f[234] .*|^a .*|^a/b .*|^ .*"))
                .reduce("", (x, y) -> x + y + "\n");
    }

    private byte[] record(Keys keys, String like) {
        return store.await(store.get(keys.record(like))).value();
    }

    private void put(String key, Object value) {
        byte[] bytes = value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8);
        store.await(store.set(key, bytes));
    }

    private void editRecord(Keys keys, String path, java.util.function.UnaryOperator<PathRecord> change) {
        PathRecord r = Json.decodePathRecord(record(keys, path));
        put(keys.record(path), Json.encode(change.apply(r)));
    }
}
