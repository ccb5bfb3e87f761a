package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.NameBytes;
import io.memfis.fs.PathNames;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The entry names of directories, kept in pages so that adding a name rewrites one small
 * page, never the whole listing: a directory of 100,000 entries costs the same per create
 * as an empty one. Names go to the last page until it is full ({@code pageBytes} of JSON),
 * then a new page starts; the directory's record counts the pages and each child's record
 * remembers its page, so that a removal touches one page too. Pages emptied by removals
 * stay (a readdir fetches them all in one request anyway).
 */
public final class Listings {

    /** The most pages whose last known value this mount keeps to save a read before each CAS. */
    private static final int MAX_CACHED_PAGES = 2048;

    /** The most directories whose complete set of names this mount keeps. */
    private static final int MAX_KNOWN_DIRS = 4096;
    /**
     * Directories known past which those expired for a timeout more are dropped (the count
     * doubling with what is left): a load of a thousand directories of a thousand files each
     * kept every name, half the heap.
     */
    private static final int PURGE_KNOWN_FROM = 64;

    private final Kv kv;
    private final Keys keys;
    private final int pageBytes;
    private final LongSupplier ticker;
    private final long ttlNanos;
    private final Map<String, Seen> lastSeen = new ConcurrentHashMap<>();
    /**
     * The encoded size of the page each key last held here, for that very list: a batch of
     * new names measured the directory's last page (some 1,500 names) twice, the largest
     * part of a writeback mount's CPU per create in a large directory.
     */
    private final Map<String, Measured> measured = new ConcurrentHashMap<>();
    /** The bytes of the names in {@link #lastSeen}, about: removals do not count down, so it clears early if anything. */
    private final AtomicLong cachedBytes = new AtomicLong();
    /**
     * The most bytes of names those pages may hold: a load of a thousand directories of 900
     * files kept every name in the pages it had written, and spent half its time collecting.
     */
    private final long maxCachedBytes;
    private final Map<String, KnownNames> known = new ConcurrentHashMap<>();
    /** The bytes of the names in {@link #known}, about: counted as names come, recounted when past the bound. */
    private final AtomicLong knownBytes = new AtomicLong();
    /**
     * The most bytes of names known: by bytes, as every cache of names here, since counts
     * sized for short names let 80,000 of 240 characters fill a small heap.
     */
    private final long maxKnownBytes;
    /** Names this mount added or removed: a listing read while one changed may lack it. */
    private final AtomicLong edits = new AtomicLong();
    /**
     * The names this mount adds to a directory while {@link #list} reads its listing, which
     * may lack them: the names it then knows are those read and these. A writeback mount
     * adds names all the time (its committer), and a listing read that knew nothing when
     * anything was added meanwhile left every later lookup of a new name to ask memcached.
     */
    private final Map<String, Set<String>> addedWhileRead = new ConcurrentHashMap<>();
    private volatile int knownPurgeAt = PURGE_KNOWN_FROM;

    /** Lookups a directory's known names must have answered before they are worth reading again. */
    private static final int HOT = 32;
    /**
     * Names read again per lookup they answered in their last timeout: a lookup answered
     * saves a round trip, worth far more than reading a few KB of names in one multi-get,
     * so a directory filled at a thousand names a second is read again up to 200,000 names.
     */
    private static final int NAMES_PER_LOOKUP = 200;

    /**
     * The bytes of JSON that {@link #measured} keeps at most, about (the last pages of the
     * directories being filled, 16 KB each): past it, it starts again.
     */
    private static final long MAX_KEPT_JSON = 4L << 20;
    private static final byte[] EMPTY_PAGE = Json.encodeNames(List.of());
    /** What {@link #measured} keeps of JSON, about. */
    private final AtomicLong keptJson = new AtomicLong();

    /**
     * A page's list of names, the size of its JSON (the estimate pages are filled by), and
     * the JSON itself when this mount encoded that list (else null): a page a batch of names
     * grows is sent as the previous JSON with the new names appended, the same bytes as
     * encoding it whole.
     */
    private record Measured(List<String> names, int bytes, byte[] json) {
        int jsonBytes() {
            return json == null ? 0 : json.length;
        }
    }

