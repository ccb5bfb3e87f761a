package io.memfis.mount;

import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --writeback} with real tools, a real mount and a real memcached: what a copy
 * leaves is what a fresh mount finds after unmount; the writing mount sees its own queued
 * files at once; a store that fails is told by fsync, the log and the exit status; the
 * memory cap holds a writer back; changes of queued files come out right; two mounts
 * creating one name end with one of them, the other reported.
 */
@MountTag
class WritebackMountTest {

    @RegisterExtension
    final MemcachedServer memcached = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    /** A tree of the kinds cp -a meets: nested directories, empty, small, one-part-plus and large files, modes, times, a symlink. */
    private static final String MAKE_TREE = """
            mkdir -p src/a/b/c src/empty src/x
            for i in $(seq 1 40); do head -c $((i * 997)) /dev/urandom > src/a/f$i; done
            for i in $(seq 1 30); do echo "file $i" > src/a/b/g$i; done
            : > src/a/b/c/empty
            head -c 3000000 /dev/urandom > src/x/large
            echo secret > src/x/private && chmod 600 src/x/private
            chmod 750 src/a/b
            ln -s ../a/f1 src/x/link
            touch -m -d @1000000000 src/a/f3 src/a/b
            """;

    @Test
    void copyIsWhatAFreshMountFindsAfterUnmountAndTheWritingMountSeesItAtOnce() throws Exception {
        Shell.ok(work, MAKE_TREE);
        Path m = Files.createDirectory(work.resolve("m"));
        try (MemfisProcess mount = writeback(m, "wb")) {
            Shell.ok(work, "cp -a src/. m/");
            // right after the copy, through the writing mount: contents, modes, sizes, times
            Shell.ok(work, "diff -r --no-dereference src m");
            assertEquals(listing("src"), listing("m"));
            mount.unmount();
            assertEquals(0, mount.exitCode(), mount.output());
        }
        try (MemfisProcess fresh = MemfisProcess.mount(m, "-s", memcached.servers(), "-n", "wb")) {
            Shell.ok(work, "diff -r --no-dereference src m");
            assertEquals(listing("src"), listing("m"));
        }
    }

    @Test
    void queuedFilesAnswerInTheWritingMountAndUnmountStoresThemAll() throws Exception {
        Path m = Files.createDirectory(work.resolve("m"));
        try (MemfisProcess mount = writeback(m, "wb", "--attr-timeout", "60", "--timeout", "1")) {
            Shell.ok(work, "mkdir m/d");
            memcached.pause();
            try {
                // nothing of this reaches memcached: creates and closes answer from the mount
                Shell.ok(work, "for i in $(seq 1 10); do echo \"content $i\" > m/d/f$i; done");
                assertEquals("content 7\n", Shell.ok(work, "cat m/d/f7"));
                assertEquals("10 644", Shell.ok(work, "stat -c '%s %a' m/d/f9").trim());
                Shell.ok(work, "chmod 600 m/d/f1 && touch -m -d @1000000000 m/d/f2");
                assertEquals("600", Shell.ok(work, "stat -c %a m/d/f1").trim());
                assertEquals("1000000000", Shell.ok(work, "stat -c %Y m/d/f2").trim());
                // fusermount -u returns at once; the process stays until everything is stored
                Shell.ok(work, "fusermount -u m");
                Thread.sleep(500); // memcached is paused: nothing can be polled but the process, which must wait
                assertTrue(mount.isAlive(), "the mount process waits for memcached:\n" + mount.output());
            } finally {
                memcached.resume();
            }
            assertTrue(mount.awaitExit(60), mount.output());
            assertEquals(0, mount.exitCode(), mount.output());
            try (Store store = store()) {
                List<String> keys = store.keys("memfis://wb/d/f");
                assertEquals(20, keys.size(), "10 records and 10 contents: " + keys);
            }
        }
        try (MemfisProcess fresh = MemfisProcess.mount(m, "-s", memcached.servers(), "-n", "wb")) {
            assertEquals("content 10\n", Shell.ok(work, "cat m/d/f10"));
            assertEquals("600", Shell.ok(work, "stat -c %a m/d/f1").trim());
            assertEquals("1000000000", Shell.ok(work, "stat -c %Y m/d/f2").trim());
            assertEquals("10", Shell.ok(work, "ls m/d | wc -l").trim());
        }
    }

