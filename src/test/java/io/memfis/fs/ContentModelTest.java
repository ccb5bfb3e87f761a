package io.memfis.fs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.memfis.fs.FsFixture.PART;
import static io.memfis.fs.FsFixture.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Random sequences of writes, reads, truncates, flushes and reopens against a byte array
 * that plays the local disk, with sizes that cross the boundary between a small file and
 * one in parts both ways. After every save the store must hold exactly the model: whole
 * under nginx's key, or in exactly the parts it needs, no stale part left.
 */
@EveryStore
class ContentModelTest {

    private final FsStore store;

    ContentModelTest(FsStore store) {
        this.store = store;
    }

    /** Sizes up to 12 parts, with a bias to the edges of the parts and of the small file. */
    private static final int MAX_SIZE = 12 * PART;

    static Stream<Arguments> runs() {
        return LongStream.range(0, 40).mapToObj(seed -> Arguments.of(seed, seed % 2 == 0 ? Duration.ZERO
                : Duration.ofSeconds(1)));
    }

    @ParameterizedTest(name = "seed {0}, attributes cached {1}")
    @MethodSource("runs")
    void aFileBehavesAsAByteArray(long seed, Duration attrTimeout) {
        try (FsFixture t = FsFixture.create(store, attrTimeout)) {
            Random random = new Random(seed);
            MemFs fs = t.fs;
            byte[] model = new byte[0];
            List<String> log = new ArrayList<>();
            long fh = t.create("/f");
            for (int step = 0; step < 250; step++) {
                int op = random.nextInt(100);
                if (op < 40) {
                    int offset = position(random, model.length);
                    int length = random.nextInt(random.nextBoolean() ? 64 : 3 * PART) + 1;
                    length = Math.min(length, MAX_SIZE - offset);
                    if (length <= 0) {
                        continue;
                    }
                    byte[] bytes = FsFixture.random(seed * 1000 + step, length);
                    log.add("write " + length + " at " + offset);
                    fs.write(fh, "/f", offset, bytes, length);
                    model = Arrays.copyOf(model, Math.max(model.length, offset + length));
                    System.arraycopy(bytes, 0, model, offset, length);
                } else if (op < 65) {
                    int offset = position(random, model.length);
                    int length = random.nextInt(3 * PART) + 1;
                    log.add("read " + length + " at " + offset);
                    int from = Math.min(offset, model.length);
                    int to = (int) Math.min(model.length, (long) offset + length);
                    assertArrayEquals(Arrays.copyOfRange(model, from, Math.max(from, to)),
                            read(fs, fh, "/f", offset, length), () -> String.join("\n", log));
                } else if (op < 80) {
                    int size = position(random, model.length);
                    log.add("ftruncate " + size);
                    fs.ftruncate(fh, "/f", size);
                    model = Arrays.copyOf(model, size);
                } else if (op < 88) {
                    log.add("flush");
                    fs.flush(fh, "/f");
                    checkStore(t, model, log);
                } else if (op < 96) {
                    log.add("close, open");
                    fs.release(fh, "/f");
                    checkStore(t, model, log);
                    fh = fs.open("/f", 0);
                } else {
                    int size = position(random, model.length);
                    log.add("close, truncate " + size + ", open");
                    fs.release(fh, "/f");
                    fs.truncate("/f", size);
                    model = Arrays.copyOf(model, size);
                    checkStore(t, model, log);
                    fh = fs.open("/f", 0);
                }
                assertEquals(model.length, t.stat("/f").size(), () -> String.join("\n", log));
            }
            fs.release(fh, "/f");
            checkStore(t, model, log);
            assertArrayEquals(model, t.readFile("/f"));
        }
    }

    /** Anywhere in or just past the file, often at a part's edge. */
    private static int position(Random random, int size) {
        int p = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(size + 1);
            case 1 -> random.nextInt(MAX_SIZE / PART + 1) * PART + random.nextInt(3) - 1;
            case 2 -> size + random.nextInt(2 * PART);
            default -> random.nextInt(2 * PART);
        };
        return Math.max(0, Math.min(MAX_SIZE, p));
    }

    private static void checkStore(FsFixture t, byte[] model, List<String> log) {
        long ino = t.stat("/f").ino();
        if (model.length <= PART) {
            assertArrayEquals(model, t.item(t.keys.content("/f")), () -> String.join("\n", log));
            assertEquals(List.of(), t.parts(ino), () -> String.join("\n", log));
        } else {
            assertNull(t.item(t.keys.content("/f")), () -> String.join("\n", log));
            try {
                t.assertPartsMatchRecord("/f", model);
            } catch (AssertionError e) {
                throw new AssertionError(String.join("\n", log) + "\n" + e.getMessage(), e);
            }
        }
    }
}
