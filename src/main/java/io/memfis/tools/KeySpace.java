package io.memfis.tools;

import io.memfis.layout.Keys;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys a namespace holds, as the servers list them ({@code lru_crawler metadump all}),
 * taken before the walk: each key the walk expects is crossed off, and what is left at the
 * end is what no name leads to (orphans). Listed first, so that a key written while the walk
 * runs is never taken for an orphan; where a server does not list keys, orphans are not
 * searched and {@link #unlisted} says why.
 */
final class KeySpace {

    private final Set<String> unseen;
    private final String unlisted;

    private KeySpace(Set<String> unseen, String unlisted) {
        this.unseen = unseen;
        this.unlisted = unlisted;
    }

    static KeySpace list(Store store, Keys keys) {
        try {
            Set<String> all = new HashSet<>();
            for (String k : store.keys(keys.prefix())) {
                if (keys.owns(k)) {
                    all.add(k);
                }
            }
            return new KeySpace(all, null);
        } catch (UnsupportedOperationException e) {
            return new KeySpace(null, e.getMessage());
        }
    }

    /** Why orphans are not searched, or null when they are. */
    String unlisted() {
        return unlisted;
    }

    /** Crosses off a key that a name, a node or the namespace itself accounts for. */
    void expect(String key) {
        if (unseen != null) {
            unseen.remove(key);
        }
    }

    /**
     * One removal per key, never {@code Set.removeAll}: when the set is not larger than the
     * argument, that asks the argument {@code contains} for every key of the set, quadratic
     * with a list (100,000 empty files took 88 s).
     */
    void expectAll(Collection<String> keys) {
        if (unseen != null) {
            for (String k : keys) {
                unseen.remove(k);
            }
        }
    }

    /** The keys nothing accounted for, sorted; empty when keys could not be listed. */
    List<String> leftovers() {
        if (unseen == null) {
            return List.of();
        }
        List<String> left = new ArrayList<>(unseen);
        left.sort(null);
        return left;
    }
}
