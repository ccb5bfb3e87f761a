package io.memfis.store;

import io.memfis.testing.MemcachedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.memfis.store.StoreContractTest.bytes;
import static io.memfis.store.StoreContractTest.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only a real memcached shows: the bytes nginx reads, failures and recoveries, settings. */
class MemcachedStoreTest {

    /** For the tests of failures: short, to see them fail fast. */
    private static final Duration SHORT = Duration.ofSeconds(1);
    /** For the others: generous, for loaded machines. */
    private static final Duration LONG = Duration.ofSeconds(10);

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @Test
    void nginxReadsTheRawBytesWithFlagsZero() throws IOException {
        // compressible, and over spymemcached's 16 KB compression threshold
        byte[] value = "memfis serves this page from memcached\n".repeat(1100).substring(0, 40 * 1024)
                .getBytes(StandardCharsets.US_ASCII);
        String key = "memfis://raw/page.html";
        try (Store store = open(MEMCACHED)) {
            store.await(store.set(key, value));
        }
        RawItem raw = rawGet(MEMCACHED.address(), key);
        assertNotNull(raw);
        assertEquals("VALUE " + key + " 0 " + value.length, raw.header());
        assertArrayEquals(value, raw.data());
    }

    @Test
    void aPausedServerFailsWithinTheTimeoutAndTheSameStoreWorksWhenItResumes() throws Exception {
        try (MemcachedServer server = MemcachedServer.withDefaults().start(); Store store = open(SHORT, server)) {
            store.await(store.set("memfis://p/a", bytes("A")));
            store.await(store.set("memfis://p/b", bytes("B")));
            server.pause();

            long start = System.nanoTime();
            CompletableFuture<Store.Item> pending = store.get("memfis://p/a");
            assertUnavailable(store, store.get("memfis://p/b"));
            assertUnavailable(store, store.getAll(List.of("memfis://p/a", "memfis://p/b")));
            assertUnavailable(store, store.set("memfis://p/c", bytes("sent before the timeout")));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "each failed within the bound");
            // the time bound is the waiter's: a request nobody waited for is answered once the server is back
            assertFalse(pending.isDone());

            server.resume();
            assertEquals("A", text(pending.get(5, TimeUnit.SECONDS).value()));
            // late answers to the abandoned requests are not taken for the new ones
            assertEquals("A", text(store.await(store.get("memfis://p/a")).value()));
            assertEquals("B", text(store.await(store.get("memfis://p/b")).value()));
            assertEquals(2, store.await(store.getAll(List.of("memfis://p/a", "memfis://p/b"))).size());
            // a write that timed out was still sent: the server applies it when it wakes up
            Store.Item c = store.await(store.get("memfis://p/c"));
            assertTrue(c == null || text(c.value()).equals("sent before the timeout"));
        }
    }

    @Test
    void aKilledServerIsUnavailableAndTheSameStoreUsesItAgainOnceRestarted() {
        try (MemcachedServer server = MemcachedServer.withDefaults().start(); Store store = open(SHORT, server)) {
            store.await(store.set("memfis://k/a", bytes("A")));
            server.stop();
            assertUnavailable(store, store.get("memfis://k/a"));
            assertUnavailable(store, store.set("memfis://k/a", bytes("B")));

            server.start();
            awaitWorking(store);
            assertNull(store.await(store.get("memfis://k/a")), "a restarted memcached is empty");
        }
    }

    @Test
    void aStoreOpenedBeforeItsServerStartsWorksOnceItDoes() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (Store store = Stores.memcached(List.of(new InetSocketAddress("127.0.0.1", port)), SHORT)) {
            assertUnavailable(store, store.get("memfis://late/a"));
            StoreException e = assertThrows(StoreException.class, store::maxValueSize);
            assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
            try (MemcachedServer server = MemcachedServer.builder().port(port).start()) {
                awaitWorking(store);
                assertEquals((1 << 20) - MemcachedStore.ITEM_OVERHEAD, store.maxValueSize());
                assertEquals(port, server.port());
            }
        }
    }

    @Test
    void statsTellTheItemSizeAndWhetherTheServerEvicts() {
        try (MemcachedServer evicting = MemcachedServer.builder().evictions(true).itemSizeMax("2m").memoryMb(64).start();
             Store store = open(MEMCACHED, evicting)) {
            List<ServerStats> stats = store.stats();
            assertEquals(2, stats.size());

            ServerStats noEvictions = stats.get(0);
            assertEquals(MEMCACHED.servers(), noEvictions.address());
            assertEquals(1 << 20, noEvictions.itemSizeMax());
            assertFalse(noEvictions.evictions());
            assertEquals(256L << 20, noEvictions.limitMaxBytes());

            ServerStats evicts = stats.get(1);
            assertEquals(evicting.servers(), evicts.address());
            assertEquals(2 << 20, evicts.itemSizeMax());
            assertTrue(evicts.evictions());
            assertEquals(64L << 20, evicts.limitMaxBytes());
            assertEquals(0, evicts.evicted());

            // the smaller item size rules: every key may land on either server
            assertEquals((1 << 20) - MemcachedStore.ITEM_OVERHEAD, store.maxValueSize());
        }
    }

    @Test
    void aFullServerWithoutEvictionsAnswersOutOfMemory() {
        try (MemcachedServer tiny = MemcachedServer.builder().memoryMb(8).start(); Store store = open(tiny)) {
            byte[] value = new byte[100 * 1024];
            new Random(1).nextBytes(value);
            StoreException full = null;
            for (int i = 0; i < 1000 && full == null; i++) {
                try {
                    store.await(store.set("memfis://oom/" + i, value));
                } catch (StoreException e) {
                    full = e;
                }
            }
            assertNotNull(full, "8 MB never filled up");
            assertEquals(StoreException.Kind.OUT_OF_MEMORY, full.kind(), full.getMessage());
            assertArrayEquals(value, store.await(store.get("memfis://oom/0")).value());
        }
    }

    /** When a server comes back with a smaller -I than the store learned, memcached's own refusal is TOO_LARGE too. */
    @Test
    void theServersTooLargeAnswerIsTooLarge() {
        try (MemcachedServer large = MemcachedServer.builder().itemSizeMax("2m").start(); Store store = open(large)) {
            assertEquals((2 << 20) - MemcachedStore.ITEM_OVERHEAD, store.maxValueSize());
            large.stop();
            try (MemcachedServer small = MemcachedServer.builder().itemSizeMax("1m").port(large.port()).start()) {
                assertEquals(large.port(), small.port());
                awaitWorking(store);
                String key = "memfis://big/a";
                store.await(store.set(key, bytes("old")));
                byte[] value = new byte[1_500_000];
                StoreException e = assertThrows(StoreException.class, () -> store.await(store.set(key, value)));
                assertEquals(StoreException.Kind.TOO_LARGE, e.kind(), e.getMessage());
                // memcached drops the old value when it refuses a set: what the store's own check avoids
                assertNull(store.await(store.get(key)));
                assertTrue(store.await(store.add(key, bytes("new"))).isPresent());
            }
        }
    }

    @Test
    void keysIsUnsupportedWhereTheCrawlerIsOff() {
        try (MemcachedServer noCrawler = MemcachedServer.builder().args("-o", "no_lru_crawler").start();
             Store store = open(noCrawler)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> store.keys("memfis://"));
            assertTrue(e.getMessage().contains(noCrawler.servers()), e.getMessage());
        }
    }

    @Test
    void keysAreSpreadOverTheServersAsNginxSpreadsThem() throws IOException {
        try (MemcachedServer second = MemcachedServer.builder().memoryMb(64).start();
             MemcachedServer third = MemcachedServer.builder().memoryMb(64).start();
             Store store = open(MEMCACHED, second, third)) {
            List<MemcachedServer> servers = List.of(MEMCACHED, second, third);
            List<String> keys = IntStream.range(0, 30)
                    .mapToObj(i -> "memfis://spread/" + i + (i % 3 == 0 ? "%20with%25escapes" : "")).toList();
            for (String key : keys) {
                store.await(store.set(key, bytes(key)));
            }
            int[] perServer = new int[servers.size()];
            for (String key : keys) {
                int expected = PlacementTest.modulo(key, servers.size());
                for (int i = 0; i < servers.size(); i++) {
                    RawItem raw = rawGet(servers.get(i).address(), key);
                    assertEquals(i == expected, raw != null, key + " on server " + i);
                }
                perServer[expected]++;
            }
            assertTrue(Arrays.stream(perServer).allMatch(n -> n > 0), Arrays.toString(perServer));
            assertEquals(keys.size(), store.await(store.getAll(keys)).size());
            // right after reading every key: memcached skips items in use, so this takes a second pass
            assertEquals(Set.copyOf(keys), Set.copyOf(store.keys("memfis://spread/")));
        }
    }

    private static Store open(MemcachedServer... servers) {
        return open(LONG, servers);
    }

    private static Store open(Duration timeout, MemcachedServer... servers) {
        return Stores.memcached(Arrays.stream(servers).map(MemcachedServer::address).toList(), timeout);
    }

    private static void assertUnavailable(Store store, CompletableFuture<?> future) {
        long start = System.nanoTime();
        StoreException e = assertThrows(StoreException.class, () -> store.await(future));
        assertEquals(StoreException.Kind.UNAVAILABLE, e.kind(), e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "failed only after 5 s");
    }

    /** Until a write goes through: spymemcached reconnects in the background. */
    private static void awaitWorking(Store store) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                store.await(store.set("memfis://probe", bytes("probe")));
                return;
            } catch (StoreException e) {
                assertEquals(StoreException.Kind.UNAVAILABLE, e.kind(), e.getMessage());
                assertTrue(System.nanoTime() < deadline, "the store did not reconnect within 15 s: " + e.getMessage());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** memcached's text answer to {@code get}, as nginx reads it. */
    record RawItem(String header, byte[] data) {
    }

    static RawItem rawGet(InetSocketAddress server, String key) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(("get " + key + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (header.equals("END")) {
                return null;
            }
            byte[] data = in.readNBytes(Integer.parseInt(header.substring(header.lastIndexOf(' ') + 1)));
            assertEquals("\r\nEND\r\n", new String(in.readNBytes(7), StandardCharsets.US_ASCII));
            return new RawItem(header, data);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
