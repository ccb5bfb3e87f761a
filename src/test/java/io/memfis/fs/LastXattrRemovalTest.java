package io.memfis.fs;

import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One mount removes a file's last extended attribute while another sets a new one, the
 * set coming in at the worst moment: right after the removal emptied the item.
 */
class LastXattrRemovalTest {

    private final PausingStore store = new PausingStore(Stores.inMemory(FsFixture.PART));
    private final FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
    private final MemFs fs = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)));
    private final MemFs other = MemFs.open(store, FsFixture.options(clock, Duration.ZERO));

    @AfterEach
    void close() {
        other.close();
        fs.close();
        store.close();
    }

    @Test
    void aSetIntoTheItemTheRemovalJustEmptiedIsKept() throws Exception {
        FsFixture.writeFile(fs, "/f", utf8("x"));
        fs.setxattr("/f", "user.x", utf8("1"), 0);

        store.pauseAfterCas(fs.keys().xattrs("/f")::equals);
        CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> fs.removexattr("/f", "user.x"));
        store.awaitPaused();
        // the item is empty now, and the removal has done nothing else yet
        other.setxattr("/f", "user.b", utf8("b"), 0);
        store.release();
        removal.get(10, TimeUnit.SECONDS);

        try (MemFs fresh = MemFs.open(store, FsFixture.options(clock, Duration.ZERO))) {
            assertEquals(List.of("user.b"), fresh.listxattr("/f"), "the new attribute is kept");
            assertArrayEquals(utf8("b"), fresh.getxattr("/f", "user.b"));
        }
        assertEquals(List.of("user.b"), other.listxattr("/f"));
    }
}
