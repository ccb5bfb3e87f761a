package io.memfis.fs;

import io.memfis.layout.Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mount answers lookups from what it last read: records, and the names of a listing
 * (an absent name costs no request). That may lag behind other mounts for the attribute
 * timeout, but never behind this mount's own changes, not even those made while a readdir
 * was reading. Attributes are cached for an hour here, so nothing expires during a test.
 */
@EveryStore
class LookupCachesTest {

    private final PausingStore store;
    private final MemFs fs;
    private final Keys keys;

    private final FsStore backing;

    LookupCachesTest(FsStore backing) {
        this.backing = backing;
        store = new PausingStore(backing.open());
        fs = MemFs.open(store, FsFixture.options(new FsFixture.TestClock(FsFixture.START), Duration.ofHours(1)));
        keys = fs.keys();
    }

    @AfterEach
    void close() {
        fs.close();
        store.close();
    }

    @Test
    void namesMadeAndRemovedHereShowAtOnce() {
        fs.mkdir("/d", 0755, 0, 0);
        FsFixture.writeFile(fs, "/d/a", utf8("a"));
        assertEquals(List.of("a"), FsFixture.names(fs, "/d"));
        assertErrno(Errno.ENOENT, () -> fs.getattr("/d/b"));
        FsFixture.writeFile(fs, "/d/b", utf8("b"));
        fs.rename("/d/a", "/d/c");
        fs.link("/d/b", "/d/e");
        fs.symlink("b", "/d/s", 0, 0);
        fs.mkdir("/d/sub", 0755, 0, 0);
        for (String name : List.of("b", "c", "e", "s", "sub")) {
            fs.getattr("/d/" + name);
        }
        assertErrno(Errno.ENOENT, () -> fs.getattr("/d/a"));
        fs.unlink("/d/b");
        assertErrno(Errno.ENOENT, () -> fs.getattr("/d/b"));
        assertArrayEquals(utf8("b"), FsFixture.readFile(fs, "/d/e"));
    }

    @Test
    void aNameRenamedInWhileAReaddirReadsTheListingIsFound() throws Exception {
        fs.mkdir("/d", 0755, 0, 0);
        FsFixture.writeFile(fs, "/d/tmp", utf8("x"));
        duringReaddirOf("/d", () -> fs.rename("/d/tmp", "/d/final"));
        assertEquals(1, fs.getattr("/d/final").nlink());
        assertArrayEquals(utf8("x"), FsFixture.readFile(fs, "/d/final"));
        assertErrno(Errno.ENOENT, () -> fs.getattr("/d/tmp"));
    }

    @Test
    void aNameLinkedWhileAReaddirReadsTheListingIsFound() throws Exception {
        fs.mkdir("/d", 0755, 0, 0);
        FsFixture.writeFile(fs, "/d/a", utf8("x"));
        duringReaddirOf("/d", () -> fs.link("/d/a", "/d/b"));
        assertEquals(2, fs.getattr("/d/b").nlink());
    }

    @Test
    void aNameCreatedWhileAReaddirReadsTheListingIsFound() throws Exception {
        fs.mkdir("/d", 0755, 0, 0);
        duringReaddirOf("/d", () -> FsFixture.writeFile(fs, "/d/new", utf8("x")));
        assertArrayEquals(utf8("x"), FsFixture.readFile(fs, "/d/new"));
        assertEquals(List.of("new"), FsFixture.names(fs, "/d"));
    }

    /** The same race for the records a readdir fetches: a name removed meanwhile stays removed. */
    @Test
    void aNameRemovedWhileAReaddirReadsTheRecordsIsGone() throws Exception {
        fs.mkdir("/d", 0755, 0, 0);
        FsFixture.writeFile(fs, "/d/x", utf8("x"));
        FsFixture.writeFile(fs, "/d/y", utf8("y"));
        String record = keys.record("/d/x");
        store.pauseGetAll(keys -> keys.contains(record));
        CompletableFuture<List<String>> listing;
        // another mount: this one has the records cached, and its readdir would not fetch them
        try (MemFs other = MemFs.open(store, FsFixture.options(new FsFixture.TestClock(FsFixture.START),
                Duration.ofHours(1)))) {
            listing = CompletableFuture.supplyAsync(() -> FsFixture.names(other, "/d"));
            store.awaitPaused();
            try {
                other.unlink("/d/x");
            } finally {
                store.release();
            }
            listing.get(10, TimeUnit.SECONDS);
            assertErrno(Errno.ENOENT, () -> other.getattr("/d/x"));
        }
    }

