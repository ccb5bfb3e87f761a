package io.memfis.fs;

import io.memfis.store.Store;
import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.memfis.fs.FsFixture.GID;
import static io.memfis.fs.FsFixture.UID;
import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writeback mode stores what becomes ready together in one go: names created in a
 * row share their listing's writes, and files closed together are saved together, each
 * still failing (and reported) alone.
 */
class WritebackBatchesTest {

    private static final int FILES = 100;

    private final PausingStore store = new PausingStore(Stores.inMemory(FsFixture.PART));
    private final FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
    private final MemFs fs = MemFs.openWriteback(store, FsFixture.options(clock, Duration.ofSeconds(1)), 64 << 20);

    @AfterEach
    void close() {
        fs.close();
        store.close();
    }

    @Test
    void namesCreatedInARowShareTheirListingWrites() {
        fs.mkdir("/d", 0755, UID, GID);
        store.countWrites(fs.keys().dirPage("/d", 0)::equals);
        for (int i = 0; i < FILES; i++) {
            String path = "/d/f" + i;
            fs.release(FsFixture.create(fs, path), path);
            // a create every 100 µs or more, as a loop of creates through FUSE (measured: 1 to
            // 12 writes of the page with the names gathering, 5 to 12 without, as the commits
            // of this in-memory store batch them anyway; one per name if each went alone)
            long until = System.nanoTime() + 100_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
        fs.sync();

        assertEquals(FILES, fs.readdir("/d").size());
        long writes = store.countedWrites();
        assertTrue(writes <= FILES / 2, FILES + " names took " + writes + " writes of their listing page");
    }

    /** The page grown batch by batch (its JSON appended to, not encoded again) holds what a whole encoding would. */
    @Test
    void aListingPageGrownInBatchesIsThePageEncodedWhole() {
        fs.mkdir("/d", 0755, UID, GID);
        List<String> names = new java.util.ArrayList<>();
        String[] kinds = {"f", "é€", "q\"\\", "t\u0001", "\uD83D\uDE00 x"};
        for (int i = 0; i < 300; i++) {
            String name = kinds[i % kinds.length] + i;
            names.add(name);
            fs.release(FsFixture.create(fs, "/d/" + name), "/d/" + name);
            if (i % 37 == 0) {
                fs.sync(); // batches of various sizes, each appended to the page before
            }
        }
        fs.sync();

        List<String> listed = new java.util.ArrayList<>();
        for (int i = 0; i < fs.getattr("/d").pages(); i++) {
            byte[] page = store.await(store.get(fs.keys().dirPage("/d", i))).value();
            List<String> onPage = io.memfis.layout.Json.decodeNames(page);
            assertArrayEquals(io.memfis.layout.Json.encodeNames(onPage), page, "page " + i);
            listed.addAll(onPage);
        }
        assertEquals(names, listed);
    }

    /**
     * An empty new file ({@code : > f}, {@code touch f}) is its record's add and its empty
     * content: its record is stored as it stays, in this mode and the default one; a file
     * written or changed while open still has its record updated.
     */
    @Test
    void anEmptyNewFileIsStoredWithoutUpdatingItsRecord() {
        PausingStore plainStore = new PausingStore(Stores.inMemory(FsFixture.PART));
        try (MemFs plain = MemFs.open(plainStore, FsFixture.options(clock, Duration.ofSeconds(1)))) {
            for (MemFs m : List.of(fs, plain)) {
                PausingStore s = m == fs ? store : plainStore;
                m.mkdir("/d", 0755, UID, GID);
                s.countWrites(key -> key.equals(m.keys().record("/d/empty")));
                m.release(FsFixture.create(m, "/d/empty"), "/d/empty");
                m.sync();
                assertEquals(1, s.countedWrites(), (m == fs ? "writeback" : "default") + ": the record's add, nothing after it");
                assertArrayEquals(new byte[0], s.await(s.get(m.keys().content("/d/empty"))).value());

                long before = s.countedWrites(); // the count goes on
                s.countWrites(key -> key.equals(m.keys().record("/d/changed")));
                long fh = FsFixture.create(m, "/d/changed");
                m.chmod("/d/changed", 0600);
                m.release(fh, "/d/changed");
                FsFixture.writeFile(m, "/d/written", utf8("abc"));
                m.sync();
                assertEquals(2, s.countedWrites() - before, "the add and the mode's update");
                assertEquals(0600, stored(s, m, "/d/changed").mode() & 07777);
                assertEquals(3, stored(s, m, "/d/written").size());
                assertEquals(0, stored(s, m, "/d/empty").size());
            }
        } finally {
            plainStore.close();
        }
    }

    private static io.memfis.layout.Attributes stored(Store s, MemFs m, String path) {
        return io.memfis.layout.Json.decodePathRecord(s.await(s.get(m.keys().record(path))).value()).attributes();
    }

    @Test
    void aFileThatCannotBeSavedFailsAloneAndTheOthersAreStored() {
        fs.mkdir("/d", 0755, UID, GID);
        store.refuseSets(fs.keys().content("/d/f7")::equals);
        for (int i = 0; i < 20; i++) {
            FsFixture.writeFile(fs, "/d/f" + i, utf8("content " + i));
        }

        FsException e = assertThrows(FsException.class, fs::sync);
        assertEquals(Errno.EIO, e.errno());
        List<String> failures = fs.writebackFailures();
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).startsWith("/d/f7: "), failures.toString());
        for (int i = 0; i < 20; i++) {
            Store.Item stored = store.await(store.get(fs.keys().content("/d/f" + i)));
            if (i == 7) {
                assertNull(stored, "/d/f7 was refused");
            } else {
                assertArrayEquals(utf8("content " + i), stored.value(), "/d/f" + i);
            }
        }
    }
}
