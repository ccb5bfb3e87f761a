package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two mounts of one namespace, as two hosts would have, each with eight writer processes
 * (concurrency/writer.sh) that create, write, replace, rename, link, chmod and remove
 * files in the same three directories, and take turns on a few files they all share.
 * Afterwards the logs of what succeeded say exactly what must exist: every listing, read
 * from both mounts after the attribute timeout and from a fresh mount, must hold exactly
 * those names (none lost, none phantom), every file the content of its last complete
 * write and its mode, inode numbers must be unique but for the names of one hard-linked
 * file; and memcached must hold no key of a file that is gone (nginx would serve it).
 *
 * <p>CI runs it for {@value #DEFAULT_SECONDS} s; tests/concurrency.sh runs it longer
 * ({@code -Dmemfis.concurrency.seconds=N -Dmemfis.concurrency.writers=N}).
 */
@MountTag
class ConcurrentMountsTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final int DEFAULT_SECONDS = 20;
    private static final int SECONDS = Integer.getInteger("memfis.concurrency.seconds", DEFAULT_SECONDS);
    private static final int WRITERS = Integer.getInteger("memfis.concurrency.writers", 8);
    private static final String NS = "concurrent";
    private static final Duration ATTR_TIMEOUT = Duration.ofSeconds(1);
    /** Small listing pages, so that the directories span many of them and writers meet at page ends. */
    private static final int PAGE_BYTES = 1024;

    @TempDir
    Path work;

    @Test
    void everyListingAndFileIsWhatTheWritersLogsSay() throws Exception {
        FsOptions options = FsOptions.defaults(NS).withAttrTimeout(ATTR_TIMEOUT);
        formatWithSmallPages(options);
        Path script = Path.of(getClass().getResource("/concurrency/writer.sh").toURI());
        Path logs = Files.createDirectory(work.resolve("logs"));
        try (Mount a = Mount.of(MEMCACHED, options); Mount b = Mount.of(MEMCACHED, options)) {
            Shell.ok(a.path(), "mkdir d0 d1 d2");
            List<Process> writers = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            try {
                for (int i = 0; i < WRITERS; i++) {
                    for (Mount m : List.of(a, b)) {
                        String id = (m == a ? "a" : "b") + i;
                        ids.add(id);
                        writers.add(new ProcessBuilder("bash", script.toString(), m.path().toString(), id,
                                String.valueOf(SECONDS), logs.resolve(id + ".log").toString(),
                                logs.resolve("errors").toString(), logs.resolve("lock").toString(),
                                logs.resolve("shared.log").toString(), String.valueOf(id.hashCode() & 0x7fff))
                                .redirectErrorStream(true).redirectOutput(logs.resolve(id + ".out").toFile())
                                .redirectInput(new java.io.File("/dev/null")).start());
                    }
                }
                for (Process p : writers) {
                    if (!p.waitFor(SECONDS + 180L, TimeUnit.SECONDS)) {
                        fail("a writer did not finish within " + (SECONDS + 180) + " s");
                    }
                }
            } finally {
                for (Process p : writers) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
            String errors = read(logs.resolve("errors"));
            assertEquals("", errors, "failed operations (writer output: " + outputs(logs, ids) + ")");

            ExpectedTree expected = new ExpectedTree();
            for (String id : ids) {
                expected.replay(id, Files.readAllLines(logs.resolve(id + ".log")));
            }
            expected.replayShared(lines(logs.resolve("shared.log")));
            assertTrue(expected.operations > 20L * ids.size(), "too few operations: " + expected.operations);
            System.out.printf("concurrency: %d writers, %d s, %d operations (%.0f/s), %d files, %d tolerated ENOENT%n",
                    ids.size(), SECONDS, expected.operations, expected.operations / (double) SECONDS,
                    expected.files.size(), expected.tolerated);

            Thread.sleep(ATTR_TIMEOUT.toMillis() * 2);
            assertTree("mount a", a.path(), expected);
            assertTree("mount b", b.path(), expected);
            try (Mount fresh = Mount.of(MEMCACHED, options)) {
                assertTree("a fresh mount", fresh.path(), expected);
                assertStoreHoldsOnlyLiveFiles(fresh, expected);
            }
        }
    }

    /** Formats the namespace, then sets the page size in its marker before any mount reads it. */
    private static void formatWithSmallPages(FsOptions options) {
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2))) {
            FormatMarker format;
            try (MemFs fs = MemFs.open(store, options.withHealthInterval(Duration.ZERO))) {
                format = fs.format();
            }
            store.await(store.set(Keys.of(NS).format(), Json.encode(new FormatMarker(format.layout(),
                    format.partSize(), PAGE_BYTES))));
        }
    }

    /** What one mount shows: directories, files with inode, mode, links, size and MD5. */
    private static void assertTree(String where, Path root, ExpectedTree expected) {
        Map<String, String[]> stats = new TreeMap<>();
        Set<String> dirs = new TreeSet<>();
        for (String line : Shell.ok(root, "find . -mindepth 1 -printf '%y\\t%i\\t%m\\t%n\\t%s\\t%P\\n'").split("\n")) {
            String[] f = line.split("\t", 6);
            if (f[0].equals("d")) {
                dirs.add(f[5]);
            } else {
                stats.put(f[5], f);
            }
        }
        Map<String, String> md5 = new HashMap<>();
        for (String line : Shell.ok(root, "find . -type f -exec md5sum {} +").split("\n")) {
            md5.put(line.substring(36), line.substring(0, 32));
        }

        assertEquals(expected.dirs, dirs, where + ": directories");
        Set<String> lost = new TreeSet<>(expected.files.keySet());
        lost.removeAll(stats.keySet());
        Set<String> phantom = new TreeSet<>(stats.keySet());
        phantom.removeAll(expected.files.keySet());
        assertTrue(lost.isEmpty() && phantom.isEmpty(), where + ": lost " + lost + ", phantom " + phantom);

        Map<ExpectedTree.File, String> inodeOf = new IdentityHashMap<>();
        Map<String, ExpectedTree.File> fileOfInode = new HashMap<>();
        Map<ExpectedTree.File, Integer> names = new IdentityHashMap<>();
        expected.files.values().forEach(f -> names.merge(f, 1, Integer::sum));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, ExpectedTree.File> e : expected.files.entrySet()) {
            String path = e.getKey();
            ExpectedTree.File file = e.getValue();
            String[] s = stats.get(path);
            if (!s[0].equals("f") || Long.parseLong(s[4]) != file.size || !file.md5().equals(md5.get(path))) {
                wrong.add(path + " (" + s[0] + ", " + s[4] + " bytes): not write " + file.seq + " of "
                        + file.writer + " (" + file.size + " bytes)");
            }
            if (Integer.parseInt(s[2], 8) != file.mode) {
                wrong.add(path + ": mode " + s[2] + ", not " + Integer.toOctalString(file.mode));
            }
            if (Integer.parseInt(s[3]) != names.get(file)) {
                wrong.add(path + ": " + s[3] + " links, not " + names.get(file));
            }
            String ino = s[1];
            String known = inodeOf.putIfAbsent(file, ino);
            if (known != null && !known.equals(ino)) {
                wrong.add(path + ": inode " + ino + ", but another name of the same file has " + known);
            }
            ExpectedTree.File other = fileOfInode.putIfAbsent(ino, file);
            if (other != null && other != file) {
                wrong.add(path + ": inode " + ino + " is also another file's");
            }
        }
        assertEquals(List.of(), wrong, where);
        Set<String> dirInodes = new TreeSet<>();
        for (String d : dirs) {
            String ino = Shell.ok(root, "stat -c %i " + quote(d)).trim();
            assertTrue(dirInodes.add(ino) && !fileOfInode.containsKey(ino), where + ": inode of " + d + " is not unique");
        }
    }

    /**
     * memcached holds the keys of live paths only: no record, listing page or content of a
     * path that is gone (nginx would serve that content), no part or node of a dead inode.
     */
    private static void assertStoreHoldsOnlyLiveFiles(Mount mount, ExpectedTree expected) {
        Keys keys = mount.keys();
        String p = keys.prefix();
        Map<String, String> inodes = new HashMap<>();
        for (String line : Shell.ok(mount.path(), "find . -mindepth 1 -printf '%i\\t%P\\n'").split("\n")) {
            String[] f = line.split("\t", 2);
            inodes.put(f[1], f[0]);
        }
        Set<String> allowed = new TreeSet<>();
        for (String dir : expected.dirs) {
            allowed.add(keys.record("/" + dir));
        }
        for (Map.Entry<String, ExpectedTree.File> e : expected.files.entrySet()) {
            allowed.add(keys.record("/" + e.getKey()));
            allowed.add(keys.content("/" + e.getKey()));
        }
        Pattern pages = Pattern.compile("(.*)%dir\\.\\d+");
        Pattern perInode = Pattern.compile(Pattern.quote(p) + "%(?:data|node)\\.(\\d+).*");
        Set<String> live = new TreeSet<>(inodes.values());
        List<String> stale = new ArrayList<>();
        for (String key : mount.store().keys(p)) {
            if (!keys.owns(key)) {
                continue;
            }
            var page = pages.matcher(key);
            var ofInode = perInode.matcher(key);
            if (page.matches()) {
                if (!key.startsWith(p + "/") || !(expected.dirs.contains(page.group(1).substring(p.length() + 1))
                        || page.group(1).equals(p + "/"))) {
                    stale.add(key);
                }
            } else if (ofInode.matches()) {
                if (!live.contains(ofInode.group(1))) {
                    stale.add(key);
                }
            } else if (key.startsWith(p + "/d") && !allowed.contains(key)) {
                stale.add(key);
            }
        }
        assertEquals(List.of(), stale, "keys of paths or inodes that are gone");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static String outputs(Path logs, List<String> ids) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String id : ids) {
            String out = read(logs.resolve(id + ".out"));
            if (!out.isEmpty()) {
                b.append('\n').append(id).append(": ").append(out.length() > 2000 ? out.substring(0, 2000) : out);
            }
        }
        return b.toString();
    }
}
