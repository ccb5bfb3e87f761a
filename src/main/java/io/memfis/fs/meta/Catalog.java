package io.memfis.fs.meta;

import io.memfis.fs.CacheCounters;
import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.NameBytes;
import io.memfis.fs.PathNames;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.Attributes;
import io.memfis.layout.Keys;
import io.memfis.layout.NodeRecord;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongBiFunction;
import java.util.function.UnaryOperator;

/**
 * The records of paths and the nodes of files with several names, read through a short
 * cache. The cache holds what this mount read or wrote last, with its CAS token, for at
 * most the attribute timeout: long enough to answer the getattr calls that follow every
 * lookup, create and readdir, short enough that another mount's changes show soon.
 */
public final class Catalog {

    /** The most entries the cache keeps; past that it starts afresh (a burst, not a working set). */
    private static final int MAX_CACHED = 200_000;
    /**
     * Entries past which the expired ones are dropped, doubling with what is left: a load of
     * a million files writes far more records than the attribute timeout keeps alive, and
     * some 600 bytes each of them held until the cache starts afresh were half the heap.
     */
    private static final int PURGE_FROM = 10_000;
    /** What a cached record takes beside its path, about: the record, its attributes, the map's entry. */
    private static final int RECORD_BYTES = 300;
    /**
     * The most bytes each map may hold, paths included: past that it starts afresh too.
     * Counts alone let long names fill a small heap.
     */
    private final long maxBytes;
    /** Entries at which a map is first purged: fewer in a heap too small for {@link #PURGE_FROM} of them. */
    private final int purgeFrom;

    private final Kv kv;
    private final Keys keys;
    private final LongSupplier ticker;
    private final long ttlNanos;
    private final Map<String, Cached<PathRecord>> records = new ConcurrentHashMap<>();
    private final Map<Long, Cached<NodeRecord>> nodes = new ConcurrentHashMap<>();
    /** Names a writeback mount reserved and has not stored yet: they answer until stored, never expire. */
    private final Map<String, Versioned<PathRecord>> reserved = new ConcurrentHashMap<>();
    /** Paths this mount removed or renamed: see {@link #rememberRead}. */
    private final AtomicLong forgets = new AtomicLong();
    private volatile int recordsPurgeAt;
    private volatile int nodesPurgeAt;
    private volatile Consumer<List<String>> nodeChanged = paths -> {
    };
    private final CacheCounters counters = new CacheCounters();

    private record Cached<T>(Versioned<T> value, long expires) {
    }

    /** A catalog whose caches take at most a third of the heap each. */
    public Catalog(Kv kv, Keys keys, LongSupplier ticker, long ttlNanos) {
        this(kv, keys, ticker, ttlNanos, NameBytes.heapShare(3));
    }

    Catalog(Kv kv, Keys keys, LongSupplier ticker, long ttlNanos, long maxBytes) {
        this.kv = kv;
        this.keys = keys;
        this.ticker = ticker;
        this.ttlNanos = ttlNanos;
        this.maxBytes = maxBytes;
        // the first purge's entries may have long paths: a few KB each at most
        this.purgeFrom = (int) Math.max(16, Math.min(PURGE_FROM, maxBytes / 4096));
        this.recordsPurgeAt = purgeFrom;
        this.nodesPurgeAt = purgeFrom;
    }

    /** The entry at {@code path}, or null when there is none. */
    Entry find(String path) {
        Versioned<PathRecord> record = cachedRecord(path);
        counters.name(record != null);
        if (record == null) {
            long forgetsBefore = forgets.get();
            record = kv.get(keys.record(path), Codec.RECORD);
            if (record == null) {
                return null;
            }
            rememberRead(path, record, forgetsBefore);
        }
        return withNode(path, record);
    }

    /**
     * The entry at {@code path}, or null; when none is cached, the records of {@code together}
     * (paths that a lookup will likely ask for next, {@code path} among them) are read in the
     * same request.
     */
    Entry findWith(String path, List<String> together) {
        if (cachedRecord(path) != null) {
            return find(path);
        }
        counters.name(false);
        return findAll(together).get(path);
    }

    public CacheCounters counters() {
        return counters;
    }

    /** The entry if the cache holds it (and its node) fresh, else null: never a request. */
    public Entry peek(String path) {
        Versioned<PathRecord> record = cachedRecord(path);
        if (record == null) {
            return null;
        }
        if (record.value().isInNode()) {
            Versioned<NodeRecord> node = cached(nodes, record.value().ino());
            return node == null ? null : new Entry(path, record, node);
        }
        return new Entry(path, record, null);
    }

