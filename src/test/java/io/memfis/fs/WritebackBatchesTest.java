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