    /** A page's last known value, and what it takes of the heap. */
    private record Seen(Versioned<List<String>> page, long bytes) {
    }

    /** Every name of a directory as this mount last saw it, trusted until {@code expires}; {@code bytes} of heap. */
    private record KnownNames(Set<String> names, long expires, AtomicInteger answered, AtomicLong bytes) {
    }

    /** Listings whose caches take at most a twenty-fourth of the heap for pages, a twelfth for known names. */
    public Listings(Kv kv, Keys keys, int pageBytes, LongSupplier ticker, long ttlNanos) {
        this(kv, keys, pageBytes, ticker, ttlNanos, NameBytes.heapShare(24), NameBytes.heapShare(12));
    }

    Listings(Kv kv, Keys keys, int pageBytes, LongSupplier ticker, long ttlNanos, long maxCachedBytes,
             long maxKnownBytes) {
        this.kv = kv;
        this.keys = keys;
        this.pageBytes = pageBytes;
        this.ticker = ticker;
        this.ttlNanos = ttlNanos;
        this.maxCachedBytes = maxCachedBytes;
        this.maxKnownBytes = maxKnownBytes;
    }

    /**
     * True when this mount knows, within the attribute timeout, every name of {@code dir}
     * and {@code name} is not one of them: a lookup that needs no request. This is what
     * makes the lookup before each create of {@code cp -a} free; another mount's new name
     * shows once the knowledge expires, as attributes do.
     */
    boolean knownAbsent(String dir, String name) {
        KnownNames k = known.get(dir);
        if (k == null) {
            return false;
        }
        if (ticker.getAsLong() - k.expires() >= 0) {
            return false;
        }
        k.answered().incrementAndGet();
        return !k.names().contains(name);
    }

    /**
     * True, once, when what this mount knew of {@code dir}'s names has expired after
     * answering many lookups, for their number small enough to read again: a directory
     * being filled (cp -a, a build) keeps its lookups free at the price of one listing read
     * per timeout.
     */
    boolean worthRefreshing(String dir) {
        KnownNames k = known.get(dir);
        if (k == null || ticker.getAsLong() - k.expires() < 0) {
            return false;
        }
        known.remove(dir, k);
        int answered = k.answered().get();
        return answered >= HOT && k.names().size() <= (long) answered * NAMES_PER_LOOKUP;
    }

    /** Forgets what this mount knew of the names of {@code dir} and below. */
    void forgetTree(String dir) {
        known.keySet().removeIf(d -> PathNames.isWithin(d, dir));
    }

    /** {@code dir} was just made here, with no name in it, its first page stored with {@code pageToken}. */
    void knowEmpty(String dir, long pageToken) {
        know(dir, List.of());
        if (pageToken != Store.UNKNOWN_TOKEN) {
            remember(keys.dirPage(dir, 0), new Versioned<>(List.of(), pageToken));
        }
    }

    private void know(String dir, Collection<String> names) {
        long bytes = NameBytes.of(names);
        if (known.size() > knownPurgeAt || knownBytes.get() + bytes > maxKnownBytes) {
            purgeKnown(bytes);
        }
        if (bytes > maxKnownBytes) {
            known.remove(dir); // too many to keep: its lookups ask memcached
            return;
        }
        Set<String> set = ConcurrentHashMap.newKeySet(Math.max(16, names.size() * 2));
        set.addAll(names);
        known.put(dir, new KnownNames(set, ticker.getAsLong() + ttlNanos, new AtomicInteger(), new AtomicLong(bytes)));
        knownBytes.addAndGet(bytes);
    }

