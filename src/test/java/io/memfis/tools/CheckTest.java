package io.memfis.tools;

import io.memfis.fs.DirEntry;
import io.memfis.fs.FsException;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.ExtendedAttributes;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each problem check knows, written on purpose into a namespace in an in-memory store:
 * check reports it, --repair repairs it without touching any intact file (every key of
 * every other file keeps its CAS token, so nothing even rewrote it), a second check finds
 * nothing, and the filesystem opens the namespace and reads every file.
 */
class CheckTest {

    /** Small items, so that a file of a few KiB is stored in parts. */
    private static final int ITEM = 4096;
    private static final String NS = "t";

    private final Keys keys = Keys.of(NS);
    private Stores.InMemory store;
    private MemFs fs;

    @BeforeEach
    void populate() {
        store = Stores.inMemory(ITEM);
        open().close();
        // listing pages of 1 KiB (a mount formats with 16 KiB, more than these small items hold)
        store.set(keys.format(), Json.encode(new FormatMarker(FormatMarker.CURRENT_LAYOUT, ITEM, 1024)));
        fs = open();
        fs.mkdir("/site", 0755, 0, 0);
        fs.mkdir("/site/css", 0755, 33, 33);
        fs.mkdir("/empty", 0700, 0, 0);
        write("/index.html", "<h1>hello</h1>");
        write("/site/a.txt", "a");
        write("/site/b.txt", "bb");
        write("/site/css/c.css", "body{}");
        write("/site/empty.txt", "");
        write("/site/big.bin", pattern(3 * ITEM + 100));
        write("/site/linked", "one file, two names");
        fs.link("/site/linked", "/site/css/linked-too");
        write("/site/big-linked", pattern(2 * ITEM + 7));
        fs.link("/site/big-linked", "/big-linked-too");
        fs.symlink("a.txt", "/site/to-a", 0, 0);
        fs.symlink("/nowhere", "/dangling", 0, 0);
        fs.mknod("/fifo", FileType.FIFO, 0644, 0, 0, 0);
        fs.setxattr("/site/a.txt", "user.tag", bytes("x"), 0);
        fs.setxattr("/site/linked", "user.shared", bytes("y"), 0);
        fs.setxattr("/site", "user.dir", bytes("z"), 0);
    }

    @AfterEach
    void close() {
        fs.close();
        store.close();
    }

    @Test
    void aConsistentNamespaceHasNoProblems() {
        List<Finding> found = check(false);
        assertEquals(List.of(), problems(found));
        // notes: what nginx cannot serve
        assertTrue(lines(found).contains("note: /site/big.bin: nginx cannot serve it: " + (3 * ITEM + 100)
                + " bytes, larger than one memcached item (" + ITEM + " bytes): memfis stores it in parts"),
                lines(found).toString());
        assertTrue(lines(found).stream().anyMatch(l -> l.startsWith("note: /big-linked-too: nginx cannot serve it")));
    }

    @Test
    void aLongPathIsANoteNotAProblem() {
        String dir = "/" + "d".repeat(200);
        fs.mkdir(dir, 0755, 0, 0);
        write(dir + "/" + "f".repeat(50), "x");
        List<Finding> found = check(false);
        assertEquals(List.of(), problems(found));
        assertTrue(lines(found).contains("note: " + dir + "/" + "f".repeat(50) + ": nginx cannot serve it: its key would"
                + " be 262 bytes, memcached allows 250: memfis stores it under a hashed key"), lines(found).toString());
    }

    @Test
    void aNameWithoutItsRecordIsRemoved() {
        damage(Set.of("/site/b.txt"), () -> store.evict(keys.record("/site/b.txt")),
                "/site/b.txt: listed in /site but its record is missing (evicted, or a crash); repaired: removed the name from /site");
        assertFalse(names("/site").contains("b.txt"));
    }

