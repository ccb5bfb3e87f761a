package io.memfis.fs.kv;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-modify-write started without waiting ({@link Kv#modifyAsync}), on a real memcached. */
class KvTest {

    /** Short, so that a store whose thread is held shows it by failing soon. */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @Test
    void aCompareAndSwapThatMissesAppliesTheChangeAgainToTheFreshValue() {
        try (Store store = memcached()) {
            Kv kv = new Kv(store);
            Versioned<List<String>> known = stored(kv, "k");
            kv.set("k", Codec.NAMES.encode(List.of("a", "b"))); // another writer, after our read
            AtomicInteger applied = new AtomicInteger();

            Versioned<List<String>> stored = kv.await(kv.modifyAsync("k", Codec.NAMES, known, names -> {
                applied.incrementAndGet();
                return with(names, "c");
            }));

            assertEquals(2, applied.get(), "applied to what we knew, then again to what the store had");
            assertEquals(List.of("a", "b", "c"), stored.value(), "the other writer's name is kept");
            Versioned<List<String>> read = kv.get("k", Codec.NAMES);
            assertEquals(stored, read, "the value and token answered are the stored ones");
        }
    }

    @Test
    void aChangeThatRefusesOnTheRetrySurfacesItsErrnoAtTheJoin() {
        try (Store store = memcached()) {
            Kv kv = new Kv(store);
            Versioned<List<String>> known = stored(kv, "gone");
            kv.delete("gone"); // another mount removed it

            CompletableFuture<Versioned<List<String>>> f = kv.modifyAsync("gone", Codec.NAMES, known, names -> {
                if (names == null) {
                    throw FsException.of(Errno.ENOENT, "gone");
                }
                return with(names, "b");
            });

            FsException e = assertThrows(FsException.class, () -> kv.await(f));
            assertEquals(Errno.ENOENT, e.errno());
            assertNull(kv.get("gone", Codec.NAMES), "nothing was written");
        }
    }

    @Test
    void aStoreFailureSurfacesAsItsErrno() {
        try (Store store = Stores.inMemory(64)) {
            Kv kv = new Kv(store);
            Versioned<List<String>> known = stored(kv, "k");

            CompletableFuture<Versioned<List<String>>> f = kv.modifyAsync("k", Codec.NAMES, known,
                    names -> with(names, "x".repeat(100)));

            FsException e = assertThrows(FsException.class, () -> kv.await(f));
            assertEquals(Errno.EFBIG, e.errno(), "a value over the item size, as memcached refuses it");
            assertEquals(List.of("a"), kv.get("k", Codec.NAMES).value());
        }
    }

    @Test
    void aChangeThatBlocksOnTheRetryDoesNotHoldTheStoresThread() throws Exception {
        try (Store store = memcached()) {
            Kv kv = new Kv(store);
            Versioned<List<String>> known = stored(kv, "slow");
            kv.set("slow", Codec.NAMES.encode(List.of("a", "b")));
            kv.set("other", Codec.NAMES.encode(List.of("o")));
            CountDownLatch blocking = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<String> retriedOn = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger applied = new AtomicInteger();

            CompletableFuture<Versioned<List<String>>> f = kv.modifyAsync("slow", Codec.NAMES, known, names -> {
                if (applied.incrementAndGet() > 1) {
                    // the retry, after the store answered the first compare-and-swap with a miss
                    retriedOn.add(Thread.currentThread().getName());
                    blocking.countDown();
                    await(release);
                }
                return with(names, "c");
            });
            try {
                assertTrue(blocking.await(10, TimeUnit.SECONDS), "the compare-and-swap missed and the change ran again");
                // answered only if the store's thread is free: held, this times out (UNAVAILABLE, EIO)
                assertEquals(List.of("o"), kv.get("other", Codec.NAMES).value());
                assertFalse(f.isDone(), "still waiting for the change");
            } finally {
                release.countDown();
            }
            assertEquals(List.of("a", "b", "c"), kv.await(f).value());
            assertTrue(retriedOn.get(0).startsWith("memfis-kv-"), "the retry ran on Kv's own thread: " + retriedOn);
        }
    }

    private static Store memcached() {
        return Stores.memcached(List.of(MEMCACHED.address()), TIMEOUT);
    }

    /** Stores the list "a" under {@code key}: as read, with its token. */
    private static Versioned<List<String>> stored(Kv kv, String key) {
        kv.set(key, Codec.NAMES.encode(List.of("a")));
        return kv.get(key, Codec.NAMES);
    }

    private static List<String> with(List<String> names, String name) {
        List<String> out = new ArrayList<>(names);
        out.add(name);
        return out;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