    /** True when the cache holds nothing fresh for {@code path}. */
    boolean isUncached(String path) {
        return cachedRecord(path) == null;
    }

    /** The entry as the store has it now, bypassing the cache (used at open: close-to-open). */
    public Entry findFresh(String path) {
        records.remove(path);
        Entry e = find(path);
        if (e != null && e.isInNode()) {
            nodes.remove(e.ino());
            e = withNode(path, e.record());
        }
        return e;
    }

    /**
     * The entry as the store has it now, or ENOENT. For what changes or removes an existing
     * name: acting on what the cache remembers could act on a file another mount has
     * replaced or removed meanwhile (losing the new one, or leaving its parts behind).
     */
    Entry requireFresh(String path) {
        Entry e = findFresh(path);
        if (e == null) {
            throw FsException.of(Errno.ENOENT, path);
        }
        return e;
    }

    public Entry require(String path) {
        Entry e = find(path);
        if (e == null) {
            throw FsException.of(Errno.ENOENT, path);
        }
        return e;
    }

    /** The entries of {@code paths} that exist, fetched together where the cache has none. */
    Map<String, Entry> findAll(List<String> paths) {
        Map<String, Versioned<PathRecord>> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String p : paths) {
            Versioned<PathRecord> r = cachedRecord(p);
            if (r != null) {
                found.put(p, r);
            } else {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            Map<String, String> pathOfKey = new HashMap<>(missing.size() * 2);
            for (String p : missing) {
                pathOfKey.put(keys.record(p), p);
            }
            long forgetsBefore = forgets.get();
            kv.getAll(pathOfKey.keySet(), Codec.RECORD).forEach((key, r) -> {
                String p = pathOfKey.get(key);
                rememberRead(p, r, forgetsBefore);
                found.put(p, r);
            });
        }
        List<String> nodeKeys = new ArrayList<>();
        for (Versioned<PathRecord> r : found.values()) {
            if (r.value().isInNode() && cached(nodes, r.value().ino()) == null) {
                nodeKeys.add(keys.node(r.value().ino()));
            }
        }
        if (!nodeKeys.isEmpty()) {
            kv.getAll(nodeKeys, Codec.NODE).forEach((key, n) -> rememberNode(n));
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        for (String p : paths) {
            Versioned<PathRecord> r = found.get(p);
            if (r != null) {
                out.put(p, withNode(p, r));
            }
        }
        return out;
    }

    /** The entries of {@code paths} as the store has them now, bypassing the cache (what a rename copies). */
    Map<String, Entry> findAllFresh(List<String> paths) {
        paths.forEach(records::remove);
        return findAll(paths);
    }

    /** Adds the record of a new path. */
    Entry create(String path, Attributes attributes, int page) {
        PathRecord record = PathRecord.inline(attributes, page);
        var token = kv.add(keys.record(path), record, Codec.RECORD);
        if (token.isEmpty()) {
            records.remove(path);
            throw FsException.of(Errno.EEXIST, path);
        }
        Versioned<PathRecord> v = new Versioned<>(record, token.getAsLong());
        remember(path, v);
        return new Entry(path, v, null);
    }

    /**
     * Changes the attributes of the file at {@code path}, in its record or, for a file with
     * several names, in its node, with a compare-and-swap loop.
     */
    public Entry update(String path, UnaryOperator<Attributes> change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Entry e = require(path);
            if (e.isInNode()) {
                Versioned<NodeRecord> node = modifyNode(e.ino(), n -> new NodeRecord(change.apply(n.attributes()), n.paths()));
                return new Entry(path, e.record(), node);
            }
            boolean[] movedToNode = {false};
            Versioned<PathRecord> r = kv.modify(keys.record(path), Codec.RECORD, e.record(), current -> {
                if (current == null) {
                    throw FsException.of(Errno.ENOENT, path);
                }
                if (current.isInNode()) {
                    movedToNode[0] = true;
                    return current;
                }
                return PathRecord.inline(change.apply(current.attributes()), current.page());
            });
            remember(path, r);
            if (!movedToNode[0]) {
                return new Entry(path, r, null);
            }
        }
        throw new FsException(Errno.EIO, "record of " + path + " keeps changing form");
    }