    @Test
    void aDirectoryWithoutItsRecordGetsANewOneAndKeepsItsTree() {
        long highest = fs.getattr("/fifo").ino();
        damage(Set.of("/site/css"), () -> store.evict(keys.record("/site/css")),
                "/site/css: its record is missing (evicted?), but its listing is there; repaired: wrote a new directory"
                        + " record: mode 0755, owner 0:0");
        assertEquals(List.of("c.css", "linked-too"), names("/site/css"));
        assertTrue(fs.getattr("/site/css").ino() > highest, "a number of its own, from the counter");
        assertEquals(2, fs.getattr("/site/css/linked-too").nlink());
    }

    @Test
    void aRecordThatDoesNotParseIsRemovedWithItsName() {
        damage(Set.of("/site/b.txt"), () -> store.set(keys.record("/site/b.txt"), bytes("{\"ino\":7}")),
                "/site/b.txt: its record is not valid: record has no type; repaired: removed the name from /site");
    }

    @Test
    void aMissingListingPageLosesItsNamesAndTheirKeysAreOrphans() {
        long ino = fs.getattr("/site/linked").ino();
        damage(Set.of("/site/css/c.css", "/site/css", "/site/linked", "/site/css/linked-too"),
                () -> store.evict(keys.dirPage("/site/css", 0)),
                "/site/css: listing page 0 is missing (evicted?): the names on it are lost; repaired: wrote it back empty",
                "/site/css/c.css: orphan content, record: nothing refers to them (left by a crash, or by an eviction above"
                        + " it); repaired: deleted",
                "/site/css/linked-too: orphan content, record: nothing refers to them (left by a crash, or by an eviction"
                        + " above it); repaired: deleted",
                "/site/linked: inode " + ino + " has link count 2 and the names [/site/linked, /site/css/linked-too], but 1"
                        + " names refer to it: [/site/linked]; repaired: set its names and link count to those 1");
    }

    @Test
    void contentThatWasEvictedLeavesAnEmptyFile() {
        damage(Set.of("/site/a.txt"), () -> store.evict(keys.content("/site/a.txt")),
                "/site/a.txt: its content (1 bytes) is missing (evicted?); repaired: set its size to 0: the content is lost");
        assertEquals(0, fs.getattr("/site/a.txt").size());
    }

    @Test
    void aSizeThatDisagreesWithTheContentTakesTheContentsSize() {
        damage(Set.of("/index.html"), () -> editAttributes("/index.html", a -> a.withSize(3)),
                "/index.html: size 3, but its stored content has 14 bytes (a crash while saving it?); repaired: set its size to 14");
        assertEquals("<h1>hello</h1>", read("/index.html"));
    }

    @Test
    void contentThatDiffersBetweenTwoNamesIsCopiedFromTheOneOfTheRightSize() {
        damage(Set.of("/site/linked", "/site/css/linked-too"),
                () -> store.set(keys.content("/site/css/linked-too"), bytes("stale")),
                "/site/css/linked-too: its content differs from that of /site/linked, another name of the same file;"
                        + " repaired: copied from /site/linked");
        assertEquals("one file, two names", read("/site/css/linked-too"));
    }

    @Test
    void aMissingPartTruncatesTheFileToWhatCameBefore() {
        long ino = fs.getattr("/site/big.bin").ino();
        damage(Set.of("/site/big.bin"), () -> store.evict(keys.dataPart(ino, 2)),
                "/site/big.bin: part 2 of its 4 parts is missing (evicted?); repaired: truncated to the "
                        + (2 * ITEM) + " bytes stored before the missing part");
        assertEquals(2 * ITEM, fs.getattr("/site/big.bin").size());
        assertEquals(new String(pattern(2 * ITEM), StandardCharsets.ISO_8859_1), read("/site/big.bin"));
    }

