package io.memfis.fs;

import io.memfis.store.Store;
import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * memcached restarted empty under a live filesystem: the namespace is gone, and the
 * filesystem must say EIO from the first operation on, never ENOENT for what was there or
 * an empty tree, and must write nothing into the empty server.
 */
class NamespaceLossTest {

    private static final String NS = "lost";

    private final Stores.InMemory store = Stores.inMemory(1 << 20);
    private MemFs fs;

    @AfterEach
    void close() {
        if (fs != null) {
            fs.close();
        }
    }

    @Test
    void restartedEmptyAnswersEioAtOnceAndWritesNothing() {
        fs = MemFs.open(store, options().withHealthInterval(Duration.ZERO));
        fs.mkdir("/site", 0755, 0, 0);
        write("/site/index.html", "hello");

        store.clear();

        // no periodic check runs here: the first missing item must be enough
        assertEio(() -> fs.getattr("/site/index.html"));
        assertEio(() -> fs.getattr("/"));
        assertEio(() -> fs.readdir("/site"));
        assertEio(() -> fs.mkdir("/site/new", 0755, 0, 0));
        assertEio(() -> fs.create("/site/new.html", 0644, 0, 0, 0));
        assertEio(() -> fs.unlink("/site/index.html"));
        assertEio(() -> fs.rename("/site", "/moved"));
        assertEquals(List.of(), store.keys(""), "nothing written into the empty server");
    }

    @Test
    void aNameThatIsReallyMissingStaysEnoent() {
        fs = MemFs.open(store, options().withHealthInterval(Duration.ZERO));
        for (int i = 0; i < 3; i++) {
            FsException e = assertThrows(FsException.class, () -> fs.getattr("/nothing-here"));
            assertEquals(Errno.ENOENT, e.errno());
        }
    }

    @Test
    void resumesWhenTheNamespaceIsBack() throws InterruptedException {
        fs = MemFs.open(store, options().withHealthInterval(Duration.ofMillis(50)));
        write("/kept", "content");
        Map<String, byte[]> saved = snapshot(store);

        store.clear();
        assertEio(() -> fs.getattr("/kept"));

        saved.forEach((k, v) -> store.await(store.set(k, v)));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                fs.getattr("/kept");
                break;
            } catch (FsException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
        assertArrayEquals(bytes("content"), read("/kept"));
    }

    @Test
    void unreachableStoreIsEioAndPassesWhenItIsBack() {
        fs = MemFs.open(store, options().withHealthInterval(Duration.ZERO));
        write("/f", "x");
        store.breakDown();
        assertEio(() -> fs.getattr("/f"));
        assertEio(() -> fs.readdir("/"));
        store.heal();
        assertArrayEquals(bytes("x"), read("/f"));
        assertEquals(1, fs.readdir("/").size());
    }

    /** No attribute cache: every operation asks the store, as one does once the cache expired. */
    private static FsOptions options() {
        return FsOptions.defaults(NS).withAttrTimeout(Duration.ZERO);
    }

    private void write(String path, String content) {
        long fh = fs.create(path, 0644, 0, 0, 0);
        byte[] b = bytes(content);
        fs.write(fh, path, 0, b, b.length);
        fs.release(fh, path);
    }

    private byte[] read(String path) {
        long fh = fs.open(path, 0);
        try {
            byte[] buf = new byte[4096];
            int n = fs.read(fh, path, 0, buf, buf.length);
            return java.util.Arrays.copyOf(buf, n);
        } finally {
            fs.release(fh, path);
        }
    }

    private static Map<String, byte[]> snapshot(Store store) {
        Map<String, byte[]> all = new HashMap<>();
        store.await(store.getAll(store.keys(""))).forEach((k, item) -> all.put(k, item.value()));
        return all;
    }

    private static void assertEio(Executable op) {
        FsException e = assertThrows(FsException.class, op);
        assertEquals(Errno.EIO, e.errno(), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
