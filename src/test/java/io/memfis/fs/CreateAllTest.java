package io.memfis.fs;

import io.memfis.layout.FileType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The namespace's items by key without the namespace's prefix: each fixture has a namespace of its own. */
    private static Map<String, byte[]> items(FsFixture f) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String key : f.allKeys()) {
            out.put(key.substring(f.keys.prefix().length()), f.item(key));
        }
        return out;
    }
}
