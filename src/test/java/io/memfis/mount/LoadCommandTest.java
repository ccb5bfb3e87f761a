package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.memfis.mount.TreeComparison.assertSameTree;
import static io.memfis.mount.TreeComparison.quote;
import static io.memfis.mount.TreeComparison.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code memfis load}: re-runs that send only what changed, --dry-run, --into, failures, progress, usage. */
@MountTag
class LoadCommandTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    /** Changes of every kind a re-run must notice, and one removal it must not act on. */
    private static final String CHANGES = String.join("\n",
            "set -euo pipefail",
            "printf 'changed' > plain.txt",
            "printf 'more' >> 'hash#tag'",
            "chmod 600 script.sh",
            "setfattr -n user.new -v 1 one-part.bin",
            "touch -d '2005-01-01 00:00:00.25' emptydir",
            "printf 'new' > brand-new.txt",
            "rm secret",
            "rm 'a name with spaces.txt' && mkdir 'a name with spaces.txt'",
            "ln -sfn other-target rel-link");

    @Test
    void aSecondLoadSendsNothingAndAThirdOnlyWhatChanged() {
        Path src = tree();
        load(src, "rerun");

        Map<String, Long> before = counters();
        Shell.Result again = load(src, "rerun");
        Map<String, Long> after = counters();
        assertTrue(again.err().contains(" 0 sent, "), again.err());
        for (String write : List.of("cmd_set", "delete_hits", "delete_misses", "incr_hits", "incr_misses")) {
            assertEquals(before.get(write), after.get(write), write + " changed: the re-run wrote something");
        }

        Shell.ok(src, CHANGES);
        Set<String> planned = lines(load(src, "rerun", "--dry-run").out());
        Set<String> expected = new TreeSet<>(List.of("attributes /", "update /hash#tag", "attributes /script.sh",
                "attributes /one-part.bin", "attributes /emptydir", "create /brand-new.txt",
                "replace /a name with spaces.txt", "replace /rel-link"));
        Set<String> updatedLinks = planned.stream().filter(l -> l.startsWith("update /") && !l.equals("update /hash#tag"))
                .collect(Collectors.toSet());
        assertEquals(1, updatedLinks.size(), "one name of the hard-linked plain.txt is updated: " + planned);
        assertTrue(Set.of("update /plain.txt", "update /hard1", "update /dir with space/hard2")
                .containsAll(updatedLinks), planned.toString());
        planned.removeAll(updatedLinks);
        assertEquals(expected, planned);

        load(src, "rerun");
        try (Mount mount = Mount.of(MEMCACHED, "rerun")) {
            assertTrue(Files.exists(mount.resolve("secret")), "a file DIR no longer has stays, as with rsync");
            Shell.ok(mount.path(), "rm secret && touch -r " + quote(src) + " .");
            assertSameTree(src, mount.path());
        }
        assertEquals(Set.of(), lines(load(src, "rerun", "--dry-run").out()));
    }

    @Test
    void deleteRemovesWhatTheDirectoryLacksAndDryRunListsIt() {
        Path src = tree();
        load(src, "delete");
        Shell.ok(src, "rm secret && rm -r 'dir with space' && mkdir gone-later && touch -r plain.txt .");
        try (Mount mount = Mount.of(MEMCACHED, "delete")) {
            Shell.ok(mount.path(), "printf extra > extra.txt && mkdir -p only/there && printf x > only/there/f");
        }
        Set<String> planned = lines(load(src, "delete", "--delete", "--dry-run").out());
        assertTrue(planned.containsAll(List.of("delete /secret", "delete /dir with space", "delete /extra.txt",
                "delete /only", "create /gone-later")), planned.toString());
        assertEquals(4, planned.stream().filter(l -> l.startsWith("delete ")).count(), planned.toString());

        Shell.Result r = load(src, "delete", "--delete");
        assertTrue(r.err().contains(", 4 deleted"), r.err());
        try (Mount mount = Mount.of(MEMCACHED, "delete")) {
            assertSameTree(src, mount.path());
        }
        assertEquals(Set.of(), lines(load(src, "delete", "--delete", "--dry-run").out()));
        Shell.Result check = MemfisCli.run("check", "-s", MEMCACHED.servers(), "-n", "delete");
        assertEquals(0, check.exit(), check.out() + check.err());
    }

    @Test
    void dryRunChangesNothingNotEvenTheNamespace() {
        Path src = tree();
        Shell.Result r = load(src, "neverformatted", "--dry-run");
        Set<String> planned = lines(r.out());
        int entries = Integer.parseInt(Shell.ok(src, "find . -printf x | wc -c").trim());
        assertEquals(entries, planned.size(), r.out());
        assertTrue(planned.contains("create /"), r.out());
        assertTrue(planned.contains("create /new\\x0aline"), "control characters escaped: " + r.out());
        // plain.txt has three names and big.bin two: the first one met is created, the others linked
        assertEquals(3, planned.stream().filter(l -> l.startsWith("link /")).count(), r.out());
        assertTrue(r.err().startsWith("memfis: dry run of " + src + " into memfis://neverformatted/: " + entries
                + " entries, " + entries + " would change"), r.err());
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(5))) {
            assertEquals(List.of(), store.keys("memfis://neverformatted"));
        }
    }

    /**
     * A new small file is made complete: its record with its final attributes, then its
     * content (two writes, where create, the attribute calls and close took three), and it
     * reads back as on disk; a file with extended attributes, a large one and a hard link take
     * the way through an open file.
     */
    @Test
    void aNewSmallFileCostsTwoWritesAndReadsBackAsOnDisk() {
        Path src = work.resolve("flat");
        Shell.ok(work, "mkdir -p flat/sub && cd flat && for i in $(seq 0 599); do"
                + " head -c $(( i * 13 )) /dev/urandom > f$i.html; touch -d \"@$(( 1000000000 + i )).25\" f$i.html; done"
                + " && chmod 600 f3.html && chmod 4755 f4.html && setfattr -n user.x -v 1 f5.html"
                + " && head -c 3000000 /dev/urandom > sub/large.bin && printf h > sub/h && ln sub/h hard");
        Map<String, Long> before = counters();
        load(src, "twowrites");
        Map<String, Long> after = counters();
        long writes = after.get("cmd_set") - before.get("cmd_set");
        assertTrue(writes <= 2 * 600 + 60, writes + " writes (set, add, cas) for 600 small files");
        long incrs = after.get("incr_hits") + after.get("incr_misses") - before.get("incr_hits") - before.get("incr_misses");
        assertTrue(incrs <= 6, incrs + " increments: a run of new names takes its inode numbers at once");
        try (Mount mount = Mount.of(MEMCACHED, "twowrites")) {
            assertSameTree(src, mount.path());
        }
    }

    /**
     * A new directory's times go with the update of its record that lists its last new
     * entries, as the utimens cp makes after them would set them, without a request of their
     * own; and its first page is not read before its first entry is listed.
     */
    @Test
    void aNewDirectorysTimesCostNoRequestOfTheirOwn() {
        Path src = work.resolve("dirs");
        Shell.ok(work, "mkdir dirs && cd dirs && for i in $(seq 0 99); do mkdir d$i && printf $i > d$i/index.html"
                + " && touch -d \"@$(( 1000000000 + i )).5\" d$i/index.html && touch -d \"@$(( 1100000000 + i )).25\" d$i;"
                + " done");
        Map<String, Long> before = counters();
        load(src, "dirtimes");
        Map<String, Long> after = counters();
        long writes = after.get("cmd_set") - before.get("cmd_set");
        // per directory: its record and first page (add), its file's record (add) and content (set), its listing
        // and its record (cas), with its times: six; and its share of its parent's listing and record
        assertTrue(writes <= 6 * 100 + 20, writes + " writes (set, add, cas) for 100 directories of one small file");
        // nor a read of a new directory's first page before its first name goes in: its add told its token
        long reads = after.get("cmd_get") - before.get("cmd_get");
        assertTrue(reads <= 20, reads + " reads for 100 new directories");
        try (Mount mount = Mount.of(MEMCACHED, "dirtimes")) {
            assertSameTree(src, mount.path());
        }
    }

    @Test
    void intoCreatesTheMissingDirectories() {
        Path src = tree();
        load(src, "into", "--into", "/www/site/");
        try (Mount mount = Mount.of(MEMCACHED, "into")) {
            assertSameTree(src, mount.resolve("www/site"));
            assertEquals("drwxr-xr-x", Shell.ok(mount.path(), "stat -c %A www").trim());
        }
    }

    @Test
    void failedEntriesAreListedAndTheRestIsLoaded() {
        Path src = work.resolve("src");
        Shell.ok(work, "mkdir -p src/sub && printf ok > src/fine.txt && printf x > src/sub/$'bad\\xffname'"
                + " && printf y > src/sub/other.txt && mkdir src/$'dir\\xfe' && printf z > src/$'dir\\xfe'/inner");
        Shell.Result r = run(src, "failures");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("memfis: 2 entries could not be loaded:"), r.err());
        assertTrue(r.err().contains("/sub/bad\uFFFDname: name is not valid UTF-8"), r.err());
        assertTrue(r.err().contains("/dir\uFFFD: "), r.err());
        assertTrue(r.err().contains(", 2 failed\n"), r.err());
        try (Mount mount = Mount.of(MEMCACHED, "failures")) {
            assertEquals("ok", Shell.ok(mount.path(), "cat fine.txt"));
            assertEquals("y", Shell.ok(mount.path(), "cat sub/other.txt"));
        }
    }

    /**
     * memcached stops answering (SIGSTOP) for longer than the load's timeout in the middle of
     * a load: what it did not answer for is tried again at the end, and the load is complete,
     * with no orphan left by the creates cut short.
     */
    @Test
    void entriesMemcachedDidNotAnswerForAreTriedAgainAtTheEnd() throws Exception {
        Path src = work.resolve("stall");
        Shell.ok(work, "mkdir stall && cd stall && for d in $(seq 0 39); do mkdir d$d;"
                + " for f in $(seq 0 249); do printf \"$d $f\" > d$d/f$f.html; done; done");
        long itemsBefore = counters().get("curr_items");
        Process load = MemfisCli.start("load", "-s", MEMCACHED.servers(), "-n", "stall", "--timeout", "1",
                src.toString());
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(load.getErrorStream()));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (counters().get("curr_items") < itemsBefore + 2000) {
                assertTrue(load.isAlive() && System.nanoTime() < deadline, "the load ended before the stall");
                Thread.sleep(2);
            }
            MEMCACHED.pause();
            try {
                Thread.sleep(2500); // a stall, as long as it is: nothing to poll, it must outlast the 1 s timeout
            } finally {
                MEMCACHED.resume();
            }
            assertTrue(load.waitFor(120, TimeUnit.SECONDS), "the load did not end");
        } finally {
            load.destroyForcibly();
        }
        assertEquals(0, load.exitValue(), err.join());
        Matcher retried = Pattern.compile(", (\\d+) retried\n").matcher(err.join());
        assertTrue(retried.find() && Integer.parseInt(retried.group(1)) > 0, err.join());
        try (Mount mount = Mount.of(MEMCACHED, "stall")) {
            assertSameTree(src, mount.path());
        }
        Shell.Result check = MemfisCli.run("check", "-s", MEMCACHED.servers(), "-n", "stall");
        assertEquals(0, check.exit(), check.out() + check.err());
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    /** The bar itself is ProgressBarTest's; here, a terminal changes nothing else. */
    @Test
    void onATerminalTheLoadEndsWithItsSummary() {
        Path src = tree();
        String command = MemfisCli.command("load", "-s", MEMCACHED.servers(), "-n", "tty", src.toString()).stream()
                .map(LoadCommandTest::shellWord).collect(Collectors.joining(" "));
        String out = Shell.ok(work, "script -qec " + shellWord(command) + " /dev/null");
        assertTrue(out.contains("memfis: loaded " + src + " into memfis://tty/"), out);
    }

    @Test
    void badUsageIsExitTwoAndAnUnreachableServerExitOne() {
        Path src = tree();
        Shell.Result notDir = MemfisCli.run("load", "-s", MEMCACHED.servers(), "-n", "x", work.resolve("nope").toString());
        assertEquals(2, notDir.exit());
        assertEquals("memfis: " + work.resolve("nope") + " is not a directory\n", notDir.err());
        Shell.Result relative = MemfisCli.run("load", "-s", MEMCACHED.servers(), "--into", "www", src.toString());
        assertEquals(2, relative.exit());
        assertTrue(relative.err().startsWith("memfis: --into must be an absolute path"), relative.err());
        Shell.Result down = MemfisCli.run("load", "-s", "127.0.0.1:1", "--timeout", "1", src.toString());
        assertEquals(1, down.exit());
        assertEquals("memfis: no memcached answers at 127.0.0.1:1\n", down.err());
    }

    private Path tree() {
        Shell.ok(work, "mkdir src && cd src && bash " + script("awkward-tree.sh"));
        return work.resolve("src");
    }

    /** A load that must succeed. */
    private static Shell.Result load(Path src, String namespace, String... more) {
        Shell.Result r = run(src, namespace, more);
        assertEquals(0, r.exit(), r.out() + r.err());
        return r;
    }

    private static Shell.Result run(Path src, String namespace, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("load", "-s", MEMCACHED.servers(), "-n", namespace));
        args.addAll(Arrays.asList(more));
        args.add(src.toString());
        return MemfisCli.run(args.toArray(String[]::new));
    }

    private static String shellWord(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The plan lines of a dry run. */
    private static Set<String> lines(String out) {
        return Arrays.stream(out.split("\n")).filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** memcached's own counts of requests, to prove that nothing was written. */
    private static Map<String, Long> counters() {
        try (Socket s = new Socket(MEMCACHED.host(), MEMCACHED.port())) {
            OutputStream out = s.getOutputStream();
            out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder text = new StringBuilder();
            byte[] buf = new byte[8192];
            while (!text.toString().endsWith("END\r\n")) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            Map<String, Long> stats = new HashMap<>();
            for (String line : text.toString().split("\r\n")) {
                String[] p = line.split(" ");
                if (p.length == 3 && p[0].equals("STAT") && p[2].matches("\\d+")) {
                    stats.put(p[1], Long.parseLong(p[2]));
                }
            }
            return stats;
        } catch (IOException e) {
            throw new AssertionError("memcached stats: " + e, e);
        }
    }
}