    /**
     * Drops what expired a timeout ago (worthRefreshing weighs what an expired one answered),
     * and everything when that leaves too many directories or too little room for {@code more}
     * bytes of names.
     */
    private void purgeKnown(long more) {
        long now = ticker.getAsLong();
        known.values().removeIf(k -> now - k.expires() > ttlNanos);
        long bytes = 0;
        for (KnownNames k : known.values()) {
            bytes += k.bytes().get();
        }
        if (known.size() > MAX_KNOWN_DIRS || bytes + more > maxKnownBytes) {
            known.clear();
            bytes = 0;
        }
        knownBytes.set(bytes);
        knownPurgeAt = Math.max(PURGE_KNOWN_FROM, 2 * known.size());
    }

    /** Records that {@code dir} has {@code name} (this mount added it, or found it there). */
    void knowAdded(String dir, String name) {
        edits.incrementAndGet();
        Set<String> collecting = addedWhileRead.get(dir);
        if (collecting != null) {
            synchronized (collecting) {
                if (addedWhileRead.get(dir) == collecting) {
                    collecting.add(name);
                }
            }
        }
        KnownNames k = known.get(dir);
        if (k == null) {
            return;
        }
        if (ticker.getAsLong() - k.expires() > ttlNanos) {
            // expired a timeout ago, as know() drops them: a load makes a thousand directories
            // at once, fills them one after the other, and kept every name it added
            known.remove(dir, k);
        } else if (k.names().add(name)) {
            long bytes = NameBytes.of(name);
            k.bytes().addAndGet(bytes);
            if (knownBytes.addAndGet(bytes) > maxKnownBytes) {
                purgeKnown(0);
            }
        }
    }

    void knowRemoved(String dir, String name) {
        edits.incrementAndGet();
        KnownNames k = known.get(dir);
        if (k != null) {
            k.names().remove(name);
        }
    }

    /**
     * Adds {@code names}, in order, to the listing of {@code dir}, which has {@code pages}
     * pages, without waiting: when this mount knows the last page, its compare-and-swap goes
     * out at once, so that it overlaps with other requests. Gives the page of each name,
     * moving on to new pages (off the store's thread) when the last one fills up.
     */
    CompletableFuture<List<Added>> addAsync(String dir, int pages, List<String> names) {
        int page = Math.max(0, pages - 1);
        String key = keys.dirPage(dir, page);
        Fill fill = new Fill(key, page, page < pages, names);
        return kv.modifyAsync(key, pageCodec(key), seen(key), fill)
                .thenCompose(stored -> fill.placed.size() == names.size()
                        ? CompletableFuture.completedFuture(placed(dir, pages, names, fill, stored))
                        : kv.async(() -> placed(dir, pages, names, fill, stored)));
    }

    /** Where a name was added, and whether this addition put it there (else it was there already). */
    record Added(int page, boolean inserted) {
    }

    /**
     * The pages that {@code names} will most likely land on, by what this mount last saw of
     * the last page: a new record can name its page before the listing is written.
     */
    int[] expectedPages(String dir, int pages, List<String> names) {
        int page = Math.max(0, pages - 1);
        String key = keys.dirPage(dir, page);
        Versioned<List<String>> seen = seen(key);
        boolean empty = seen == null || seen.value().isEmpty();
        int size = seen == null ? encodedSize(List.of()) : sizeOf(key, seen.value());
        int[] out = new int[names.size()];
        for (int i = 0; i < out.length; i++) {
            int more = encodedSize(names.get(i));
            if (!fits(empty, size, more)) {
                page++;
                size = encodedSize(List.of());
            }
            out[i] = page;
            size += more;
            empty = false;
        }
        return out;
    }

    /** Whether a name of {@code more} bytes fits a page of {@code size} bytes: always on an empty one. */
    private boolean fits(boolean empty, int size, int more) {
        return empty || size + more <= pageBytes;
    }

    /**
     * Adds {@code name} to the listing of {@code dir}, which has {@code pages} pages.
     *
     * @return the page that holds the name; the caller records {@code max(pages, page + 1)}
     */
    int add(String dir, int pages, String name) {
        return addFrom(dir, pages, List.of(name), Math.max(0, pages - 1)).get(0).page();
    }