    /**
     * {@link #update}, started without waiting: with the record cached (and not in a node),
     * its compare-and-swap goes out at once, so that it overlaps with other requests; else,
     * or when the record changed form meanwhile, the full update goes on off the store's
     * thread.
     */
    public CompletableFuture<Entry> updateAsync(String path, UnaryOperator<Attributes> change) {
        Versioned<PathRecord> known = cachedRecord(path);
        if (known == null || known.value().isInNode()) {
            return kv.async(() -> update(path, change));
        }
        // set by the change's last application, the one whose result was stored
        boolean[] differs = {false};
        return kv.modifyAsync(keys.record(path), Codec.RECORD, known, current -> {
            differs[0] = current == null || current.isInNode();
            return differs[0] ? current : PathRecord.inline(change.apply(current.attributes()), current.page());
        }).thenCompose(r -> {
            if (differs[0]) {
                return kv.async(() -> update(path, change));
            }
            remember(path, r);
            return CompletableFuture.completedFuture(new Entry(path, r, null));
        });
    }

    /** Changes the page hint of a record. */
    void setPage(String path, int page) {
        Entry e = require(path);
        Versioned<PathRecord> r = kv.modify(keys.record(path), Codec.RECORD, e.record(), current -> {
            if (current == null) {
                throw FsException.of(Errno.ENOENT, path);
            }
            return current.page() == page ? current : current.withPage(page);
        });
        remember(path, r);
    }

    /** Replaces a record with {@code change} of it, with a compare-and-swap loop. */
    Versioned<PathRecord> modifyRecord(String path, Kv.Change<PathRecord> change) {
        Versioned<PathRecord> known = cachedRecord(path);
        Versioned<PathRecord> r = kv.modify(keys.record(path), Codec.RECORD, known, change);
        if (r == null) {
            records.remove(path);
        } else {
            remember(path, r);
        }
        return r;
    }

    /** The node as the store has it now. */
    public Versioned<NodeRecord> freshNode(long ino) {
        nodes.remove(ino);
        return node(ino);
    }

    Versioned<NodeRecord> node(long ino) {
        Versioned<NodeRecord> n = cached(nodes, ino);
        counters.node(n != null);
        if (n == null) {
            n = kv.get(keys.node(ino), Codec.NODE);
            if (n == null) {
                throw new FsException(Errno.EIO, "node " + ino + " of a hard-linked file is missing (evicted?)");
            }
            rememberNode(n);
        }
        return n;
    }

    /** Changes a node with a compare-and-swap loop; {@code change} may create it when absent. */
    Versioned<NodeRecord> modifyNode(long ino, Kv.Change<NodeRecord> change) {
        Versioned<NodeRecord> n = kv.modify(keys.node(ino), Codec.NODE, cached(nodes, ino), current -> {
            if (current == null) {
                throw new FsException(Errno.EIO, "node " + ino + " of a hard-linked file is missing (evicted?)");
            }
            return change.apply(current);
        });
        rememberNode(n);
        nodeChanged.accept(n.value().paths());
        return n;
    }

    /**
     * Tells {@code listener} the names a file has after its node changed (a link, an unlink
     * or rename of one name, a change through any): names whose attributes changed though
     * the operation named none of them, or only one.
     */
    public void onNodeChanged(Consumer<List<String>> listener) {
        this.nodeChanged = listener;
    }

    /** Writes a new node (when a file gets its second name). */
    /**
     * Stores a new node unless the file has one already: another mount linking the same file
     * at the same moment may have made it and added its name, which a set would wipe out.
     */
    void addNode(NodeRecord node) {
        OptionalLong token = kv.add(keys.node(node.attributes().ino()), node, Codec.NODE);
        if (token.isPresent()) {
            rememberNode(new Versioned<>(node, token.getAsLong()));
        }
    }

    void forget(String path) {
        forgets.incrementAndGet();
        records.remove(path);
    }

    /** Drops everything cached at or below {@code dir}. */
    void forgetTree(String dir) {
        forgets.incrementAndGet();
        records.keySet().removeIf(p -> PathNames.isWithin(p, dir));
    }

    /** A count of this mount's removals and renames, to tell whether a read predates one. */
    long forgetsNow() {
        return forgets.get();
    }

    /** Caches records read ahead, unless this mount forgot a path since they were asked for. */
    void adopt(Map<String, Versioned<PathRecord>> read, long forgetsBefore) {
        read.forEach((path, record) -> rememberRead(path, record, forgetsBefore));
    }

