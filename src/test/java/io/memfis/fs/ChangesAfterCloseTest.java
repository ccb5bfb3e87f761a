package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.memfis.fs.FsFixture.utf8;
import static io.memfis.fs.FsFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A chmod, chown or utime that comes right after close(): the kernel sends RELEASE after
 * close has returned, so the change may meet the release's last save of the file.
 */
class ChangesAfterCloseTest {

    private final PausingStore store = new PausingStore(Stores.inMemory(FsFixture.PART));
    private final FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
    private final MemFs fs = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)));

    @AfterEach
    void close() {
        fs.close();
        store.close();
    }

    @Test
    void aChangeWhileTheReleaseSavesIsKept() throws Exception {
        long fh = FsFixture.create(fs, "/f");
        write(fs, fh, "/f", 0, utf8("content"));
        fs.flush(fh, "/f");
        // made while the file is open: the release has this to save
        fs.chmod("/f", 0600);

        String record = fs.keys().record("/f");
        store.pauseCas(record::equals);
        CompletableFuture<Void> release = CompletableFuture.runAsync(() -> fs.release(fh, "/f"));
        store.awaitPaused();
        Thread change = new Thread(() -> {
            fs.utimens("/f", 1_000_000_000L, 2_000_000_000L);
            fs.chmod("/f", 0640);
            fs.chown("/f", 4321, -1);
        });
        change.start();
        awaitWaiting(change);
        store.release();
        release.get(10, TimeUnit.SECONDS);
        change.join(10_000);

        try (MemFs fresh = MemFs.open(store, FsFixture.options(clock, Duration.ZERO))) {
            Attributes a = fresh.getattr("/f");
            assertEquals(0640, a.mode(), "the chmod after close is stored");
            assertEquals(2_000_000_000L, a.mtime(), "the utime after close is stored");
            assertEquals(4321, a.uid(), "the chown after close is stored");
            assertEquals(7, a.size());
        }
        Attributes here = fs.getattr("/f");
        assertEquals(0640, here.mode());
        assertEquals(2_000_000_000L, here.mtime());
    }

    /**
     * A stat while the release saves: it read the record before the save and looked for the
     * open file after the close, so it had neither the chmod the file held nor the record the
     * save wrote. libfuse answers every setattr with such a getattr, and the kernel cached
     * the old mode for the attribute timeout (1 of 4,000 files of mount/ChangesAfterCloseTest).
     */
    @Test
    void aStatMeetingTheReleaseShowsTheChangeTheFileHeld() throws Exception {
        try (MemFs uncached = MemFs.open(store, FsFixture.options(clock, Duration.ZERO))) {
            long fh = FsFixture.create(uncached, "/g");
            write(uncached, fh, "/g", 0, utf8("content"));
            uncached.flush(fh, "/g");
            uncached.chmod("/g", 0640); // held by the open file: the release saves it

            store.pauseGet(uncached.keys().record("/g")::equals);
            CompletableFuture<Attributes> stat = CompletableFuture.supplyAsync(() -> uncached.getattr("/g"));
            store.awaitPaused();
            uncached.release(fh, "/g");
            store.release();

            assertEquals(0640, stat.get(10, TimeUnit.SECONDS).mode(), "the stat that overlapped the release");
        }
    }

    /** Waits until {@code t} waits for something (the file the release holds) or is done. */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() == Thread.State.RUNNABLE || t.getState() == Thread.State.NEW) {
            if (System.nanoTime() > deadline) {
                fail("the change never came to wait");
            }
            Thread.sleep(1);
        }
    }
}