    @Test
    void holesAreNotMissingPartsButALostPartStillIs() {
        long fh = fs.create("/site/sparse.bin", 0644, 1000, 1000, 0);
        fs.write(fh, "/site/sparse.bin", 5L * ITEM + 10, bytes("mid"), 3);
        fs.write(fh, "/site/sparse.bin", 9L * ITEM, bytes("end"), 3);
        fs.release(fh, "/site/sparse.bin");
        long ino = fs.getattr("/site/sparse.bin").ino();
        assertEquals(List.of(), problems(check(false)), "the holes are not missing parts");
        // the part before the lost one is a hole: its zeros are kept, and so is the hole's data before it
        damage(Set.of("/site/sparse.bin"), () -> store.evict(keys.dataPart(ino, 9)),
                "/site/sparse.bin: part 9 of its 10 parts is missing (evicted?); repaired: truncated to the "
                        + (9 * ITEM) + " bytes stored before the missing part");
        byte[] expected = new byte[9 * ITEM];
        System.arraycopy(bytes("mid"), 0, expected, 5 * ITEM + 10, 3);
        assertEquals(new String(expected, StandardCharsets.ISO_8859_1), read("/site/sparse.bin"));
    }

    @Test
    void aMissingSecondPartLeavesAFileOfOneItemStoredWhole() {
        long ino = fs.getattr("/site/big-linked").ino();
        damage(Set.of("/site/big-linked", "/big-linked-too"), () -> store.evict(keys.dataPart(ino, 1)),
                "/big-linked-too: part 1 of its 3 parts is missing (evicted?); repaired: truncated to the "
                        + ITEM + " bytes stored before the missing part");
        assertEquals(new String(pattern(ITEM), StandardCharsets.ISO_8859_1), read("/big-linked-too"));
        assertArrayEquals(pattern(ITEM), store.await(store.get(keys.content("/big-linked-too"))).value(),
                "stored whole, where nginx finds it");
    }

    @Test
    void anOrphanOfEachKindIsDeleted() {
        damage(Set.of(), () -> {
            Attributes ghost = new Attributes(999, FileType.FILE, 0644, 0, 0, 5, 1, 1, 1, 1, null, 0, 0, false);
            store.set(keys.record("/site/ghost file"), Json.encode(PathRecord.inline(ghost, 0)));
            store.set(keys.content("/site/ghost file"), bytes("ghost"));
            store.set(keys.xattrs("/gone"), Json.encode(new ExtendedAttributes(998, Map.of())));
            store.set(keys.dataPart(4242, 0), bytes("p0"));
            store.set(keys.dataPart(4242, 1), bytes("p1"));
            store.set(keys.node(4343), bytes("{}"));
            store.set(keys.dirPage("/site", 7), Json.encodeNames(List.of()));
            store.set(keys.content("/site"), bytes("a directory has no content"));
        },
                "/site/ghost file: orphan content, record: nothing refers to them (left by a crash, or by an eviction above it); repaired: deleted",
                "/gone: orphan extended attributes: nothing refers to it (left by a crash, or by an eviction above it); repaired: deleted",
                "inode 4242: orphan 2 parts: nothing refers to them (left by a crash, or by an eviction above it); repaired: deleted",
                "inode 4343: orphan node: nothing refers to it (left by a crash, or by an eviction above it); repaired: deleted",
                "/site: orphan content, listing page 7: nothing refers to them (left by a crash, or by an eviction above it); repaired: deleted");
    }

    @Test
    void wrongLinkCountsAreSet() {
        long ino = fs.getattr("/site/linked").ino();
        damage(Set.of("/site/a.txt", "/site/linked", "/site/css/linked-too"), () -> {
            editAttributes("/site/a.txt", a -> a.withNlink(3, a.ctime()));
            editAttributes("/site", a -> a.withNlink(7, a.ctime()));
            byte[] node = store.await(store.get(keys.node(ino))).value();
            var n = Json.decodeNodeRecord(node);
            store.set(keys.node(ino), Json.encode(new io.memfis.layout.NodeRecord(
                    n.attributes().withNlink(5, 0), List.of("/site/linked", "/site/gone"))));
        },
                "/site: link count 7, should be 3 (2 + 1 subdirectories); repaired: set to 3",
                "/site/a.txt: link count 3, should be 1 (it has one name); repaired: set to 1",
                "/site/linked: inode " + ino + " has link count 5 and the names [/site/linked, /site/gone], but 2 names refer"
                        + " to it: [/site/linked, /site/css/linked-too]; repaired: set its names and link count to those 2");
        assertEquals(2, fs.getattr("/site/css/linked-too").nlink());
        assertEquals(3, fs.getattr("/site").nlink());
    }