    private List<Added> addFrom(String dir, int pages, List<String> names, int page) {
        String key = keys.dirPage(dir, page);
        Fill fill = new Fill(key, page, page < pages, names);
        return placed(dir, pages, names, fill, kv.modify(key, pageCodec(key), seen(key), fill));
    }

    /** Where {@code fill}, as stored, put the names; those that did not fit go to the next page. */
    private List<Added> placed(String dir, int pages, List<String> names, Fill fill, Versioned<List<String>> stored) {
        if (stored != null) {
            remember(fill.key, stored);
        }
        int n = fill.placed.size();
        for (int i = 0; i < n; i++) {
            knowAdded(dir, names.get(i));
        }
        if (n == names.size()) {
            return fill.placed;
        }
        List<Added> all = new ArrayList<>(fill.placed);
        all.addAll(addFrom(dir, pages, names.subList(n, names.size()), fill.page + 1));
        return all;
    }

    /**
     * A change of one page: appends the names in order, as many as fit in {@code pageBytes}
     * (a name always fits an empty page); a name already there stays where it is. Remembers
     * where its last application put each name (a retried compare-and-swap applies it again).
     */
    private final class Fill implements Kv.Change<List<String>> {
        private final String key;
        private final int page;
        private final boolean mustExist;
        private final List<String> names;
        private List<Added> placed = List.of();

        Fill(String key, int page, boolean mustExist, List<String> names) {
            this.key = key;
            this.page = page;
            this.mustExist = mustExist;
            this.names = names;
        }

        @Override
        public List<String> apply(List<String> current) {
            if (current == null && mustExist) {
                throw missingPage(key);
            }
            List<String> base = current == null ? List.of() : current;
            byte[] baseJson = base.isEmpty() ? EMPTY_PAGE : jsonOf(key, base);
            // one name (a create) looks through the page; many (a load, a writeback batch) look
            // for theirs in one pass
            Set<String> there = names.size() > 1 ? onPage(base) : null;
            List<String> grown = null;
            int size = sizeOf(key, base);
            List<Added> out = new ArrayList<>(names.size());
            for (String name : names) {
                if (there != null ? there.contains(name) : base.contains(name)) {
                    out.add(new Added(page, false));
                    continue;
                }
                int more = encodedSize(name);
                if (!fits(grown == null ? base.isEmpty() : grown.isEmpty(), size, more)) {
                    break;
                }
                if (grown == null) {
                    grown = new ArrayList<>(base.size() + names.size());
                    grown.addAll(base);
                }
                grown.add(name);
                if (there != null) {
                    there.add(name);
                }
                size += more;
                out.add(new Added(page, true));
            }
            placed = out;
            if (grown == null) {
                return current;
            }
            keep(key, new Measured(grown, size,
                    baseJson == null ? null : Json.appendNames(baseJson, grown.subList(base.size(), grown.size()))));
            return grown;
        }

        /**
         * Those of the names to add that {@code base} has already. A filter of their hash codes
         * (one bit of 64 each) passes most of the page's names by with one test each: looking
         * every name of the last page (some 1,500) up in a set was the larger part of adding a
         * writeback batch of a few names.
         */
        private Set<String> onPage(List<String> base) {
            Set<String> adding = new HashSet<>(names);
            long filter = 0;
            for (String name : names) {
                filter |= bit(name);
            }
            Set<String> there = new HashSet<>();
            for (String name : base) {
                if ((filter & bit(name)) != 0 && adding.contains(name)) {
                    there.add(name);
                }
            }
            return there;
        }

        private static long bit(String name) {
            int h = name.hashCode();
            return 1L << ((h ^ (h >>> 16)) & 63);
        }
    }

