package io.memfis.fs;

import io.memfis.layout.FileType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.memfis.fs.FsFixture.GID;
import static io.memfis.fs.FsFixture.UID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MemFs#createAll}: what a load uses to create a directory's entries in one go. */
@EveryStore
class CreateAllTest {

    private final FsStore store;

    CreateAllTest(FsStore store) {
        this.store = store;
    }

    /** Names enough for many listing pages, of several lengths and scripts. */
    private static List<NewEntry> entries() {
        List<NewEntry> out = new ArrayList<>();
        FileType[] types = {FileType.FILE, FileType.FILE, FileType.DIRECTORY, FileType.SYMLINK, FileType.FIFO};
        for (int i = 0; i < 1500; i++) {
            FileType type = types[i % types.length];
            String name = "entry-" + i + "-" + "é".repeat(i % 7) + "x".repeat(i % 23);
            out.add(new NewEntry(name, type, type == FileType.DIRECTORY ? 0750 : 0640, UID, GID,
                    type == FileType.SYMLINK ? "../target-" + i : null, 0));
        }
        return out;
    }

    @Test
    void leavesTheKeysAndValuesThatCreatingOneByOneLeaves() {
        try (FsFixture batch = FsFixture.create(store); FsFixture single = FsFixture.create(store)) {
            batch.mkdir("/d");
            single.mkdir("/d");
            List<Created> made = batch.fs.createAll("/d", entries());
            for (int i = 0; i < made.size(); i++) {
                Created c = made.get(i);
                assertNull(c.failure());
                if (c.fh() >= 0) {
                    String path = "/d/" + entries().get(i).name();
                    batch.fs.release(c.fh(), path);
                }
            }
            for (NewEntry e : entries()) {
                String path = "/d/" + e.name();
                switch (e.type()) {
                    case FILE -> single.fs.release(single.fs.create(path, e.mode(), UID, GID, 0301), path);
                    case DIRECTORY -> single.fs.mkdir(path, e.mode(), UID, GID);
                    case SYMLINK -> single.fs.symlink(e.target(), path, UID, GID);
                    default -> single.fs.mknod(path, e.type(), e.mode(), 0, UID, GID);
                }
            }
            Map<String, byte[]> expected = items(single);
            Map<String, byte[]> actual = items(batch);
            assertEquals(expected.keySet(), actual.keySet());
            assertTrue(single.stat("/d").pages() > 2, "the listing spans pages, as this test needs");
            expected.forEach((key, value) -> assertArrayEquals(value, actual.get(key), key));
        }
    }

    @Test
    void anEntryThatCannotBeMadeFailsAlone() {
        try (FsFixture f = FsFixture.create(store)) {
            f.touch("/taken");
            List<Created> made = f.fs.createAll("/", List.of(
                    new NewEntry("a", FileType.FILE, 0644, UID, GID, null, 0),
                    new NewEntry("taken", FileType.FILE, 0644, UID, GID, null, 0),
                    new NewEntry("n".repeat(256), FileType.DIRECTORY, 0755, UID, GID, null, 0),
                    new NewEntry("dangling", FileType.SYMLINK, 0777, UID, GID, "", 0),
                    new NewEntry("b", FileType.DIRECTORY, 0755, UID, GID, null, 0)));
            assertEquals(Errno.EEXIST, made.get(1).failure().errno());
            assertEquals(Errno.ENAMETOOLONG, made.get(2).failure().errno());
            assertEquals(Errno.ENOENT, made.get(3).failure().errno());
            assertNull(made.get(0).failure());
            assertNull(made.get(4).failure());
            f.fs.release(made.get(0).fh(), "/a");
            assertEquals(List.of("taken", "a", "b"), f.names("/"));
            assertEquals(3, f.stat("/").nlink());
        }
    }

    @Test
    void aNameAnotherMountMadeMeanwhileFailsWithEexistAndIsListedOnce() {
        try (FsFixture f = FsFixture.create(store)) {
            MemFs other = f.anotherMount(Duration.ofSeconds(1));
            assertEquals(List.of(), f.names("/"));
            other.mkdir("/x", 0755, UID, GID);
            List<Created> made = f.fs.createAll("/", List.of(
                    new NewEntry("a", FileType.DIRECTORY, 0755, UID, GID, null, 0),
                    new NewEntry("x", FileType.DIRECTORY, 0755, UID, GID, null, 0),
                    new NewEntry("b", FileType.DIRECTORY, 0755, UID, GID, null, 0)));
            assertNull(made.get(0).failure());
            assertEquals(Errno.EEXIST, made.get(1).failure().errno());
            assertNull(made.get(2).failure());
            f.clock.advance(Duration.ofSeconds(2));
            assertEquals(List.of("x", "a", "b"), f.names("/"));
            assertEquals(List.of("x", "a", "b"), FsFixture.names(other, "/"));
            assertEquals(5, f.stat("/").nlink());
        }
    }