    @Test
    void namesOfAMissingNodeAreRemoved() {
        long ino = fs.getattr("/site/linked").ino();
        damage(Set.of("/site/linked", "/site/css/linked-too"), () -> store.evict(keys.node(ino)),
                "/site/linked: refers to inode " + ino + ", whose node is missing (evicted?); repaired: removed the name from /site",
                "/site/css/linked-too: refers to inode " + ino + ", whose node is missing (evicted?); repaired: removed the name"
                        + " from /site/css",
                "inode " + ino + ": orphan node's extended attributes: nothing refers to it (left by a crash, or by an eviction"
                        + " above it); repaired: deleted");
    }

    @Test
    void missingExtendedAttributesClearTheFlag() {
        long ino = fs.getattr("/site/linked").ino();
        damage(Set.of("/site/a.txt", "/site/linked", "/site/css/linked-too"), () -> {
            store.evict(keys.xattrs("/site/a.txt"));
            store.set(keys.nodeXattrs(ino), bytes("[1]"));
        },
                "/site/a.txt: its extended attributes are missing (evicted?); repaired: it has none now",
                "/site/linked: its extended attributes are not valid: extended attributes: expected START_OBJECT but found"
                        + " START_ARRAY; repaired: it has none now");
        assertEquals(List.of(), fs.listxattr("/site/a.txt"));
    }

    @Test
    void theCounterIsRestoredAboveTheHighestInode() {
        long highest = fs.getattr("/fifo").ino();
        damage(Set.of(), () -> store.evict(keys.inodeCounter()),
                keys.inodeCounter() + ": the inode counter is missing (evicted?): mounts cannot create files; repaired: set to "
                        + (highest + InodeNumberCheck.COUNTER_MARGIN));
        write("/new", "a new file gets a number of its own");
        assertTrue(fs.getattr("/new").ino() > highest);
    }

    @Test
    void aCounterBelowANumberInUseIsRaised() {
        long highest = fs.getattr("/fifo").ino();
        damage(Set.of(), () -> store.set(keys.inodeCounter(), bytes("3")),
                keys.inodeCounter() + ": the inode counter is 3, below inode number " + highest + " in use: new files would get"
                        + " numbers that are taken; repaired: set to " + (highest + InodeNumberCheck.COUNTER_MARGIN));
    }

    @Test
    void aMissingFormatMarkerIsWrittenBackAndTheNamespaceMountsAgain() {
        fs.close();
        store.evict(keys.format());
        FsException refused = assertThrows(FsException.class, this::open);
        assertTrue(refused.getMessage().contains("has files but no format marker"), refused.getMessage());
        fs = null;
        List<Finding> found = check(true);
        assertEquals(List.of(keys.format() + ": the format marker is missing (evicted, or memcached restarted?): mounts refuse"
                + " the namespace; repaired: wrote it back: layout 2, part size " + ITEM + " (this server's largest item)"),
                lines(problems(found)));
        assertEquals(List.of(), problems(check(false)));
        fs = open();
        readEverything();
    }

    @Test
    void aFormatMarkerThatDoesNotParseIsWrittenBack() {
        damage(Set.of(), () -> store.set(keys.format(), bytes("{\"layout\":1}")),
                keys.format() + ": the format marker is not valid (format marker lacks layout, partSize or pageBytes): mounts"
                        + " refuse the namespace; repaired: wrote it back: layout 2, part size " + ITEM
                        + " (this server's largest item)");
    }

    @Test
    void aMissingRootRecordIsWrittenAgainAndTheTreeBelowStays() {
        damage(Set.of("/"), () -> store.evict(keys.record("/")),
                "/: the root directory's record is missing (evicted?); repaired: wrote a new one: mode 0755, owner 0:0",
                "/: link count 2, should be 4 (2 + 2 subdirectories); repaired: set to 4");
    }