    /**
     * {@link #remove}, without waiting: when this mount knows the hinted page, its
     * compare-and-swap goes out at once; else, or when the name was not where the hint said,
     * the search of every page goes on off the store's thread.
     */
    CompletableFuture<Boolean> removeAsync(String dir, int pages, String name, int hint) {
        String key = keys.dirPage(dir, hint);
        Versioned<List<String>> seen = hint < pages ? seen(key) : null;
        if (seen == null || !seen.value().contains(name)) {
            return kv.async(() -> remove(dir, pages, name, hint));
        }
        return kv.modifyAsync(key, Codec.NAMES, seen, names -> without(names, name)).thenCompose(stored -> {
            if (stored == null || stored.value().contains(name)) {
                return kv.async(() -> remove(dir, pages, name, hint));
            }
            remember(key, stored);
            knowRemoved(dir, name);
            return CompletableFuture.completedFuture(true);
        });
    }

    private static List<String> without(List<String> names, String name) {
        if (names == null || !names.contains(name)) {
            return names;
        }
        List<String> shrunk = new ArrayList<>(names);
        shrunk.remove(name);
        return shrunk;
    }

    /**
     * Removes {@code name}, looking first on page {@code hint}, then on every page: false
     * when no page had it (another mount removed it first). The hint comes from the name's
     * own record, read afresh, and may point past {@code pages}, the page count of a
     * directory record this mount cached before another added a page.
     */
    boolean remove(String dir, int pages, String name, int hint) {
        if (hint >= 0 && removeFrom(dir, hint, name)) {
            return true;
        }
        for (int page = 0; page < Math.max(pages, hint + 1); page++) {
            if (page != hint && removeFrom(dir, page, name)) {
                return true;
            }
        }
        return false;
    }

    private boolean removeFrom(String dir, int page, String name) {
        String key = keys.dirPage(dir, page);
        boolean[] removed = {false};
        Versioned<List<String>> stored = kv.modify(key, Codec.NAMES, seen(key), names -> {
            List<String> shrunk = without(names, name);
            removed[0] = shrunk != names;
            return shrunk;
        });
        if (stored != null) {
            remember(key, stored);
        }
        if (removed[0]) {
            knowRemoved(dir, name);
        }
        return removed[0];
    }

    /** A count of this mount's changes to listings, to tell whether a read predates one. */
    long editsNow() {
        return edits.get();
    }

