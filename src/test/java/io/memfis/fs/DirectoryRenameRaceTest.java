package io.memfis.fs;

import io.memfis.layout.Keys;
import io.memfis.store.Stores;
import io.memfis.tools.Check;
import io.memfis.tools.CheckResult;
import io.memfis.tools.Finding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two mounts renaming one directory at once, made deterministic: the first is stopped in
 * the middle of its copy while the second renames the same directory. One rename wins
 * whole, the other fails with ENOENT having written nothing, and check finds nothing wrong.
 * Once that left the loser's half-copy listed, its names dangling.
 */
class DirectoryRenameRaceTest {

    private static final int FILES = 200;

    private final PausingStore store = new PausingStore(Stores.inMemory(FsFixture.PART));
    private final FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
    private final MemFs a = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)));
    private final MemFs b = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)));
    private final Keys keys = a.keys();

    @AfterEach
    void close() {
        a.close();
        b.close();
        store.close();
    }

    @Test
    void ofTwoMountsRenamingOneDirectoryOneWinsAndTheOtherLeavesNoTrace() throws Exception {
        fill("/d");
        store.pauseGetAll(k -> k.contains(keys.content("/d/f7")));
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> a.rename("/d", "/x"));
        store.awaitPaused();
        assertErrno(Errno.ENOENT, () -> b.rename("/d", "/y"));
        assertErrno(Errno.ENOENT, () -> b.rmdir("/d"));
        store.release();
        first.get(10, TimeUnit.SECONDS);

        try (MemFs fresh = MemFs.open(store, FsFixture.options(clock, Duration.ZERO))) {
            assertEquals(List.of("x"), FsFixture.names(fresh, "/"));
            assertFilled(fresh, "/x");
        }
        assertClean();
    }

    @Test
    void aNameRemovedByAnotherMountWhileTheRenameCopiesIsNotListedInTheCopy() throws Exception {
        fill("/d");
        store.pauseGetAll(k -> k.contains(keys.dirPage("/d", 0)));
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> a.rename("/d", "/x"));
        store.awaitPaused();
        b.unlink("/d/f5");
        store.release();
        first.get(10, TimeUnit.SECONDS);

        try (MemFs fresh = MemFs.open(store, FsFixture.options(clock, Duration.ZERO))) {
            List<String> names = FsFixture.names(fresh, "/x");
            assertEquals(FILES, names.size());
            assertTrue(!names.contains("f5"), "the removed name is not listed");
        }
        assertClean();
    }

    @Test
    void aDirectoryRenameThatFailsHalfWayTakesBackAllItWrote() {
        fill("/d");
        Map<String, String> before = everything();
        // memcached fills up while the rename copies the subdirectory
        store.refuseSets(k -> k.startsWith(keys.content("/x/sub") + "/"));
        assertErrno(Errno.ENOSPC, () -> a.rename("/d", "/x"));
        store.refuseSets(k -> false);
        assertEquals(before, everything(), "every key and value as before the rename");

        b.rename("/d", "/y");
        try (MemFs fresh = MemFs.open(store, FsFixture.options(clock, Duration.ZERO))) {
            assertEquals(List.of("y"), FsFixture.names(fresh, "/"));
            assertFilled(fresh, "/y");
        }
        assertClean();
    }

    @Test
    void aRenameCutShortAfterItsClaimIsFoundAndRepairedByCheck() {
        fill("/d");
        // what a mount that died while copying leaves: the claim on /d, part of the copy as orphans
        String record = keys.record("/d");
        String claimed = text(record).replace("\"nlink\":3", "\"nlink\":0");
        store.await(store.set(record, utf8(claimed)));
        store.await(store.set(keys.record("/x/f1"), utf8(text(keys.record("/d/f1")))));
        store.await(store.set(keys.content("/x/f1"), utf8("content 1")));

        List<Finding> found = new ArrayList<>();
        CheckResult r = Check.run(store, FsFixture.NAMESPACE, true, found::add);
        assertEquals(2, r.problems(), "check: " + found);
        assertTrue(found.stream().anyMatch(f -> f.message().contains("directory rename was interrupted")),
                "check: " + found);
        assertClean();
        try (MemFs fresh = MemFs.open(store, FsFixture.options(clock, Duration.ZERO))) {
            fresh.rename("/d", "/x");
            assertFilled(fresh, "/x");
        }
        assertClean();
    }

    private String text(String key) {
        return new String(store.await(store.get(key)).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aDirectoryRenameOverAnEmptyDirectoryThatFailsHalfWayPutsTheTargetBack() {
        fill("/d");
        a.mkdir("/x", 0700, 0, 0);
        a.setxattr("/x", "user.kept", utf8("yes"), 0);
        Map<String, String> before = everything();
        store.refuseSets(k -> k.startsWith(keys.content("/x/sub") + "/"));
        assertErrno(Errno.ENOSPC, () -> a.rename("/d", "/x"));
        store.refuseSets(k -> false);
        Map<String, String> after = everything();
        // the count of freed inodes (it only feeds statfs) counted the target once
        after.remove(keys.freedCounter());
        assertEquals(before, after, "every key and value as before the rename");
        assertClean();
    }

    /** A directory of {@value #FILES} files, a subdirectory and a file with two names in it. */
    private void fill(String dir) {
        a.mkdir(dir, 0755, 0, 0);
        for (int i = 0; i < FILES; i++) {
            FsFixture.writeFile(a, dir + "/f" + i, utf8("content " + i));
        }
        a.mkdir(dir + "/sub", 0750, 0, 0);
        FsFixture.writeFile(a, dir + "/sub/deep", utf8("deep"));
        a.link(dir + "/f0", dir + "/sub/f0-too");
    }

    private static void assertFilled(MemFs fs, String dir) {
        assertEquals(FILES + 1, FsFixture.names(fs, dir).size());
        for (int i = 0; i < FILES; i++) {
            assertArrayEquals(utf8("content " + i), FsFixture.readFile(fs, dir + "/f" + i));
        }
        assertArrayEquals(utf8("deep"), FsFixture.readFile(fs, dir + "/sub/deep"));
        assertArrayEquals(utf8("content 0"), FsFixture.readFile(fs, dir + "/sub/f0-too"));
        assertEquals(2, fs.getattr(dir + "/f0").nlink());
        assertEquals(3, fs.getattr(dir).nlink());
    }

    private void assertClean() {
        List<Finding> found = new ArrayList<>();
        CheckResult r = Check.run(store, FsFixture.NAMESPACE, false, found::add);
        assertEquals(0, r.problems(), "check: " + found);
    }

    /** Every key of the namespace with its value. */
    private Map<String, String> everything() {
        Map<String, String> out = new TreeMap<>();
        for (String k : store.keys(keys.prefix())) {
            out.put(k, text(k));
        }
        return out;
    }
}