    @Test
    void anUncountedListingPageIsCounted() {
        for (int i = 0; i < 150; i++) {
            write("/empty/file-number-" + i, "");
        }
        int pages = fs.getattr("/empty").pages();
        assertTrue(pages > 1, "a directory of 150 names has several pages");
        damage(Set.of("/empty"), () -> editAttributes("/empty", a -> a.withPages(pages - 1)),
                "/empty: counts " + (pages - 1) + " listing pages, but has " + pages + " (a crash while adding a name);"
                        + " repaired: counts " + pages);
        assertEquals(150, fs.readdir("/empty").size());
    }

    @Test
    void aWrongPageHintIsSet() {
        damage(Set.of("/site/a.txt"), () -> {
            byte[] raw = store.await(store.get(keys.record("/site/a.txt"))).value();
            store.set(keys.record("/site/a.txt"), Json.encode(Json.decodePathRecord(raw).withPage(5)));
        }, "/site/a.txt: its record says it is on page 5 of /site's listing, but it is on page 0; repaired: set to 0");
    }

    @Test
    void aNameListedTwiceOrInvalidIsRemoved() {
        damage(Set.of("/site"), () -> store.set(keys.dirPage("/site", 0),
                        Json.encodeNames(List.of("a.txt", "a.txt", "b.txt", "..", "css", "big.bin", "linked", "big-linked",
                                "to-a", "empty.txt"))),
                "/site/a.txt: listed twice in /site; repaired: removed the second entry",
                "/site: its listing holds an invalid name '..'; repaired: removed it");
        assertEquals(1, names("/site").stream().filter("a.txt"::equals).count());
    }

    @Test
    void anInodeNumberUsedTwiceGivesTheSecondNameANumberOfItsOwn() {
        long ino = fs.getattr("/site/big.bin").ino();
        damage(Set.of("/site/big.bin", "/site/copy.bin"), () -> {
            // what a rename that stopped after listing the new name leaves: two full copies
            byte[] record = store.await(store.get(keys.record("/site/big.bin"))).value();
            store.set(keys.record("/site/copy.bin"), record);
            store.await(store.get(keys.dirPage("/site", 0)));
            byte[] page = store.await(store.get(keys.dirPage("/site", 0))).value();
            List<String> names = new ArrayList<>(Json.decodeNames(page));
            names.add("copy.bin");
            store.set(keys.dirPage("/site", 0), Json.encodeNames(names));
        },
                "/site/copy.bin: has inode " + ino + ", which /site/big.bin has too (a rename stopped half-way?);"
                        + " repaired: given an inode number of its own");
        assertTrue(fs.getattr("/site/copy.bin").ino() != ino);
        fs.unlink("/site/big.bin");
        assertEquals(new String(pattern(3 * ITEM + 100), StandardCharsets.ISO_8859_1), read("/site/copy.bin"),
                "the copy has parts of its own");
    }

    @Test
    void nothingToCheckIsAFailureToRunNotAProblem() {
        ToolException e = assertThrows(ToolException.class, () -> Check.run(store, "other", false, f -> { }));
        assertEquals("there is no namespace memfis://other on these servers: no format marker, no root directory", e.getMessage());
        store.set(keys.format(), bytes("{\"layout\":9,\"partSize\":4096,\"pageBytes\":16384}"));
        e = assertThrows(ToolException.class, () -> Check.run(store, NS, false, f -> { }));
        assertEquals("namespace memfis://t uses layout 9; this memfis knows layouts 1 to 2", e.getMessage());
    }

    // ---- the procedure every damage test follows

    /**
     * Damages the namespace, then: check reports exactly {@code expected} (problems; the
     * "repaired" part is what --repair says), --repair reports the same and changes no key of
     * the files outside {@code damaged}, a second check is clean, and every file reads.
     */
    private void damage(Set<String> damaged, Runnable harm, String... expected) {
        Map<String, Long> intactBefore = tokensOfFilesOutside(damaged);
        harm.run();
        fs.close();
        List<String> wanted = List.of(expected);
        wanted.forEach(l -> assertTrue(l.contains("; repaired: "), "say how it is repaired: " + l));
        List<String> reported = lines(problems(check(false)));
        List<String> unrepaired = wanted.stream().map(l -> l.substring(0, l.indexOf("; repaired: "))).toList();
        assertEquals(sorted(unrepaired), sorted(reported), "check reports each problem once");
        List<String> repaired = lines(problems(check(true)));
        assertEquals(sorted(wanted), sorted(repaired), "--repair reports and repairs each");
        assertEquals(List.of(), lines(problems(check(false))), "a second check is clean");
        assertEquals(intactBefore, tokensOfFilesOutside(damaged), "--repair rewrote no key of an intact file");
        fs = open();
        readEverything();
    }