    @Test
    void withServersThatMayReorderRequestsAClashStillFailsAlone() {
        FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
        try (PausingStore pausing = new PausingStore(store.open());
             MemFs fs = MemFs.open(pausing.sayUnordered(), FsFixture.options(clock, Duration.ofSeconds(1)));
             MemFs other = MemFs.open(pausing, FsFixture.options(clock, Duration.ofSeconds(1)))) {
            assertEquals(List.of(), FsFixture.names(fs, "/"));
            other.mkdir("/x", 0755, UID, GID);
            List<Created> made = fs.createAll("/", List.of(
                    new NewEntry("a", FileType.SYMLINK, 0777, UID, GID, "t", 0),
                    new NewEntry("x", FileType.DIRECTORY, 0755, UID, GID, null, 0),
                    new NewEntry("b", FileType.FIFO, 0600, UID, GID, null, 0)));
            assertNull(made.get(0).failure());
            assertEquals(Errno.EEXIST, made.get(1).failure().errno());
            assertNull(made.get(2).failure());
            clock.advance(Duration.ofSeconds(2));
            assertEquals(List.of("x", "a", "b"), FsFixture.names(fs, "/"));
            assertEquals(List.of("x", "a", "b"), FsFixture.names(other, "/"));
            assertEquals(3, fs.getattr("/").nlink());
        }
    }

    @Test
    void aCompleteFileLeavesTheKeysAndValuesThatCreateWriteAndTheAttributeCallsLeave() {
        try (FsFixture batch = FsFixture.create(store); FsFixture single = FsFixture.create(store)) {
            batch.mkdir("/d");
            single.mkdir("/d");
            List<NewEntry> entries = new ArrayList<>();
            int[] modes = {0644, 0755, 0600, 04755, 0444};
            for (int i = 0; i < 40; i++) {
                long mtime = FsFixture.nanos(FsFixture.START) - i * 1_000_000_123L;
                entries.add(i % 10 == 9 ? new NewEntry("dir" + i, FileType.DIRECTORY, 0750, UID, GID, null, 0)
                        : NewEntry.completeFile("f" + i, modes[i % modes.length], UID + i % 2, GID + i % 3,
                        FsFixture.random(i, i * 25), mtime - 7, mtime));
            }
            List<Created> made = batch.fs.createAll("/d", entries);
            for (int i = 0; i < made.size(); i++) {
                assertNull(made.get(i).failure());
                assertEquals(-1, made.get(i).fh(), "a complete file is not left open");
            }
            for (NewEntry e : entries) {
                String path = "/d/" + e.name();
                if (e.complete() == null) {
                    single.fs.mkdir(path, e.mode(), UID, GID);
                    continue;
                }
                // what cp -a calls for each file
                long fh = single.fs.create(path, e.mode(), UID, GID, 0301);
                byte[] content = e.complete().content();
                single.fs.write(fh, path, 0, content, content.length);
                single.fs.utimens(path, e.complete().atime(), e.complete().mtime());
                single.fs.chown(path, e.uid(), e.gid());
                single.fs.chmod(path, e.mode());
                single.fs.flush(fh, path);
                single.fs.release(fh, path);
            }
            Map<String, byte[]> expected = items(single);
            Map<String, byte[]> actual = items(batch);
            assertEquals(expected.keySet(), actual.keySet());
            expected.forEach((key, value) -> assertArrayEquals(value, actual.get(key), key));
            assertArrayEquals(entries.get(3).complete().content(), batch.readFile("/d/f3"));
        }
    }

    @Test
    void aCompleteFileIsListedOnlyOnceItsContentIsStored() throws InterruptedException {
        FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
        try (PausingStore pausing = new PausingStore(store.open());
             MemFs fs = MemFs.open(pausing, FsFixture.options(clock, Duration.ofSeconds(1)));
             MemFs other = MemFs.open(pausing, FsFixture.options(clock, Duration.ZERO))) {
            byte[] content = FsFixture.utf8("<p>complete</p>");
            long t = FsFixture.nanos(FsFixture.START);
            pausing.pauseSet(fs.keys().content("/index.html")::equals);
            CompletableFuture<List<Created>> making = CompletableFuture.supplyAsync(() -> fs.createAll("/",
                    List.of(NewEntry.completeFile("index.html", 0644, UID, GID, content, t, t))));
            pausing.awaitPaused();
            // its record is in, its content not yet: no listing shows it
            assertEquals(List.of(), FsFixture.names(other, "/"));
            pausing.release();
            assertNull(making.join().get(0).failure());
            assertEquals(List.of("index.html"), FsFixture.names(other, "/"));
            assertArrayEquals(content, FsFixture.readFile(other, "/index.html"));
            assertEquals(content.length, other.getattr("/index.html").size());
        }
    }

