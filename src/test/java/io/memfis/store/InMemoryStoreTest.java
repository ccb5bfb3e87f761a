package io.memfis.store;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.memfis.store.StoreContractTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The faults the in-memory store plays for the tests of the layers above. */
class InMemoryStoreTest {

    private final Stores.InMemory store = Stores.inMemory(1024);

    @Test
    void breakDownFailsEverythingUntilHealed() {
        store.await(store.set("k", bytes("v")));
        store.breakDown();
        for (var op : List.of(store.get("k"), store.set("k", bytes("w")), store.incr("n", 1, 0),
                store.delete("k"), store.getAll(List.of("k")))) {
            StoreException e = assertThrows(StoreException.class, () -> store.await(op));
            assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
        }
        assertThrows(StoreException.class, store::stats);
        store.heal();
        assertEquals("v", StoreContractTest.text(store.await(store.get("k")).value()));
    }

    @Test
    void evictDropsOneItemAndCountsIt() {
        store.await(store.set("k", bytes("v")));
        assertTrue(store.evict("k"));
        assertFalse(store.evict("k"));
        assertNull(store.await(store.get("k")));
        assertEquals(1, store.stats().get(0).evicted());
        assertFalse(store.stats().get(0).evictions());
    }

    @Test
    void clearForgetsEverythingAsARestartDoes() {
        store.await(store.set("a", bytes("1")));
        store.await(store.set("b", bytes("2")));
        store.clear();
        assertTrue(store.await(store.getAll(List.of("a", "b"))).isEmpty());
        assertTrue(store.await(store.add("a", bytes("again"))).isPresent());
    }
}
