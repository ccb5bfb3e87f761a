package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.assertErrno;
import static io.memfis.fs.FsFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A mount formats only an empty namespace and refuses one it does not understand. */
class FormatMarkerTest {

    private final Stores.InMemory store = Stores.inMemory(PART);
    private final Keys keys = Keys.of(FsFixture.NAMESPACE);
    private final FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);

    @AfterEach
    void closeStore() {
        store.close();
    }

    private MemFs open() {
        return MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)));
    }

    @Test
    void anEmptyNamespaceIsFormattedWithTheStoresItemSize() {
        try (MemFs fs = open()) {
            FormatMarker marker = Json.decodeFormatMarker(item(keys.format()));
            assertEquals(FormatMarker.CURRENT_LAYOUT, marker.layout());
            assertEquals(PART, marker.partSize());
            assertEquals(marker, fs.format());
            assertEquals("1", new String(item(keys.inodeCounter())));
            assertEquals(1, fs.getattr("/").ino());
            assertTrue(fs.readdir("/").isEmpty());
        }
    }

    /** A namespace formatted by a user is theirs: its root belongs to the user who formatted it, not to root. */
    @Test
    void theRootBelongsToTheUserWhoFormats() {
        try (MemFs fs = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)).withOwner(new Owner(1234, 567)))) {
            Attributes root = fs.getattr("/");
            assertEquals(1234, root.uid());
            assertEquals(567, root.gid());
            assertEquals(0755, root.mode() & 07777);
        }
        try (MemFs again = MemFs.open(store, FsFixture.options(clock, Duration.ofSeconds(1)).withOwner(new Owner(1, 1)))) {
            assertEquals(1234, again.getattr("/").uid(), "a later mount by someone else changes no owner");
        }
    }

    /** A listing page must fit one item, or a directory stops growing once its page passes the item size. */
    @Test
    void listingPagesFitOneItem() {
        try (MemFs fs = open()) {
            assertTrue(fs.format().pageBytes() <= store.maxValueSize(), "pageBytes " + fs.format().pageBytes());
        }
    }

    @Test
    void aSecondOpenReusesTheMarker() {
        try (MemFs first = open()) {
            FsFixture.writeFile(first, "/kept", utf8("kept"));
        }
        long token = store.await(store.get(keys.format())).token();
        try (MemFs second = open()) {
            assertEquals(token, store.await(store.get(keys.format())).token(), "the marker is not rewritten");
            assertArrayEquals(utf8("kept"), FsFixture.readFile(second, "/kept"));
        }
    }

    @Test
    void thePartSizeComesFromTheMarker() {
        open().close();
        store.await(store.set(keys.format(), Json.encode(new FormatMarker(1, 512, 512))));
        try (MemFs fs = open()) {
            assertEquals(512, fs.format().partSize());
            FsFixture.writeFile(fs, "/f", FsFixture.random(1, 600));
            assertFalse(has(keys.content("/f")), "600 bytes are two parts of 512");
            long ino = fs.getattr("/f").ino();
            assertTrue(has(keys.dataPart(ino, 1)));
            assertArrayEquals(FsFixture.random(1, 600), FsFixture.readFile(fs, "/f"));
        }
    }

    @Test
    void anUnknownLayoutIsRefused() {
        open().close();
        store.await(store.set(keys.format(), Json.encode(new FormatMarker(FormatMarker.CURRENT_LAYOUT + 1, PART, 1024))));
        FsException e = assertErrno(Errno.EINVAL, this::open);
        assertTrue(e.getMessage().endsWith("uses layout 3, this memfis knows layouts 1 to 2"), e.getMessage());
    }

    /**
     * A namespace of layout 1 (written by an earlier version) is used as it is, and marked
     * layout 2 just before its first extended attribute item of the new form, which earlier
     * versions read as corrupt: they then refuse the namespace at mount instead of answering
     * EIO on the file's attributes.
     */
    @Test
    void aLayout1NamespaceIsMarked2BeforeItsFirstItemOfTheNewForm() {
        open().close();
        store.await(store.set(keys.format(), Json.encode(new FormatMarker(1, PART, 1024))));
        try (MemFs fs = open()) {
            assertEquals(1, fs.format().layout());
            FsFixture.writeFile(fs, "/f", utf8("x"));
            fs.mkdir("/d", 0755, 0, 0);
            fs.rename("/f", "/d/f");
            assertEquals(new FormatMarker(1, PART, 1024), marker(), "what layout 1 has is written as it has it");
            fs.setxattr("/d/f", "user.a", utf8("1"), 0);
            assertEquals(new FormatMarker(2, PART, 1024), marker(), "marked before the item, sizes kept");
            assertArrayEquals(utf8("1"), fs.getxattr("/d/f", "user.a"));
        }
        try (MemFs again = open()) {
            assertEquals(2, again.format().layout());
            assertArrayEquals(utf8("1"), again.getxattr("/d/f", "user.a"));
        }
    }

    private FormatMarker marker() {
        return Json.decodeFormatMarker(item(keys.format()));
    }

    @Test
    void partsLargerThanThisStoresItemsAreRefused() {
        open().close();
        store.await(store.set(keys.format(), Json.encode(new FormatMarker(1, PART + 1, 1024))));
        assertErrno(Errno.EINVAL, this::open);
    }

    @Test
    void listingPagesLargerThanThisStoresItemsAreRefused() {
        open().close();
        store.await(store.set(keys.format(), Json.encode(new FormatMarker(1, PART, PART + 1))));
        assertErrno(Errno.EINVAL, this::open);
    }

    @Test
    void aCorruptMarkerIsRefused() {
        open().close();
        store.await(store.set(keys.format(), utf8("{\"layout\":")));
        assertErrno(Errno.EIO, this::open);
    }

    @Test
    void aNamespaceWithFilesButNoMarkerIsRefused() {
        try (MemFs fs = open()) {
            FsFixture.writeFile(fs, "/f", utf8("x"));
        }
        store.evict(keys.format());
        FsException e = assertErrno(Errno.EIO, this::open);
        assertTrue(e.getMessage().contains("no format marker"), e.getMessage());
        assertFalse(has(keys.format()), "nothing was formatted over the files");
    }

    /**
     * Another mount formatting at the same moment wrote the root and not yet the marker (it
     * writes it last): this one waits for the marker instead of refusing the namespace as
     * one whose marker was evicted, as two hosts mounting an empty namespace at once did.
     */
    @Test
    void aNamespaceMetHalfFormattedByAnotherMountIsUsedOnceItsMarkerIsThere() throws Exception {
        open().close();
        byte[] marker = item(keys.format());
        store.evict(keys.format());
        Thread other = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            store.await(store.add(keys.format(), marker));
        });
        other.start();
        try (MemFs fs = open()) {
            assertEquals(Json.decodeFormatMarker(marker), fs.format());
        } finally {
            other.join();
        }
    }

    @Test
    void anEmptyNamespaceIsNotFormattedWhenThatIsNotAllowed() {
        assertErrno(Errno.ENOENT, () -> MemFs.open(store,
                FsFixture.options(clock, Duration.ofSeconds(1)).withMayFormat(false)));
        assertTrue(store.keys("memfis://").isEmpty());
    }

    @Test
    void namespacesOfOneStoreAreIndependent() {
        try (MemFs a = open();
             MemFs b = MemFs.open(store, FsFixture.options("other", clock, Duration.ofSeconds(1)))) {
            FsFixture.writeFile(a, "/f", utf8("a"));
            assertErrno(Errno.ENOENT, () -> b.getattr("/f"));
            FsFixture.writeFile(b, "/f", utf8("b"));
            assertArrayEquals(utf8("a"), FsFixture.readFile(a, "/f"));
        }
    }

    private byte[] item(String key) {
        var i = store.await(store.get(key));
        return i == null ? null : i.value();
    }

    private boolean has(String key) {
        return item(key) != null;
    }
}