    /**
     * Takes pages read ahead (in page order) as the listing of {@code dir}: its names, or
     * null when this mount changed a listing since they were asked for ({@code editsBefore}).
     */
    List<String> adopt(String dir, List<Versioned<List<String>>> pages, long editsBefore) {
        if (edits.get() != editsBefore) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            names.addAll(pages.get(i).value());
            remember(keys.dirPage(dir, i), pages.get(i));
        }
        know(dir, names);
        return names;
    }

    /**
     * Every name of {@code dir}, in page order, all pages requested together.
     *
     * @throws FsException EIO when a page is missing (see {@link #missingPage})
     */
    List<String> list(String dir, int pages) {
        long editsBefore = edits.get();
        Set<String> added = new HashSet<>();
        boolean collecting = addedWhileRead.putIfAbsent(dir, added) == null;
        try {
            List<String> pageKeys = pageKeys(dir, pages);
            Map<String, Versioned<List<String>>> found = kv.getAll(pageKeys, Codec.NAMES);
            List<String> names = new ArrayList<>();
            for (String key : pageKeys) {
                Versioned<List<String>> page = found.get(key);
                if (page == null) {
                    throw missingPage(key);
                }
                names.addAll(page.value());
                remember(key, page);
            }
            if (collecting) {
                // a name removed meanwhile may still be among those read: known present, a lookup asks
                synchronized (added) {
                    List<String> all = new ArrayList<>(names);
                    all.addAll(added);
                    know(dir, all);
                    addedWhileRead.remove(dir, added);
                }
            } else if (edits.get() == editsBefore) {
                // else a name this mount added meanwhile may be missing: knowing it absent would hide it
                know(dir, names);
            }
            return names;
        } finally {
            if (collecting) {
                addedWhileRead.remove(dir, added);
            }
        }
    }

    void deletePages(String dir, int pages) {
        known.remove(dir);
        List<String> pageKeys = pageKeys(dir, Math.max(1, pages));
        pageKeys.forEach(lastSeen::remove);
        pageKeys.forEach(this::forgetMeasured);
        kv.deleteAll(pageKeys);
    }

    /**
     * A page a directory record counts is not there: evicted, memcached restarted, or the
     * directory went (another mount removed or renamed it) after its record was read.
     */
    static FsException missingPage(String key) {
        return new FsException(Errno.EIO, "listing page " + key
                + " is missing (evicted, memcached restarted, or its directory just removed or renamed by another mount)");
    }

    private List<String> pageKeys(String dir, int pages) {
        List<String> out = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            out.add(keys.dirPage(dir, i));
        }
        return out;
    }

    private void remember(String key, Versioned<List<String>> page) {
        if (lastSeen.size() > MAX_CACHED_PAGES || cachedBytes.get() > maxCachedBytes) {
            lastSeen.clear();
            clearMeasured();
            cachedBytes.set(0);
        }
        // the page's JSON is about its names' characters: measured once per list
        long bytes = NameBytes.of(page.value().size(), sizeOf(key, page.value()));
        Seen before = lastSeen.put(key, new Seen(page, bytes));
        cachedBytes.addAndGet(bytes - (before == null ? 0 : before.bytes()));
    }

    /** The last value this mount knows of the page under {@code key}, or null. */
    private Versioned<List<String>> seen(String key) {
        Seen s = lastSeen.get(key);
        return s == null ? null : s.page();
    }

    /** {@link #encodedSize(List)} of the page {@code names} of {@code key}, measured once per list. */
    private int sizeOf(String key, List<String> names) {
        Measured m = measured.get(key);
        if (m != null && m.names() == names) {
            return m.bytes();
        }
        if (measured.size() > MAX_CACHED_PAGES) {
            clearMeasured(); // as lastSeen, whose lists these are
        }
        int bytes = encodedSize(names);
        keep(key, new Measured(names, bytes, null));
        return bytes;
    }

    /** The JSON this mount encoded for the page {@code names} of {@code key}, or null. */
    private byte[] jsonOf(String key, List<String> names) {
        Measured m = measured.get(key);
        return m != null && m.names() == names ? m.json() : null;
    }

    /**
     * The codec of the page {@code key}: a list measured for it is encoded once (and kept,
     * to be appended to), its JSON from {@link Fill} used as it is.
     */
    private Codec<List<String>> pageCodec(String key) {
        return Codec.of(Codec.NAMES::decode, names -> {
            Measured m = measured.get(key);
            if (m == null || m.names() != names) {
                return Codec.NAMES.encode(names);
            }
            if (m.json() != null) {
                return m.json();
            }
            byte[] json = Codec.NAMES.encode(names);
            keep(key, new Measured(names, m.bytes(), json));
            return json;
        });
    }

    /** Keeps {@code m} as what is known of page {@code key}. */
    private void keep(String key, Measured m) {
        if (m.json() != null && keptJson.get() > MAX_KEPT_JSON) {
            clearMeasured(); // what was kept is mostly of directories filled earlier
        }
        Measured before = measured.put(key, m);
        keptJson.addAndGet(m.jsonBytes() - (before == null ? 0 : before.jsonBytes()));
    }

    private void forgetMeasured(String key) {
        Measured before = measured.remove(key);
        if (before != null) {
            keptJson.addAndGet(-before.jsonBytes());
        }
    }

    private void clearMeasured() {
        measured.clear();
        keptJson.set(0);
    }

    /** The size of the page's JSON, close enough: quotes, comma and the UTF-8 bytes of each name. */
    private static int encodedSize(List<String> names) {
        int size = 2;
        for (String n : names) {
            size += encodedSize(n);
        }
        return size;
    }

    private static int encodedSize(String name) {
        int size = name.length() + 3;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                size += 5;
            }
        }
        return size;
    }
}
