package io.memfis.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Store} does, whatever is behind it. Each backend runs it through a
 * subclass that only says how to open a store; keys are unique per test, so backends may
 * share a server between tests.
 */
abstract class StoreContractTest {

    private Store store;
    private String ns;

    /** A new store over an empty or shared backend. */
    abstract Store open();

    /** False for a store whose writes answer {@link Store#UNKNOWN_TOKEN} (the text protocol, through a proxy). */
    boolean writesTellTokens() {
        return true;
    }

    @BeforeEach
    void openStore() {
        store = open();
        ns = "memfis://contract-" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void missingKeyIsNull() {
        assertNull(await(store.get(key("missing"))));
    }

    @Test
    void addStoresOnlyWhenAbsent() {
        OptionalLong first = await(store.add(key("a"), bytes("one")));
        assertTrue(first.isPresent());
        assertEquals(OptionalLong.empty(), await(store.add(key("a"), bytes("two"))));
        Store.Item item = await(store.get(key("a")));
        assertEquals("one", text(item.value()));
        assertWritten(first.getAsLong(), item);
    }

    @Test
    void casReplacesOnlyTheVersionItWasGiven() {
        long t1 = usable(await(store.set(key("c"), bytes("one"))), key("c"));
        OptionalLong t2 = await(store.cas(key("c"), t1, bytes("two")));
        assertTrue(t2.isPresent());
        assertNotEquals(t1, t2.getAsLong());

        assertEquals(OptionalLong.empty(), await(store.cas(key("c"), t1, bytes("stale"))));
        Store.Item item = await(store.get(key("c")));
        assertEquals("two", text(item.value()));
        assertWritten(t2.getAsLong(), item);

        OptionalLong t3 = await(store.cas(key("c"), item.token(), bytes("three")));
        assertTrue(t3.isPresent());
        assertWritten(t3.getAsLong(), await(store.get(key("c"))));

        assertEquals(OptionalLong.empty(), await(store.cas(key("missing"), item.token(), bytes("x"))));
        assertNull(await(store.get(key("missing"))));
    }

    @Test
    void aTokenAWriteCouldNotTellNeverSwaps() {
        await(store.set(key("u"), bytes("one")));
        assertEquals(OptionalLong.empty(), await(store.cas(key("u"), Store.UNKNOWN_TOKEN, bytes("two"))));
        assertEquals("one", text(await(store.get(key("u"))).value()));
    }

    @Test
    void setReplacesAndReturnsTheNewToken() {
        long t1 = usable(await(store.set(key("s"), bytes("one"))), key("s"));
        long t2 = await(store.set(key("s"), bytes("two")));
        Store.Item item = await(store.get(key("s")));
        assertEquals("two", text(item.value()));
        assertWritten(t2, item);
        assertNotEquals(t1, item.token());
    }

    @Test
    void flagsComeBackWithTheValueAndAWriteWithoutThemClearsThem() {
        await(store.set(key("f"), bytes("gz"), 2));
        assertEquals(2, await(store.get(key("f"))).flags());
        await(store.set(key("g"), bytes("high"), 0x80000001));
        assertEquals(0x80000001, await(store.getAll(List.of(key("g")))).get(key("g")).flags());
        await(store.set(key("f"), bytes("plain")));
        assertEquals(0, await(store.get(key("f"))).flags());
        Store.Item item = await(store.get(key("f")));
        await(store.set(key("f"), bytes("gz"), 2));
        assertTrue(await(store.cas(key("f"), await(store.get(key("f"))).token(), bytes("cas"))).isPresent());
        assertEquals(0, await(store.get(key("f"))).flags(), "cas stores flags 0");
        assertTrue(await(store.add(key("h"), bytes("add"))).isPresent());
        assertEquals(0, await(store.get(key("h"))).flags());
        assertEquals("plain", text(item.value()));
    }

    @Test
    void deleteSaysWhetherTheKeyExisted() {
        assertFalse(await(store.delete(key("d"))));
        await(store.set(key("d"), bytes("x")));
        assertTrue(await(store.delete(key("d"))));
        assertNull(await(store.get(key("d"))));
        assertFalse(await(store.delete(key("d"))));
        assertTrue(await(store.add(key("d"), bytes("again"))).isPresent());
    }

    @Test
    void incrCreatesWithInitialThenAdds() {
        assertEquals(10, await(store.incr(key("n"), 5, 10)));
        assertEquals(15, await(store.incr(key("n"), 5, 10)));
        assertEquals(16, await(store.incr(key("n"), 1, 0)));
        assertEquals("16", text(await(store.get(key("n"))).value()));

        await(store.set(key("text"), bytes("not a number")));
        assertKind(StoreException.Kind.FAILED, store.incr(key("text"), 1, 0));
    }

    @Test
    void getAllReturnsThePresentKeysWithTheirTokens() {
        long ta = await(store.set(key("a"), bytes("A")));
        long tb = await(store.set(key("b"), bytes("B")));
        Map<String, Store.Item> items = await(store.getAll(List.of(key("a"), key("missing"), key("b"), key("a"))));
        assertEquals(Set.of(key("a"), key("b")), items.keySet());
        assertEquals("A", text(items.get(key("a")).value()));
        assertWritten(ta, items.get(key("a")));
        assertEquals("B", text(items.get(key("b")).value()));
        assertWritten(tb, items.get(key("b")));
        assertEquals(items.get(key("a")).token(), await(store.get(key("a"))).token());
        assertTrue(await(store.getAll(List.of())).isEmpty());
    }

    @Test
    void valuesComeBackByteForByte() {
        byte[] everyByte = new byte[256 * 4];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] large = new byte[100 * 1024];
        new Random(42).nextBytes(large);
        await(store.set(key("every-byte"), everyByte));
        await(store.set(key("100k"), large));
        await(store.set(key("empty"), new byte[0]));
        assertArrayEquals(everyByte, await(store.get(key("every-byte"))).value());
        assertArrayEquals(large, await(store.get(key("100k"))).value());
        assertArrayEquals(new byte[0], await(store.get(key("empty"))).value());
    }

