package io.memfis.fs;

import io.memfis.layout.PartRanges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.random;
import static io.memfis.fs.FsFixture.read;
import static io.memfis.fs.FsFixture.utf8;
import static io.memfis.fs.FsFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files larger than one item: stored in parts keyed by inode, never under nginx's key. */
@EveryStore
class LargeFilesTest {

    private final FsFixture t;
    private final MemFs fs;

    LargeFilesTest(FsStore store) {
        t = FsFixture.create(store);
        fs = t.fs;
    }

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void writtenSequentiallyInPiecesThatStraddleParts() {
        byte[] content = random(1, 200 * PART + 333);
        long fh = t.create("/big");
        for (int off = 0; off < content.length; off += 1000) {
            fs.write(fh, "/big", off, Arrays.copyOfRange(content, off, Math.min(content.length, off + 1000)),
                    Math.min(1000, content.length - off));
        }
        fs.release(fh, "/big");
        long ino = t.stat("/big").ino();
        assertEquals(content.length, t.stat("/big").size());
        assertEquals(LongStream.range(0, 201).boxed().toList(), t.parts(ino));
        assertArrayEquals(content, t.partsContent(ino, content.length));
        assertNull(t.item(t.keys.content("/big")));
        assertArrayEquals(content, t.readFile("/big"));
    }

    @Test
    void writtenInRandomOrder() {
        byte[] content = random(2, 30 * PART + 5);
        List<Integer> pieces = new ArrayList<>();
        for (int off = 0; off < content.length; off += 300) {
            pieces.add(off);
        }
        Collections.shuffle(pieces, new Random(3));
        long fh = t.create("/big");
        for (int off : pieces) {
            int len = Math.min(300, content.length - off);
            fs.write(fh, "/big", off, Arrays.copyOfRange(content, off, off + len), len);
        }
        assertArrayEquals(content, FsFixture.readAll(fs, fh, "/big"), "before it is saved");
        fs.release(fh, "/big");
        assertArrayEquals(content, t.partsContent(t.stat("/big").ino(), content.length));
        assertArrayEquals(content, t.readFile("/big"));
    }

    @Test
    void readAtRandomOffsetsWhileWritingElsewhere() {
        byte[] model = random(4, 40 * PART);
        t.writeFile("/big", model);
        Random random = new Random(5);
        long fh = fs.open("/big", 0);
        for (int i = 0; i < 300; i++) {
            int off = random.nextInt(model.length + PART);
            int len = random.nextInt(3 * PART);
            if (random.nextBoolean()) {
                int to = (int) Math.min(model.length, (long) off + len);
                assertArrayEquals(Arrays.copyOfRange(model, Math.min(off, model.length), Math.max(to, Math.min(off, model.length))),
                        read(fs, fh, "/big", off, len), "read " + len + " at " + off);
            } else {
                byte[] bytes = random(i, len);
                write(fs, fh, "/big", off, bytes);
                model = Arrays.copyOf(model, Math.max(model.length, off + len));
                System.arraycopy(bytes, 0, model, off, len);
            }
        }
        fs.release(fh, "/big");
        assertArrayEquals(model, t.readFile("/big"));
        assertArrayEquals(model, t.partsContent(t.stat("/big").ino(), model.length));
    }

    @Test
    void aSparseFileStoresNoPartForItsHoles() {
        long fh = t.create("/sparse");
        write(fs, fh, "/sparse", 7L * PART + 10, utf8("end"));
        fs.release(fh, "/sparse");
        long ino = t.stat("/sparse").ino();
        assertEquals(7L * PART + 13, t.stat("/sparse").size());
        assertEquals(List.of(7L), t.parts(ino), "holes are not stored");
        assertEquals(List.of(7L), t.writtenParts("/sparse"), "the record names the one part written");
        assertEquals(13, t.item(t.keys.dataPart(ino, 7)).length, "a part is as long as its content");
        byte[] expected = new byte[7 * PART + 13];
        System.arraycopy(utf8("end"), 0, expected, 7 * PART + 10, 3);
        assertArrayEquals(expected, t.readFile("/sparse"));
    }