    /**
     * A record read before a change made here and answered after it (a readdir-ahead, a
     * lookup of a directory that rsync is setting the time of) does not hide the change.
     */
    @Test
    void aChangeMadeWhileAReaddirReadsTheRecordsShows() throws Exception {
        fs.mkdir("/d", 0755, 0, 0);
        FsFixture.writeFile(fs, "/d/x", utf8("x"));
        String record = keys.record("/d/x");
        store.pauseGetAll(keys -> keys.contains(record));
        // another mount, whose cache does not hold the records, so that its readdir fetches them
        try (MemFs other = MemFs.open(store, FsFixture.options(new FsFixture.TestClock(FsFixture.START),
                Duration.ofHours(1)))) {
            other.getattr("/d");
            CompletableFuture<List<String>> listing = CompletableFuture.supplyAsync(() -> FsFixture.names(other, "/d"));
            store.awaitPaused();
            try {
                other.chmod("/d/x", 0600);
                other.utimens("/d/x", MemFs.OMIT, 5_000_000_000L);
            } finally {
                store.release();
            }
            listing.get(10, TimeUnit.SECONDS);
            assertEquals(0600, other.getattr("/d/x").mode());
            assertEquals(5_000_000_000L, other.getattr("/d/x").mtime());
        }
    }

    /** What a mount knows of a directory's names holds for the attribute timeout, by the ticker: then another mount's new name shows. */
    @Test
    void aNameAnotherMountMadeShowsOnceTheTimeoutPasses() {
        FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
        try (MemFs here = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)));
             MemFs there = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)))) {
            here.mkdir("/d", 0755, 0, 0);
            FsFixture.writeFile(there, "/d/new", utf8("x"));
            assertErrno(Errno.ENOENT, () -> here.getattr("/d/new"));
            clock.advance(Duration.ofMillis(999));
            assertErrno(Errno.ENOENT, () -> here.getattr("/d/new"));
            clock.advance(Duration.ofMillis(1));
            assertEquals(1, here.getattr("/d/new").size());
        }
    }

    /**
     * The listing read again after a timeout knows the names even when this mount added one
     * while it was read (a writeback mount's committer does all the time): the lookups of
     * new names after it ask nothing, and the name added meanwhile is found.
     */
    @Test
    void aListingReadAgainWhileANameIsAddedHereStillAnswersLookups() throws Exception {
        FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
        try (MemFs filling = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)))) {
            filling.mkdir("/d", 0755, 0, 0);
            for (int i = 0; i < 40; i++) {
                String path = "/d/f" + i;
                assertErrno(Errno.ENOENT, () -> filling.getattr(path));
                filling.release(filling.create(path, 0644, 0, 0, 0), path);
            }
            clock.advance(Duration.ofSeconds(1));
            // the next lookup reads the listing again: a name is added while it does
            store.pauseGetAll(keys -> keys.contains(this.keys.dirPage("/d", 0)));
            CompletableFuture<Void> lookup = CompletableFuture.runAsync(
                    () -> assertErrno(Errno.ENOENT, () -> filling.getattr("/d/x")));
            store.awaitPaused();
            try {
                filling.release(filling.create("/d/meanwhile", 0644, 0, 0, 0), "/d/meanwhile");
            } finally {
                store.release();
            }
            lookup.get(10, TimeUnit.SECONDS);
            long reads = store.reads();
            for (int i = 0; i < 20; i++) {
                String path = "/d/new" + i;
                assertErrno(Errno.ENOENT, () -> filling.getattr(path));
            }
            assertEquals(reads, store.reads(), "reads for 20 lookups of new names");
            assertEquals(0, filling.getattr("/d/meanwhile").size());
            assertEquals(41, FsFixture.names(filling, "/d").size());
        }
    }

    /** Runs {@code change} after a readdir of {@code dir} has read the listing and before it answers. */
    private void duringReaddirOf(String dir, Runnable change) throws Exception {
        String firstPage = keys.dirPage(dir, 0);
        store.pauseGetAll(keys -> keys.contains(firstPage));
        CompletableFuture<List<String>> listing = CompletableFuture.supplyAsync(() -> FsFixture.names(fs, dir));
        store.awaitPaused();
        try {
            change.run();
        } finally {
            store.release();
        }
        listing.get(10, TimeUnit.SECONDS);
    }
    /**
     * A directory being filled (the kernel looks every new name up before creating it)
     * keeps those lookups free by reading its names again once a timeout, for as long as
     * that saves requests: well past 25,000 names at a fill rate of a few thousand names
     * per timeout, where a request per lookup would make the last creates slower than the first.
     */
    @Test
    void aDirectoryBeingFilledAnswersLookupsOfNewNamesWithoutARequest() {
        FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
        try (MemFs filling = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)))) {
            filling.mkdir("/big", 0755, 0, 0);
            int names = 40_000;
            long readsBefore = 0;
            for (int i = 0; i < names; i++) {
                if (i % 1000 == 0) {
                    clock.advance(Duration.ofMillis(250)); // 4,000 creates per attribute timeout
                }
                if (i == names - 1000) {
                    readsBefore = store.reads();
                }
                String path = "/big/file-" + i;
                assertErrno(Errno.ENOENT, () -> filling.getattr(path));
                filling.release(filling.create(path, 0644, 0, 0, 0), path);
            }
            long reads = store.reads() - readsBefore;
            // a listing read per timeout and the records that expired, not one read per lookup;
            // through a proxy no write tells its token, so each create's three compare-and-swaps
            // (the listing page, the directory's times, the file's on release) read first
            long swapReads = backing == FsStore.THROUGH_NUTCRACKER ? 3 * 1000 : 0;
            assertTrue(reads < 100 + swapReads, reads + " reads for the last 1,000 lookups and creates");
        }
    }
}