    @Test
    void aValueOfMaxValueSizeFitsUnderTheLongestKey() {
        int max = store.maxValueSize();
        assertTrue(max > 0);
        String longest = key("max-");
        longest = longest + "x".repeat(Stores.MAX_KEY_BYTES - longest.length());
        assertEquals(Stores.MAX_KEY_BYTES, longest.getBytes(StandardCharsets.UTF_8).length);

        byte[] value = new byte[max];
        new Random(7).nextBytes(value);
        long token = usable(await(store.set(longest, value)), longest);
        assertArrayEquals(value, await(store.get(longest)).value());

        byte[] tooLarge = new byte[max + 1];
        assertKind(StoreException.Kind.TOO_LARGE, store.set(longest, tooLarge));
        assertKind(StoreException.Kind.TOO_LARGE, store.add(key("new"), tooLarge));
        assertKind(StoreException.Kind.TOO_LARGE, store.cas(longest, token, tooLarge));
        // refused cleanly: the item and the store are as they were
        Store.Item item = await(store.get(longest));
        assertEquals(token, item.token());
        assertArrayEquals(value, item.value());
        assertNull(await(store.get(key("new"))));
    }

    @Test
    void keysListsThoseWithThePrefix() {
        List<String> written = List.of(key("a"), key("dir/b"), key("dir/c%25d"), key("é"));
        for (String k : written) {
            await(store.set(k, bytes(k)));
        }
        assertEquals(Set.copyOf(written), Set.copyOf(store.keys(ns)));
        assertEquals(Set.of(key("dir/b"), key("dir/c%25d")), Set.copyOf(store.keys(key("dir/"))));
        assertTrue(store.keys(ns + "nothing").isEmpty());
    }

    @Test
    void keysThatNoServerTakesAreRefused() {
        String tooLong = ns + "x".repeat(Stores.MAX_KEY_BYTES);
        assertThrows(IllegalArgumentException.class, () -> store.get(tooLong));
        assertThrows(IllegalArgumentException.class, () -> store.set(key("a b"), bytes("x")));
        assertThrows(IllegalArgumentException.class, () -> store.add(key("line\n"), bytes("x")));
        assertThrows(IllegalArgumentException.class, () -> store.getAll(List.of(key("ok"), "")));
    }

    @Test
    void statsDescribeEveryServer() {
        List<ServerStats> stats = store.stats();
        assertFalse(stats.isEmpty());
        for (ServerStats s : stats) {
            assertNotNull(s.address());
            assertTrue(s.itemSizeMax() >= store.maxValueSize(), s.toString());
            assertTrue(s.limitMaxBytes() > 0, s.toString());
        }
    }

    String key(String name) {
        return ns + name;
    }

    /** The token a write returned: the item's, or unknown where writes cannot tell it. */
    void assertWritten(long written, Store.Item read) {
        assertNotEquals(Store.UNKNOWN_TOKEN, read.token());
        assertEquals(writesTellTokens() ? read.token() : Store.UNKNOWN_TOKEN, written);
    }

    /** A token to swap against after a write: the one it returned, or one read where it returned none. */
    long usable(long written, String key) {
        return writesTellTokens() ? written : await(store.get(key)).token();
    }

    <T> T await(CompletableFuture<T> future) {
        return store.await(future);
    }

    /** Fails through the future and through await alike, with the same kind. */
    void assertKind(StoreException.Kind kind, CompletableFuture<?> future) {
        CompletionException direct = assertThrows(CompletionException.class, future::join);
        assertEquals(kind, ((StoreException) direct.getCause()).kind(), direct.getCause().getMessage());
        StoreException awaited = assertThrows(StoreException.class, () -> store.await(future));
        assertEquals(kind, awaited.kind(), awaited.getMessage());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
