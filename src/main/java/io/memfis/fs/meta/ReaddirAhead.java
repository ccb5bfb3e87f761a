package io.memfis.fs.meta;

import io.memfis.fs.DirEntry;
import io.memfis.fs.PathNames;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Reads directories before they are asked for. Listing a directory costs two round trips
 * (its pages, then its entries' records), and a walk of a tree (find, ls -R, tar, du,
 * rsync, diff -r) lists one directory after another: so when a directory is listed, the
 * listings of its subdirectories are fetched in the background, all requests in flight
 * together, and the walk finds them here. What comes back goes through the same caches and
 * the same checks against this mount's own changes as a listing read on demand.
 */
public final class ReaddirAhead implements AutoCloseable {

    /** Subdirectories of one listing fetched ahead at most. */
    private static final int MAX_PER_LISTING = 64;
    /** Listings fetched ahead and not yet used, at most. */
    private static final int MAX_PENDING = 256;
    /** Larger directories are listed when asked for: fetching their records could be wasted. */
    private static final int MAX_PAGES = 4;

    private final Kv kv;
    private final Keys keys;
    private final Catalog catalog;
    private final Listings listings;
    private final LongSupplier ticker;
    private final long ttlNanos;
    private final long waitNanos;
    private final ExecutorService decoder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "memfis-readdir-ahead");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Ahead> pending = new ConcurrentHashMap<>();

    /** A listing on its way: what this mount had changed when it was asked for, and when it goes stale. */
    private record Ahead(int pages, long expires, long edits, long forgets, CompletableFuture<Fetched> fetched) {
    }

    /** The pages of a directory and the records of its names, as stored. */
    private record Fetched(List<Versioned<List<String>>> pages, Map<String, Versioned<PathRecord>> records) {
    }

    public ReaddirAhead(Kv kv, Keys keys, Catalog catalog, Listings listings, LongSupplier ticker, long ttlNanos,
                 long waitNanos) {
        this.kv = kv;
        this.keys = keys;
        this.catalog = catalog;
        this.listings = listings;
        this.ticker = ticker;
        this.ttlNanos = ttlNanos;
        this.waitNanos = waitNanos;
    }

    /** Starts fetching the listings of the subdirectories among {@code entries} of {@code dir}. */
    void after(String dir, List<DirEntry> entries) {
        if (ttlNanos <= 0) {
            return;
        }
        int started = 0;
        for (DirEntry e : entries) {
            if (started == MAX_PER_LISTING || pending.size() >= MAX_PENDING) {
                return;
            }
            if (e.attributes() != null && e.attributes().isDirectory() && e.attributes().pages() <= MAX_PAGES) {
                String path = PathNames.child(dir, e.name());
                if (!pending.containsKey(path)) {
                    start(path, e.attributes().pages());
                    started++;
                }
            }
        }
    }

    /**
     * The names of {@code dir} if they were fetched ahead (waiting a little if they are on
     * their way), with its records now in the catalog; null when they were not, or are stale.
     */
    List<String> take(String dir, int pages) {
        Ahead a = pending.remove(dir);
        if (a == null || a.pages() != pages || ticker.getAsLong() - a.expires() >= 0) {
            return null;
        }
        Fetched f;
        try {
            f = a.fetched().get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            return null; // the listing is read on demand instead, and reports its own error
        }
        List<String> names = listings.adopt(dir, f.pages(), a.edits());
        if (names != null) {
            catalog.adopt(f.records(), a.forgets());
        }
        return names;
    }

    /** Forgets listings fetched ahead at or below {@code dir} (it was renamed or removed). */
    void forgetTree(String dir) {
        pending.keySet().removeIf(p -> PathNames.isWithin(p, dir));
    }

    @Override
    public void close() {
        decoder.shutdownNow();
    }

    private void start(String dir, int pages) {
        long edits = listings.editsNow();
        long forgets = catalog.forgetsNow();
        List<String> pageKeys = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            pageKeys.add(keys.dirPage(dir, i));
        }
        CompletableFuture<Fetched> fetched = kv.getAllAsync(pageKeys)
                .thenApplyAsync(items -> decodePages(pageKeys, items), decoder)
                .thenCompose(decodedPages -> {
                    Map<String, String> pathOfKey = new HashMap<>();
                    for (Versioned<List<String>> page : decodedPages) {
                        for (String name : page.value()) {
                            String path = PathNames.child(dir, name);
                            pathOfKey.put(keys.record(path), path);
                        }
                    }
                    return kv.getAllAsync(pathOfKey.keySet()).thenApplyAsync(items -> {
                        Map<String, Versioned<PathRecord>> records = new HashMap<>(items.size() * 2);
                        items.forEach((key, item) -> records.put(pathOfKey.get(key),
                                new Versioned<>(decode(Codec.RECORD, key, item.value()), item.token())));
                        return new Fetched(decodedPages, records);
                    }, decoder);
                });
        pending.put(dir, new Ahead(pages, ticker.getAsLong() + ttlNanos, edits, forgets, fetched));
    }

    private static List<Versioned<List<String>>> decodePages(List<String> pageKeys, Map<String, Store.Item> items) {
        List<Versioned<List<String>>> pages = new ArrayList<>(pageKeys.size());
        for (String key : pageKeys) {
            Store.Item item = items.get(key);
            if (item == null) {
                throw new IllegalStateException("listing page " + key + " is missing");
            }
            pages.add(new Versioned<>(decode(Codec.NAMES, key, item.value()), item.token()));
        }
        return pages;
    }

    private static <T> T decode(Codec<T> codec, String key, byte[] value) {
        try {
            return codec.decode(value);
        } catch (CorruptValueException e) {
            throw new IllegalStateException("corrupt value under " + key, e);
        }
    }
}
