package io.memfis.fs;

import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.random;
import static io.memfis.fs.FsFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Parts of a large file that belong to no file: those a failed write stored (memcached
 * full, or gone), and those of a file removed while open. The mount that stored them
 * deletes them, at once or, when memcached does not answer, as soon as it does again.
 */
class LeftoverPartsTest {

    private final Stores.InMemory memory = Stores.inMemory(PART);
    private final PausingStore store = new PausingStore(memory);
    private final MemFs fs = MemFs.open(store, FsFixture.options(new FsFixture.TestClock(FsFixture.START),
            Duration.ofSeconds(1)).withHealthInterval(Duration.ofMillis(20)));

    @AfterEach
    void close() {
        fs.close();
        store.close();
    }

    @Test
    void aWriteThatFailsWithEnospcLeavesNoParts() {
        long fh = FsFixture.create(fs, "/big");
        write(fs, fh, "/big", 0, random(1, 3 * PART));
        store.refuseSets(key -> key.contains("%data."));
        assertErrno(Errno.ENOSPC, () -> write(fs, fh, "/big", 3 * PART, random(2, 8 * PART)));
        assertErrno(Errno.ENOSPC, () -> fs.flush(fh, "/big"));
        assertErrno(Errno.ENOSPC, () -> fs.release(fh, "/big"));

        assertEquals(List.of(), parts(), "the parts the failed write stored are gone");
        assertEquals(0, fs.getattr("/big").size(), "the file keeps its size as stored");

        store.refuseSets(key -> false);
        fs.unlink("/big");
        byte[] content = random(3, 10 * PART);
        FsFixture.writeFile(fs, "/big", content);
        assertArrayEquals(content, FsFixture.readFile(fs, "/big"));
        assertEquals(10, parts().size());
    }

    @Test
    void partsAFailedWriteLeftAreDeletedWhenMemcachedAnswersAgain() throws Exception {
        long fh = FsFixture.create(fs, "/big");
        write(fs, fh, "/big", 0, random(1, 3 * PART));
        memory.breakDown();
        try {
            assertErrno(Errno.EIO, () -> write(fs, fh, "/big", 3 * PART, random(2, 8 * PART)));
            assertErrno(Errno.EIO, () -> fs.release(fh, "/big"));
        } finally {
            memory.heal();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!parts().isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("parts left by the failed write are still there: " + parts());
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aFileRemovedWhileOpenLosesItsPartsWithItsLastHandle() {
        byte[] content = random(4, 5 * PART + 7);
        FsFixture.writeFile(fs, "/big", content);
        long reader = fs.open("/big", 0);
        long writer = fs.open("/big", 1);
        fs.unlink("/big");
        assertArrayEquals(content, FsFixture.readAll(fs, reader, "/big"), "still readable while open");
        write(fs, writer, "/big", 6 * PART, random(5, PART));
        fs.flush(writer, "/big");
        fs.release(writer, "/big");
        assertTrue(!parts().isEmpty(), "a handle is still open");
        fs.release(reader, "/big");
        assertEquals(List.of(), parts(), "the last release deletes the parts");
    }

    @Test
    void removingALargeFileDeletesItsParts() {
        FsFixture.writeFile(fs, "/big", random(6, 8 * PART));
        assertEquals(8, parts().size());
        fs.unlink("/big");
        assertEquals(List.of(), parts());
    }

    private List<String> parts() {
        return memory.keys(fs.keys().dataPart(0, 0).replaceFirst("%data\\..*", "%data."));
    }
}