    @Test
    void aSmallFileThatGrowsMovesFromNginxsKeyToParts() {
        t.writeFile("/f", "small");
        assertArrayEquals(utf8("small"), t.item(t.keys.content("/f")));
        long fh = fs.open("/f", 0);
        write(fs, fh, "/f", PART, utf8("!"));
        fs.release(fh, "/f");
        assertNull(t.item(t.keys.content("/f")), "nginx would serve the old small file");
        byte[] expected = new byte[PART + 1];
        System.arraycopy(utf8("small"), 0, expected, 0, 5);
        expected[PART] = '!';
        assertArrayEquals(expected, t.readFile("/f"));
    }

    @Test
    void rewritingWithFewerPartsDeletesTheStaleOnes() {
        t.writeFile("/f", random(6, 9 * PART));
        long ino = t.stat("/f").ino();
        t.writeFile("/f", random(7, 3 * PART - 1));
        assertEquals(List.of(0L, 1L, 2L), t.parts(ino));
        assertArrayEquals(random(7, 3 * PART - 1), t.readFile("/f"));
        t.writeFile("/f", utf8("tiny"));
        assertEquals(List.of(), t.parts(ino));
        assertArrayEquals(utf8("tiny"), t.item(t.keys.content("/f")));
    }

    @Test
    void renameMovesNoPart() {
        byte[] content = random(8, 5 * PART);
        t.writeFile("/a", content);
        long ino = t.stat("/a").ino();
        long token = t.store.await(t.store.get(t.keys.dataPart(ino, 0))).token();
        t.mkdir("/d");
        fs.rename("/a", "/d/b");
        assertEquals(token, t.store.await(t.store.get(t.keys.dataPart(ino, 0))).token());
        assertArrayEquals(content, t.readFile("/d/b"));
        assertFalse(t.has(t.keys.content("/d/b")));
    }

    @Test
    void aFileWrittenInMorePiecesThanARecordHoldsStoresItsShortestHoles() {
        // every other part, and one long hole: the record keeps at most MAX_RANGES ranges
        int pieces = PartRanges.MAX_RANGES + 10;
        long fh = t.create("/pieces");
        byte[] model = new byte[(2 * pieces + 1000) * PART];
        for (int i = 0; i < pieces; i++) {
            long at = i < pieces - 1 ? 2L * i * PART : model.length - 5;
            write(fs, fh, "/pieces", at, utf8("piece"));
            System.arraycopy(utf8("piece"), 0, model, (int) at, 5);
        }
        fs.release(fh, "/pieces");
        assertTrue(t.stat("/pieces").parts().rangeCount() <= PartRanges.MAX_RANGES, t.stat("/pieces").parts().toString());
        assertTrue(t.parts(t.stat("/pieces").ino()).size() < 2 * pieces, "the long hole stays a hole");
        t.assertPartsMatchRecord("/pieces", model);
        assertArrayEquals(model, t.readFile("/pieces"));
    }

    @Test
    void aFileOfManyPartsNeedsOnlyAFewInMemory() {
        // 2000 parts: a writer that kept every part in memory would still pass, but would show in
        // the heap of a real mount; here the point is that streaming through the part window is right
        long fh = t.create("/huge");
        byte[] piece = new byte[PART];
        for (int p = 0; p < 2000; p++) {
            Arrays.fill(piece, (byte) p);
            write(fs, fh, "/huge", (long) p * PART, piece);
        }
        fs.release(fh, "/huge");
        long ino = t.stat("/huge").ino();
        assertEquals(2000, t.parts(ino).size());
        long rh = fs.open("/huge", 0);
        for (int p = 1999; p >= 0; p -= 97) {
            byte[] got = read(fs, rh, "/huge", (long) p * PART + 1, PART);
            assertEquals((byte) p, got[0]);
            assertEquals(p == 1999 ? PART - 1 : PART, got.length);
            assertTrue(p == 1999 || got[PART - 1] == (byte) (p + 1));
        }
        fs.release(rh, "/huge");
    }
}
