package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A {@link MemFs} over a store whose items hold 1 KiB, so that a file of a few KiB already
 * has several parts, with a clock the test moves: it gives file times and is the ticker of
 * every cache, so a test expires a cache by moving it, never by waiting. The helpers do what
 * a program does with system calls (open, write, close), so that tests read like one.
 */
final class FsFixture implements AutoCloseable {

    /** The stores' item size, hence the part size of a new namespace. */
    static final int PART = 1024;
    static final String NAMESPACE = "test";
    static final int UID = 1000;
    static final int GID = 100;
    /** A start time with nanoseconds, so that a lost digit shows. */
    static final Instant START = Instant.parse("2024-05-06T07:08:09.123456789Z");
    /** Namespaces of fixtures: two fixtures of one test may share a memcached. */
    private static final AtomicInteger FIXTURES = new AtomicInteger();
    /** Part numbers asked for at once where the store cannot list them quickly. */
    private static final int PROBE = 1024;

    final Store store;
    final TestClock clock;
    final MemFs fs;
    final Keys keys;
    private final String namespace;
    private final List<MemFs> others = new ArrayList<>();

    private FsFixture(Store store, TestClock clock, Duration attrTimeout) {
        this.store = store;
        this.clock = clock;
        this.namespace = NAMESPACE + "-" + FIXTURES.incrementAndGet();
        this.fs = MemFs.open(store, options(namespace, clock, attrTimeout));
        this.keys = fs.keys();
    }

    /** A new namespace in a new in-memory store, attributes cached for one second as a mount does. */
    static FsFixture create() {
        return create(FsStore.IN_MEMORY);
    }

    static FsFixture create(Duration attrTimeout) {
        return create(FsStore.IN_MEMORY, attrTimeout);
    }

    /** A new namespace in {@code store}, attributes cached for one second as a mount does. */
    static FsFixture create(FsStore store) {
        return create(store, Duration.ofSeconds(1));
    }

    static FsFixture create(FsStore store, Duration attrTimeout) {
        return new FsFixture(store.open(), new TestClock(START), attrTimeout);
    }

    /** Options of a mount of {@link #NAMESPACE} with {@code clock} for file times and as the ticker. */
    static FsOptions options(TestClock clock, Duration attrTimeout) {
        return options(NAMESPACE, clock, attrTimeout);
    }

    static FsOptions options(String namespace, TestClock clock, Duration attrTimeout) {
        return FsOptions.defaults(namespace).withHealthInterval(Duration.ZERO).withAttrTimeout(attrTimeout)
                .withClock(clock).withTicker(clock::nanos);
    }

    /** A second mount of the same namespace (closed with this fixture). */
    MemFs anotherMount(Duration attrTimeout) {
        MemFs other = MemFs.open(store, options(namespace, clock, attrTimeout));
        others.add(other);
        return other;
    }

    @Override
    public void close() {
        others.forEach(MemFs::close);
        fs.close();
        store.close();
    }

    // ---- what programs do -------------------------------------------------------------------

    /** open(O_CREAT | O_EXCL | O_RDWR): a new file, or EEXIST. */
    static long create(MemFs fs, String path) {
        return fs.create(path, 0644, UID, GID, 0302);
    }

    /** Creates or replaces the file's content, as {@code cat > path} does. */
    static void writeFile(MemFs fs, String path, byte[] content) {
        long fh;
        try {
            fh = create(fs, path);
        } catch (FsException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
            fh = fs.open(path, OpenFlags.O_TRUNC);
        }
        try {
            fs.write(fh, path, 0, content, content.length);
            fs.flush(fh, path);
        } finally {
            fs.release(fh, path);
        }
    }

    /** The whole content, read in odd-sized pieces until a read returns 0 bytes, as {@code cat} does. */
    static byte[] readFile(MemFs fs, String path) {
        long fh = fs.open(path, 0);
        try {
            return readAll(fs, fh, path);
        } finally {
            fs.release(fh, path);
        }
    }

    static byte[] readAll(MemFs fs, long fh, String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[777];
        long offset = 0;
        int n;
        while ((n = fs.read(fh, path, offset, buffer, buffer.length)) > 0) {
            out.write(buffer, 0, n);
            offset += n;
        }
        return out.toByteArray();
    }

    /** Exactly what a read of {@code length} bytes at {@code offset} returns. */
    static byte[] read(MemFs fs, long fh, String path, long offset, int length) {
        byte[] buffer = new byte[length];
        int n = fs.read(fh, path, offset, buffer, length);
        return java.util.Arrays.copyOf(buffer, n);
    }

    static void write(MemFs fs, long fh, String path, long offset, byte[] bytes) {
        fs.write(fh, path, offset, bytes, bytes.length);
    }

    static List<String> names(MemFs fs, String dir) {
        return fs.readdir(dir).stream().map(DirEntry::name).toList();
    }

    void writeFile(String path, byte[] content) {
        writeFile(fs, path, content);
    }

    void writeFile(String path, String content) {
        writeFile(fs, path, utf8(content));
    }

