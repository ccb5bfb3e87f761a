package io.memfis.tools;

import io.memfis.layout.Keys;
import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Crossing keys off stays linear: check once spent 88 s on 100,000 empty files because
 * {@code Set.removeAll(List)} asks the list {@code contains} for every key of the set when
 * the set is not the larger of the two. The lists given here refuse {@code contains}, so a
 * return of that shows as a failure, not as a slow run.
 */
class KeySpaceTest {

    private final Keys keys = Keys.of("ks");
    private final Stores.InMemory store = Stores.inMemory(64 * 1024);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void expectingMoreKeysThanAreListedNeverSearchesTheList() {
        List<String> stored = storeContentKeys(10);
        KeySpace space = KeySpace.list(store, keys);
        List<String> expected = new ArrayList<>(stored.subList(0, 5));
        for (int i = 0; i < 100; i++) {
            expected.add(keys.content("/absent" + i));
        }
        space.expectAll(new NoContains(expected));
        assertEquals(sorted(stored.subList(5, 10)), space.leftovers());
    }

    @Test
    void expectingFewerKeysThanAreListedNeverSearchesTheList() {
        List<String> stored = storeContentKeys(100);
        KeySpace space = KeySpace.list(store, keys);
        space.expectAll(new NoContains(stored.subList(0, 10)));
        assertEquals(sorted(stored.subList(10, 100)), space.leftovers());
    }

    @Test
    void expectingAsManyKeysAsAreListedNeverSearchesTheList() {
        List<String> stored = storeContentKeys(50);
        KeySpace space = KeySpace.list(store, keys);
        space.expectAll(new NoContains(stored));
        assertEquals(List.of(), space.leftovers());
    }

    private List<String> storeContentKeys(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = keys.content("/f" + i);
            store.await(store.set(key, new byte[0]));
            out.add(key);
        }
        return out;
    }

    private static List<String> sorted(List<String> keys) {
        List<String> out = new ArrayList<>(keys);
        out.sort(null);
        return out;
    }

    /** A list that can be iterated but not searched: searching it once per key is quadratic. */
    private static final class NoContains extends AbstractList<String> {
        private final List<String> items;

        NoContains(List<String> items) {
            this.items = items;
        }

        @Override
        public String get(int index) {
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public boolean contains(Object o) {
            throw new AssertionError("searched the list of expected keys: quadratic in the number of keys");
        }
    }
}