    @Test
    void aFailedStoreIsToldByFsyncTheLogAndTheExitStatus() throws Exception {
        Path m = Files.createDirectory(work.resolve("m"));
        try (MemcachedServer small = MemcachedServer.builder().memoryMb(64).start();
             MemfisProcess mount = MemfisProcess.mount(m, "-s", small.servers(), "-n", "full", "--writeback")) {
            // 100 files of 1 MB into 64 MB: closes answer, the stores beyond the memory fail
            Shell.ok(work, "mkdir m/d && for i in $(seq 1 100); do head -c 1000000 /dev/zero > m/d/f$i; done");
            Shell.Result sync = Shell.run(work, "sync m/d/f1");
            assertTrue(sync.exit() != 0 && sync.err().contains("Input/output error"), "fsync says EIO: " + sync);
            // told once: the next fsync has nothing new to tell
            Shell.ok(work, "sync m/d/f1");
            mount.unmount();
            assertEquals(3, mount.exitCode(), "the exit status says files were lost:\n" + mount.output());
            assertTrue(mount.output().contains("could not store /d/f"), "the log names the path:\n" + mount.output());
            assertTrue(mount.output().contains("file(s) could not be stored"), mount.output());
        }
    }

    /**
     * dd closes a duplicate of its output while the file is still empty, then the file:
     * the queue holds the file from the first close, and the second must grow that hold's
     * share of the cap (it used to reserve beside it and free at once: 8 of 10 passed).
     * Each new name's lookup looks at the format marker at most every 100 ms, which waits
     * for the --timeout (1 s) while memcached is paused: a writer not held by the cap still
     * passes about a file a second, so the test watches for several seconds.
     */
    @Test
    void aWriterWaitsAtTheMemoryCap() throws Exception {
        Path m = Files.createDirectory(work.resolve("m"));
        try (MemfisProcess mount = writeback(m, "cap", "--writeback-memory", "1M", "--timeout", "1",
                "--attr-timeout", "60")) {
            Shell.ok(work, "mkdir m/d");
            memcached.pause();
            CompletableFuture<Shell.Result> writer;
            try {
                writer = CompletableFuture.supplyAsync(() -> Shell.run(work, "for i in $(seq 1 10); do "
                        + "dd if=/dev/urandom of=m/d/f$i bs=300000 count=1 status=none && echo $i >> written; done"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (written() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(3, written(), "three files of 300 KB fit in 1 MB");
                Thread.sleep(4000); // a writer held back has nothing to poll: four timeouts' time to go past the cap if it could
                assertTrue(written() <= 4, "the writer waits at the cap, wrote " + written());
                assertFalse(writer.isDone(), "the writer waits");
            } finally {
                memcached.resume();
            }
            writer.get().ok();
            assertEquals(10, written());
            mount.unmount();
            assertEquals(0, mount.exitCode(), mount.output());
        }
        try (MemfisProcess fresh = MemfisProcess.mount(m, "-s", memcached.servers(), "-n", "cap")) {
            assertEquals("300000 300000", Shell.ok(work, "stat -c %s m/d/f1 m/d/f10 | tr '\\n' ' '").trim());
        }
    }

    @Test
    void removingRenamingAndChangingQueuedFilesComesOutRightInTheStore() throws Exception {
        Path m = Files.createDirectory(work.resolve("m"));
        try (MemfisProcess mount = writeback(m, "ch", "--timeout", "1", "--attr-timeout", "60")) {
            Shell.ok(work, "mkdir m/d");
            memcached.pause();
            CompletableFuture<Shell.Result> changes;
            try {
                Shell.ok(work, "for f in a b c d e; do echo $f > m/d/$f; done");
                // these act on files still queued: rm and mv wait for their stores, chmod and utime join them
                changes = CompletableFuture.supplyAsync(() -> Shell.run(work,
                        "rm m/d/a && mv m/d/b m/d/b2 && chmod 600 m/d/c && touch -m -d @1000000000 m/d/d "
                                + "&& mv m/d/e m/d/e2 && chmod 640 m/d/e2"));
                Thread.sleep(500); // memcached is paused: the changes cannot be done yet, nothing to poll
            } finally {
                memcached.resume();
            }
            changes.get().ok();
            mount.unmount();
            assertEquals(0, mount.exitCode(), mount.output());
        }
        try (MemfisProcess fresh = MemfisProcess.mount(m, "-s", memcached.servers(), "-n", "ch")) {
            assertEquals("b2 c d e2", Shell.ok(work, "ls m/d | tr '\\n' ' '").trim());
            assertEquals("b\n", Shell.ok(work, "cat m/d/b2"));
            assertEquals("600", Shell.ok(work, "stat -c %a m/d/c").trim());
            assertEquals("1000000000", Shell.ok(work, "stat -c %Y m/d/d").trim());
            assertEquals("640 e", Shell.ok(work, "stat -c %a m/d/e2; cat m/d/e2").replace('\n', ' ').trim());
        }
        try (Store store = store()) {
            for (String gone : List.of("a", "b", "e")) {
                String key = "memfis://ch/d/" + gone;
                assertEquals(List.of(), store.keys(key).stream().filter(k -> k.equals(key) || k.startsWith(key + "%")).toList(),
                        "nothing left under /d/" + gone);
            }
        }
    }

    @Test
    void twoMountsCreatingOneNameEndWithOneTheOtherReported() throws Exception {
        Path a = Files.createDirectory(work.resolve("a"));
        Path b = Files.createDirectory(work.resolve("b"));
        String loser;
        try (MemfisProcess ma = writeback(a, "two", "--attr-timeout", "60");
             MemfisProcess mb = writeback(b, "two", "--attr-timeout", "60")) {
            Shell.ok(work, "mkdir a/d && sleep 0.1 && ls b/d && ls a/d");
            // each mount knows d empty: both create x at once, and both creates answer
            Shell.ok(work, "echo from-a > a/d/x & echo from-b > b/d/x & wait");
            ma.unmount();
            mb.unmount();
            List<Integer> codes = List.of(ma.exitCode(), mb.exitCode());
            assertTrue(codes.contains(0) && codes.contains(3), "one store lands, the other is reported: " + codes
                    + "\n" + ma.output() + "\n" + mb.output());
            MemfisProcess lost = ma.exitCode() == 3 ? ma : mb;
            assertTrue(lost.output().contains("could not store /d/x"), lost.output());
            assertTrue(lost.output().contains("EEXIST"), lost.output());
            loser = lost == ma ? "a" : "b";
        }
        try (MemfisProcess fresh = MemfisProcess.mount(a, "-s", memcached.servers(), "-n", "two")) {
            String winner = loser.equals("a") ? "b" : "a";
            assertEquals("from-" + winner + "\n", Shell.ok(work, "cat a/d/x"), "the first store stays, whole");
            assertEquals("x", Shell.ok(work, "ls a/d").trim());
        }
    }

    private MemfisProcess writeback(Path mountPoint, String namespace, String... more) {
        List<String> args = new ArrayList<>(List.of("-s", memcached.servers(), "-n", namespace, "-o", "writeback"));
        args.addAll(List.of(more));
        return MemfisProcess.mount(mountPoint, args.toArray(String[]::new));
    }

    /** Type, mode, size (but of directories and links) and mtime of every entry below {@code dir}, sorted. */
    private String listing(String dir) {
        return Shell.ok(work, "cd " + dir + " && find . -mindepth 1 -printf '%p %y %m %Ts ' "
                + "-a \\( -type f -printf '%s\\n' -o -printf '\\n' \\) | sort");
    }

    private int written() throws IOException {
        Path f = work.resolve("written");
        return Files.exists(f) ? (int) Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count() : 0;
    }

    private Store store() {
        return Stores.memcached(List.of(memcached.address()), Duration.ofSeconds(2));
    }
}
