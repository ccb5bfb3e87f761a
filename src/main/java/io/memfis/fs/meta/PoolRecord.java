package io.memfis.fs.meta;

import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The servers, weights and hash a namespace lives on ({@code consistent 10.0.0.1:11211,...}),
 * with one copy on every server, each written to that server itself. A copy on any server
 * tells a command given another list or hash where the namespace really is, even with a
 * server down; a server without its copy, while others have theirs, restarted empty (or
 * evicted it) and lost its part of the namespace. A namespace from before the record has
 * no copy anywhere. A store in memory has no record.
 */
public final class PoolRecord {

    /** What one server holds. */
    public enum State { PRESENT, MISSING, NO_ANSWER }

    /** One server's copy: its state, and its text when present. */
    public record Copy(State state, String text) {
    }

    private final Store store;
    private final String key;
    /** The store's placement, or null for a store in memory. */
    private final String text;

    private PoolRecord(Store store, String key, String text) {
        this.store = store;
        this.key = key;
        this.text = text;
    }

    public static PoolRecord of(Store store, Keys keys) {
        return new PoolRecord(store, keys.pool(), store.placement().orElse(null));
    }

    /** Whether the store has a record at all (memcached: yes; memory: no). */
    public boolean kept() {
        return text != null;
    }

    public String key() {
        return key;
    }

    /** The record of the store's own pool. */
    public String text() {
        return text;
    }

    /** Every server's copy, in the pool's order. */
    public List<Copy> read() {
        List<Copy> copies = new ArrayList<>();
        if (text == null) {
            return copies;
        }
        for (int i = 0; i < store.serverCount(); i++) {
            try {
                byte[] v = store.getOn(i, key);
                copies.add(v == null ? new Copy(State.MISSING, null)
                        : new Copy(State.PRESENT, new String(v, StandardCharsets.US_ASCII)));
            } catch (StoreException e) {
                copies.add(new Copy(State.NO_ANSWER, null));
            }
        }
        return copies;
    }

    /** Writes the store's record on server {@code server}. */
    public void write(int server) {
        store.setOn(server, key, text().getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes the record on every server whose copy is missing. */
    void writeMissing(List<Copy> copies) {
        for (int i = 0; i < copies.size(); i++) {
            if (copies.get(i).state() == State.MISSING) {
                write(i);
            }
        }
    }

    static boolean any(List<Copy> copies, State state) {
        return copies.stream().anyMatch(c -> c.state() == state);
    }

    /**
     * Empty when every copy found names the store's own pool; otherwise the one line that
     * says where the namespace lives and how to move it.
     */
    public Optional<String> mismatch(List<Copy> copies, String prefix) {
        for (Copy c : copies) {
            if (c.state() == State.PRESENT && !c.text().equals(text)) {
                return Optional.of("namespace " + prefix + " lives on " + options(c.text()) + " (recorded in it), not on "
                        + options(text) + ": give those, or move it with memfis rebalance");
            }
        }
        return Optional.empty();
    }

    /** A placement as the command line gives it: {@code --hash H -s SERVERS [--meta-servers SERVERS]}. */
    static String options(String placement) {
        String[] words = placement.split(" ");
        if (words.length < 2) {
            return placement;
        }
        return "--hash " + words[0] + " -s " + words[1] + (words.length == 4 ? " --meta-servers " + words[3] : "");
    }
}