    byte[] readFile(String path) {
        return readFile(fs, path);
    }

    String readText(String path) {
        return new String(readFile(path), StandardCharsets.UTF_8);
    }

    /** Creates an empty file and closes it: stored, as a new file is from its close on. */
    void touch(String path) {
        fs.release(create(path), path);
    }

    long create(String path) {
        return create(fs, path);
    }

    void mkdir(String path) {
        fs.mkdir(path, 0755, UID, GID);
    }

    Attributes stat(String path) {
        return fs.getattr(path);
    }

    List<String> names(String dir) {
        return names(fs, dir);
    }

    // ---- what the store holds ---------------------------------------------------------------

    byte[] item(String key) {
        Store.Item item = store.await(store.get(key));
        return item == null ? null : item.value();
    }

    boolean has(String key) {
        return item(key) != null;
    }

    PathRecord record(String path) {
        return Json.decodePathRecord(item(keys.record(path)));
    }

    /**
     * Whether {@link #allKeys} is cheap: memcached's key listing misses items read in the
     * last second or so and then waits a second for another pass, so suites that would list
     * the keys after every few steps list them only at the end there.
     */
    boolean listsKeysQuickly() {
        return store instanceof Stores.InMemory;
    }

    /**
     * Every key of the namespace, sorted, but for the pool record: a store of servers records
     * where the namespace lives there, one in memory has nowhere to record.
     */
    List<String> allKeys() {
        return store.keys(keys.prefix()).stream().filter(k -> !k.equals(keys.pool())).sorted().toList();
    }

    /**
     * The part numbers stored for inode {@code ino}. memcached lists its keys slowly (a pass
     * that missed items just read waits a second for another), so there the parts are asked
     * for by number, {@value #PROBE} at a time until none of them is there; the in-memory
     * store lists them exactly, gaps included.
     */
    List<Long> parts(long ino) {
        if (store instanceof Stores.InMemory) {
            String prefix = keys.prefix() + "%data." + ino + ".";
            return store.keys(prefix).stream().map(k -> Long.parseLong(k.substring(prefix.length()))).sorted().toList();
        }
        List<Long> found = new ArrayList<>();
        for (long from = 0; ; from += PROBE) {
            List<String> probed = LongStream.range(from, from + PROBE).mapToObj(p -> keys.dataPart(ino, p)).toList();
            Map<String, Store.Item> items = store.await(store.getAll(probed));
            if (items.isEmpty()) {
                return found;
            }
            for (int i = 0; i < PROBE; i++) {
                if (items.containsKey(probed.get(i))) {
                    found.add(from + i);
                }
            }
        }
    }

    /** The parts the record of {@code path} says were written; the others are holes. */
    List<Long> writtenParts(String path) {
        Attributes a = stat(path);
        int partSize = fs.format().partSize();
        return a.parts().bits((a.size() + partSize - 1) / partSize).stream().mapToObj(i -> (long) i).toList();
    }

    /**
     * The parts stored for the file at {@code path} are exactly those its record names, and
     * none of the parts it leaves out (holes) should have held data.
     */
    void assertPartsMatchRecord(String path, byte[] content) {
        List<Long> written = writtenParts(path);
        assertEquals(written, parts(stat(path).ino()), "the stored parts are those the record names");
        int partSize = fs.format().partSize();
        for (long p = 0; p * partSize < content.length; p++) {
            if (!written.contains(p)) {
                for (long i = p * partSize; i < Math.min(content.length, (p + 1) * partSize); i++) {
                    if (content[(int) i] != 0) {
                        throw new AssertionError("part " + p + " holds data at " + i + " but is recorded as a hole");
                    }
                }
            }
        }
        assertArrayEquals(content, partsContent(stat(path).ino(), content.length));
    }

    /** The content as the parts hold it: each part padded with zeros to the part size, a missing one all zeros, cut to {@code size}. */
    byte[] partsContent(long ino, long size) {
        byte[] out = new byte[(int) size];
        int partSize = fs.format().partSize();
        for (long p = 0; p * partSize < size; p++) {
            byte[] part = item(keys.dataPart(ino, p));
            if (part == null) {
                continue;
            }
            if (part.length > partSize) {
                throw new AssertionError("part " + p + " of inode " + ino + " has " + part.length + " bytes");
            }
            System.arraycopy(part, 0, out, (int) (p * partSize), (int) Math.min(part.length, size - p * partSize));
        }
        return out;
    }

    // ---- assertions and data ----------------------------------------------------------------

    static FsException assertErrno(Errno expected, Executable op) {
        FsException e = assertThrows(FsException.class, op);
        assertEquals(expected, e.errno(), e.getMessage());
        return e;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes that differ at every offset, so that a misplaced byte shows. */
    static byte[] random(long seed, int length) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** A clock that stands still until the test moves it; {@link #nanos} is its ticker. */
    static final class TestClock extends Clock {

        private volatile Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        long nanos() {
            return FsFixture.nanos(now);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
