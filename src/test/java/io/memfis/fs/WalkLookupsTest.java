package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import io.memfis.stats.CountingStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.memfis.fs.FsFixture.GID;
import static io.memfis.fs.FsFixture.UID;
import static io.memfis.fs.FsFixture.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A walk (find -ls, ls -lR) looks up a directory's names in the order its listing gave them,
 * often after the records that listing read have expired (a large directory takes longer
 * to walk than the attribute timeout): those lookups read the names that follow in batches,
 * not one request each, and still show what another mount changed once the timeout passes.
 */
@EveryStore
class WalkLookupsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final int NAMES = 2000;

    private final FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
    private final CountingStore store;
    private final MemFs fs;
    private final MemFs other;

    WalkLookupsTest(FsStore backing) {
        store = new CountingStore(backing.open());
        fs = MemFs.open(store, FsFixture.options(clock, TIMEOUT));
        other = MemFs.open(store, FsFixture.options(clock, TIMEOUT));
    }

    @AfterEach
    void close() {
        other.close();
        fs.close();
        store.close();
    }

    private void makeDirectory(String dir, int files) {
        fs.mkdir(dir, 0755, UID, GID);
        List<NewEntry> entries = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            entries.add(new NewEntry("f" + i, FileType.FILE, 0640, UID, GID, null, 0));
        }
        List<Created> made = fs.createAll(dir, entries);
        for (int i = 0; i < files; i++) {
            assertNull(made.get(i).failure());
            fs.release(made.get(i).fh(), dir + "/" + entries.get(i).name());
        }
    }

    @Test
    void aWalkAfterTheListingExpiredReadsTheRecordsInBatches() {
        makeDirectory("/big", NAMES);
        List<DirEntry> listed = fs.readdir("/big");
        assertEquals(NAMES, listed.size());
        clock.advance(TIMEOUT.multipliedBy(2));
        long before = store.requests();
        for (DirEntry e : listed) {
            Attributes a = fs.getattr("/big/" + e.name());
            assertEquals(e.attributes().ino(), a.ino(), e.name());
            assertEquals(0640, a.mode(), e.name());
        }
        long requests = store.requests() - before;
        // one request a name without the batches; 2,000 names in batches of up to 256
        assertTrue(requests <= 20, "requests for " + NAMES + " lookups: " + requests);
    }

    @Test
    void aLoneLookupReadsOneRecord() {
        makeDirectory("/big", NAMES);
        fs.readdir("/big");
        clock.advance(TIMEOUT.multipliedBy(2));
        for (String name : List.of("f1500", "f7", "f900")) {
            long before = store.requests();
            fs.getattr("/big/" + name);
            assertEquals(1, store.requests() - before, name);
        }
    }

    @Test
    void whatAnotherMountChangedAfterTheListingShowsOnceTheTimeoutPassed() {
        makeDirectory("/d", 300);
        List<DirEntry> listed = fs.readdir("/d");
        clock.advance(TIMEOUT.multipliedBy(2));
        for (DirEntry e : listed.subList(0, 20)) {
            fs.getattr("/d/" + e.name());
        }
        // read ahead by now: the rest of the walk is answered from what these reads brought
        other.chmod("/d/f100", 0600);
        other.unlink("/d/f101");
        other.release(FsFixture.create(other, "/d/new"), "/d/new");
        clock.advance(TIMEOUT.plusMillis(1));
        for (DirEntry e : listed.subList(20, listed.size())) {
            if (e.name().equals("f101")) {
                assertErrno(Errno.ENOENT, () -> fs.getattr("/d/f101"));
            } else {
                assertEquals(e.name().equals("f100") ? 0600 : 0640, fs.getattr("/d/" + e.name()).mode(),
                        e.name());
            }
        }
        assertTrue(fs.getattr("/d/new").isFile());
    }
}
