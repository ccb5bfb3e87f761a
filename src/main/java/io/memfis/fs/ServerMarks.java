package io.memfis.fs;

import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One small item per server of a namespace spread over several: a server that restarted
 * empty (or evicted it) has lost it, which no other item says (a missing file looks like
 * one that was never there). Mark {@code i} is the first {@link Keys#serverMark} candidate
 * that the store places on server {@code i}. With one server there are none: the format
 * marker says it all.
 */
public final class ServerMarks {

    /** More candidates than a pool needs unless one server has a tiny share of the keys. */
    private static final int CANDIDATES = 100_000;

    private final Store store;
    private final List<String> keys;

    private ServerMarks(Store store, List<String> keys) {
        this.store = store;
        this.keys = keys;
    }

    /** The marks of {@code keys}'s namespace on {@code store}'s servers. */
    public static ServerMarks of(Store store, Keys keys) {
        int servers = store.serverCount();
        if (servers == 1) {
            return new ServerMarks(store, List.of());
        }
        String[] found = new String[servers];
        int missing = servers;
        for (int n = 0; missing > 0 && n < CANDIDATES; n++) {
            String key = keys.serverMark(n);
            int server = store.serverOf(key);
            if (found[server] == null) {
                found[server] = key;
                missing--;
            }
        }
        if (missing > 0) {
            throw new IllegalStateException("no mark key lands on some server among " + CANDIDATES + " candidates");
        }
        return new ServerMarks(store, List.of(found));
    }

    /** The mark keys, by server. */
    public List<String> keys() {
        return keys;
    }

    /** The value of a mark: the server it was written to, for whoever reads the item. */
    public byte[] value(int server) {
        return store.serverName(server).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Which marks are there, by server: TRUE, FALSE, or null for a server that did not answer.
     * All asked at once.
     */
    public List<Boolean> present() {
        List<CompletableFuture<Store.Item>> gets = new ArrayList<>(keys.size());
        for (String key : keys) {
            gets.add(store.get(key));
        }
        List<Boolean> present = new ArrayList<>(keys.size());
        for (CompletableFuture<Store.Item> get : gets) {
            try {
                present.add(store.await(get) != null);
            } catch (StoreException e) {
                present.add(null);
            }
        }
        return present;
    }

    /** Adds every mark that is missing (a fresh namespace, or one from before marks). */
    void addAll() {
        List<CompletableFuture<?>> adds = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            adds.add(store.add(keys.get(i), value(i)));
        }
        adds.forEach(store::await);
    }
}