    @Test
    void aNameAnotherMountTakesFirstKeepsItsContent() throws InterruptedException {
        FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
        try (PausingStore pausing = new PausingStore(store.open());
             MemFs fs = MemFs.open(pausing, FsFixture.options(clock, Duration.ofSeconds(1)));
             MemFs other = MemFs.open(pausing, FsFixture.options(clock, Duration.ZERO))) {
            long t = FsFixture.nanos(FsFixture.START);
            assertEquals(List.of(), FsFixture.names(fs, "/"));
            // made since this mount looked: its record is there before this mount's add
            FsFixture.writeFile(other, "/first.html", FsFixture.utf8("the first's"));
            assertEquals(Errno.EEXIST, fs.createAll("/", List.of(NewEntry.completeFile("first.html", 0644, UID, GID,
                    FsFixture.utf8("the load's"), t, t))).get(0).failure().errno());
            assertArrayEquals(FsFixture.utf8("the first's"), FsFixture.readFile(other, "/first.html"));
            // made between this mount's look and its add
            pausing.pauseAdd(fs.keys().record("/index.html")::equals);
            CompletableFuture<List<Created>> making = CompletableFuture.supplyAsync(() -> fs.createAll("/", List.of(
                    NewEntry.completeFile("index.html", 0644, UID, GID, FsFixture.utf8("the load's"), t, t),
                    NewEntry.completeFile("other.html", 0644, UID, GID, FsFixture.utf8("other"), t, t))));
            pausing.awaitPaused();
            FsFixture.writeFile(other, "/index.html", FsFixture.utf8("the racer's"));
            pausing.release();
            List<Created> made = making.join();
            assertEquals(Errno.EEXIST, made.get(0).failure().errno());
            assertNull(made.get(1).failure());
            assertArrayEquals(FsFixture.utf8("the racer's"), pausing.await(pausing.get(fs.keys().content("/index.html"))).value());
            assertArrayEquals(FsFixture.utf8("the racer's"), FsFixture.readFile(other, "/index.html"));
            assertEquals(List.of("first.html", "index.html", "other.html"), FsFixture.names(other, "/"));
        }
    }

    @Test
    void aCompleteFileWhoseContentCannotBeStoredFailsAloneAndLeavesNoRecord() {
        FsFixture.TestClock clock = new FsFixture.TestClock(FsFixture.START);
        try (PausingStore pausing = new PausingStore(store.open());
             MemFs fs = MemFs.open(pausing, FsFixture.options(clock, Duration.ofSeconds(1)));
             MemFs other = MemFs.open(pausing, FsFixture.options(clock, Duration.ZERO))) {
            long t = FsFixture.nanos(FsFixture.START);
            pausing.refuseSets(fs.keys().content("/full.html")::equals);
            List<Created> made = fs.createAll("/", List.of(
                    NewEntry.completeFile("a.html", 0644, UID, GID, FsFixture.utf8("a"), t, t),
                    NewEntry.completeFile("full.html", 0644, UID, GID, FsFixture.utf8("full"), t, t),
                    NewEntry.completeFile("b.html", 0644, UID, GID, FsFixture.utf8("b"), t, t)));
            assertNull(made.get(0).failure());
            assertEquals(Errno.ENOSPC, made.get(1).failure().errno());
            assertNull(made.get(2).failure());
            assertEquals(List.of("a.html", "b.html"), FsFixture.names(other, "/"));
            assertNull(pausing.await(pausing.get(fs.keys().record("/full.html"))));
            FsFixture.assertErrno(Errno.ENOENT, () -> other.getattr("/full.html"));
            FsFixture.assertErrno(Errno.EFBIG, () -> fs.createAll("/", List.of(NewEntry.completeFile("big", 0644,
                    UID, GID, new byte[FsFixture.PART + 1], t, t))));
        }
    }

    /** The namespace's items by key without the namespace's prefix: each fixture has a namespace of its own. */
    private static Map<String, byte[]> items(FsFixture f) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String key : f.allKeys()) {
            out.put(key.substring(f.keys.prefix().length()), f.item(key));
        }
        return out;
    }
}