    /**
     * Caches a record read from the store unless this mount forgot a path since the read
     * began: the read may predate that removal or rename, and would bring the old record back.
     */
    private void rememberRead(String path, Versioned<PathRecord> record, long forgetsBefore) {
        if (forgets.get() == forgetsBefore) {
            remember(path, record);
        }
    }

    void remember(String path, Versioned<PathRecord> record) {
        if (records.size() > recordsPurgeAt) {
            recordsPurgeAt = purge(records, (p, r) -> NameBytes.of(p) + RECORD_BYTES);
        }
        keepNewest(records, path, record);
    }

    private void rememberNode(Versioned<NodeRecord> node) {
        if (nodes.size() > nodesPurgeAt) {
            nodesPurgeAt = purge(nodes, (ino, n) -> NameBytes.of(n.paths()) + RECORD_BYTES);
        }
        keepNewest(nodes, node.value().attributes().ino(), node);
    }

    /**
     * Caches a value unless a fresh one with a later token is cached: a read answered before
     * a change here (a utime of a directory while a lookup reads it) may come back after the
     * change, and must not hide it. Tokens of one key only grow (memcached's CAS counter).
     * A write whose token the store could not tell ({@link Store#UNKNOWN_TOKEN}, through a
     * proxy) is taken as newer than any read, and stays until it expires or this mount
     * writes again: no read can be shown to come after it.
     */
    private <K, T> void keepNewest(Map<K, Cached<T>> map, K key, Versioned<T> value) {
        Cached<T> next = new Cached<>(value, ticker.getAsLong() + ttlNanos);
        map.merge(key, next, (old, fresh) -> ticker.getAsLong() - old.expires() <= 0
                && fresh.value().token() != Store.UNKNOWN_TOKEN
                && (old.value().token() == Store.UNKNOWN_TOKEN || old.value().token() > fresh.value().token())
                ? old : fresh);
    }

    /**
     * Drops the expired entries, and all of them past {@link #MAX_CACHED} or when what is
     * left, by {@code weight}, could pass {@link #maxBytes} before the next purge; the size at
     * which to purge again: twice what is left.
     */
    private <K, T> int purge(Map<K, Cached<T>> map, ToLongBiFunction<K, T> weight) {
        long now = ticker.getAsLong();
        map.values().removeIf(c -> now - c.expires() > 0);
        long bytes = 0;
        for (Map.Entry<K, Cached<T>> e : map.entrySet()) {
            bytes += weight.applyAsLong(e.getKey(), e.getValue().value().value());
        }
        if (map.size() > MAX_CACHED || 2 * bytes > maxBytes) {
            map.clear();
        }
        return Math.max(purgeFrom, 2 * map.size());
    }

    private Entry withNode(String path, Versioned<PathRecord> record) {
        return new Entry(path, record, record.value().isInNode() ? node(record.value().ino()) : null);
    }

    private Versioned<PathRecord> cachedRecord(String path) {
        Versioned<PathRecord> r = reserved.isEmpty() ? null : reserved.get(path);
        return r != null ? r : cached(records, path);
    }

    /** A name reserved by a writeback mount: found here, as if stored, until {@link #unreserve}. */
    void reserve(String path, Versioned<PathRecord> record) {
        reserved.put(path, record);
    }

    void unreserve(String path) {
        reserved.remove(path);
    }

    /** The inode number of the record stored at {@code path} now, or -1: never what is cached or reserved here. */
    long storedInode(String path) {
        Versioned<PathRecord> r = kv.get(keys.record(path), Codec.RECORD);
        return r == null ? -1 : r.value().ino();
    }

    /** The names reserved in directory {@code dir}. */
    public List<String> reservedIn(String dir) {
        List<String> names = new ArrayList<>();
        if (!reserved.isEmpty()) {
            for (String p : reserved.keySet()) {
                if (!PathNames.isRoot(p) && PathNames.parent(p).equals(dir)) {
                    names.add(PathNames.name(p));
                }
            }
        }
        return names;
    }

    private <K, T> Versioned<T> cached(Map<K, Cached<T>> map, K key) {
        Cached<T> c = map.get(key);
        if (c == null) {
            return null;
        }
        if (ticker.getAsLong() - c.expires() >= 0) {
            map.remove(key, c);
            return null;
        }
        return c.value();
    }
}