    private List<Finding> check(boolean repair) {
        List<Finding> found = new ArrayList<>();
        CheckResult r = Check.run(store, NS, repair, found::add);
        assertEquals(problems(found).size(), r.problems());
        assertEquals(repair ? r.problems() : 0, r.repaired());
        return found;
    }

    /** The CAS token of every key of every file (not directory) whose names are all outside {@code damaged}. */
    private Map<String, Long> tokensOfFilesOutside(Set<String> damaged) {
        MemFs reader = fs != null ? fs : open();
        Map<String, Long> tokens = new TreeMap<>();
        walk(reader, "/", (path, a) -> {
            if (damaged.contains(path) || a.isDirectory()) {
                return;
            }
            List<String> fileKeys = new ArrayList<>(List.of(keys.record(path), keys.content(path), keys.xattrs(path),
                    keys.node(a.ino()), keys.nodeXattrs(a.ino())));
            for (int i = 0; i < 8; i++) {
                fileKeys.add(keys.dataPart(a.ino(), i));
            }
            for (String k : fileKeys) {
                Store.Item item = store.await(store.get(k));
                if (item != null) {
                    tokens.put(k, item.token());
                }
            }
        });
        assertFalse(tokens.isEmpty());
        return tokens;
    }

    /** Lists every directory and reads every file and symlink through the filesystem. */
    private void readEverything() {
        walk(fs, "/", (path, a) -> {
            if (a.isFile()) {
                assertEquals(a.size(), read(path).length(), path);
            } else if (a.type() == FileType.SYMLINK) {
                assertNotNull(fs.readlink(path));
            }
        });
    }

    private interface Visitor {
        void visit(String path, Attributes a);
    }

    private static void walk(MemFs fs, String dir, Visitor visitor) {
        for (DirEntry e : fs.readdir(dir)) {
            String path = dir.equals("/") ? "/" + e.name() : dir + "/" + e.name();
            assertNotNull(e.attributes(), path);
            visitor.visit(path, e.attributes());
            if (e.attributes().isDirectory()) {
                walk(fs, path, visitor);
            }
        }
    }

    private MemFs open() {
        return MemFs.open(store, FsOptions.defaults(NS).withAttrTimeout(Duration.ZERO).withHealthInterval(Duration.ZERO));
    }

    private void write(String path, String content) {
        write(path, bytes(content));
    }

    private void write(String path, byte[] content) {
        long fh = fs.create(path, 0644, 1000, 1000, 0);
        fs.write(fh, path, 0, content, content.length);
        fs.release(fh, path);
    }

    private String read(String path) {
        long fh = fs.open(path, 0);
        try {
            byte[] buf = new byte[(int) fs.getattr(path).size() + 1];
            int n = fs.read(fh, path, 0, buf, buf.length);
            return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        } finally {
            fs.release(fh, path);
        }
    }

    private List<String> names(String dir) {
        return fs.readdir(dir).stream().map(DirEntry::name).toList();
    }

    private void editAttributes(String path, java.util.function.UnaryOperator<Attributes> change) {
        byte[] raw = store.await(store.get(keys.record(path))).value();
        PathRecord r = Json.decodePathRecord(raw);
        store.set(keys.record(path), Json.encode(PathRecord.inline(change.apply(r.attributes()), r.page())));
    }

    private static List<Finding> problems(List<Finding> found) {
        return found.stream().filter(Finding::isProblem).toList();
    }

    private static List<String> lines(List<Finding> found) {
        return found.stream().map(Finding::line).toList();
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 23);
        }
        return b;
    }
}
