package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.Owner;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.Attributes;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.FileType;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;
import io.memfis.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The format marker of a namespace and the watch over it. A mount formats a namespace
 * only when it finds nothing at all there; it refuses one in a layout it does not know. The
 * marker going away while mounted means memcached restarted empty (or evicted it): from
 * then on every operation answers EIO instead of showing an empty tree as if it were true,
 * until the marker is back.
 *
 * <p>With several servers, the same per server: each holds a copy of the {@link PoolRecord},
 * and a server whose copy went away restarted empty (or evicted it). Its keys are fenced off in
 * the store (EIO, and no write lands on it) while the other servers' keep working, until
 * its copy is back ({@code memfis check --repair} writes it). A namespace recorded on other
 * servers, or with another hash, than the store's is refused.
 */
public final class Namespace {

    private static final Logger log = LoggerFactory.getLogger(Namespace.class);

    /** The least time between two looks at the marker prompted by a missing item. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Kv kv;
    /** The servers themselves, for what is no value: per-server reads, fences, reconnections. */
    private final Store pool;
    private final Keys keys;
    private final PoolRecord record;
    /** Per server: {@link #OPEN}, {@link #CHECKING} (back after a loss) or {@link #LOST} (its mark is gone). */
    private final AtomicIntegerArray state;
    private static final int OPEN = 0;
    private static final int CHECKING = 1;
    private static final int LOST = 2;
    private final LongSupplier ticker;
    private volatile String lost;
    private final AtomicLong lastRecheck;

    private Namespace(Kv kv, Store pool, Keys keys, LongSupplier ticker) {
        this.kv = kv;
        this.pool = pool;
        this.keys = keys;
        this.ticker = ticker;
        this.lastRecheck = new AtomicLong(ticker.getAsLong() - RECHECK_NANOS);
        this.record = PoolRecord.of(pool, keys);
        this.state = new AtomicIntegerArray(record.kept() && pool.serverCount() > 1 ? pool.serverCount() : 0);
    }

    /**
     * A server that comes back may have restarted empty: its keys are fenced off at once
     * (on the store's I/O thread, before a request reaches it) and its copy of the record is
     * looked at on a thread of its own.
     */
    private void onReconnect(int server) {
        pool.fence(server, "memcached " + pool.serverName(server) + " is back; checking that it kept namespace "
                + keys.prefix() + "'s items");
        state.compareAndSet(server, OPEN, CHECKING);
        Thread t = new Thread(this::verifyMarks, "memfis-server-check");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reads the namespace's format marker, formatting an empty namespace when allowed.
     *
     * @throws FsException with a message for the user when the namespace cannot be used
     */
    public static FormatMarker open(Kv kv, Store pool, Keys keys, boolean mayFormat, Owner owner, long nowNanos) {
        PoolRecord record = PoolRecord.of(pool, keys);
        List<PoolRecord.Copy> copies = record.read();
        var wrong = record.mismatch(copies, keys.prefix());
        if (wrong.isPresent()) {
            throw new FsException(Errno.EINVAL, wrong.get());
        }
        Versioned<byte[]> marker = kv.get(keys.format(), Codec.BYTES);
        if (marker == null) {
            if (kv.getBytes(keys.record("/")) != null) {
                if (formattedMeanwhile(kv, keys)) {
                    return open(kv, pool, keys, false, owner, nowNanos);
                }
                throw new FsException(Errno.EIO, "namespace " + keys.prefix() + " has files but no format marker "
                        + "(memcached evicted it?): run memfis check --repair");
            }
            if (PoolRecord.any(copies, PoolRecord.State.PRESENT)) {
                throw new FsException(Errno.EIO, lostServer(pool, keys, keys.format())
                        + ", its format marker and root directory with them; the other servers hold the rest: "
                        + REFILL);
            }
            if (!mayFormat) {
                throw new FsException(Errno.ENOENT, "namespace " + keys.prefix() + " does not exist");
            }
            return format(kv, pool, keys, owner, record, copies, nowNanos);
        }
        FormatMarker format;
        try {
            format = Json.decodeFormatMarker(marker.value());
        } catch (CorruptValueException e) {
            throw new FsException(Errno.EIO, "format marker of " + keys.prefix() + " is not valid: " + e.getMessage());
        }
        if (!FormatMarker.isKnown(format.layout())) {
            throw new FsException(Errno.EINVAL, "namespace " + keys.prefix() + " uses layout " + format.layout()
                    + ", this memfis knows " + FormatMarker.knownLayouts());
        }
        if (Math.max(format.partSize(), format.pageBytes()) > kv.maxValueSize()) {
            throw new FsException(Errno.EINVAL, "namespace " + keys.prefix() + " stores parts of " + format.partSize()
                    + " bytes and listing pages of " + format.pageBytes() + " bytes, larger than this memcached's items ("
                    + kv.maxValueSize() + " bytes)");
        }
        checkCopies(pool, keys, record, copies, mayFormat);
        if (kv.getBytes(keys.record("/")) == null) {
            throw new FsException(Errno.EIO, lostServer(pool, keys, keys.record("/")) + ", its root directory with them: "
                    + REFILL);
        }
        return format;
    }

    /**
     * A mount formatting at this moment writes the root first and the marker last: a
     * namespace with a root and no marker may be one, met half way (two hosts mounting an
     * empty namespace at once). The marker is looked for again for that long before the
     * namespace is taken for one whose marker was evicted.
     */
    private static final long FORMAT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static boolean formattedMeanwhile(Kv kv, Keys keys) {
        long deadline = System.nanoTime() + FORMAT_WAIT_NANOS;
        try {
            while (System.nanoTime() < deadline) {
                Thread.sleep(50);
                if (kv.getBytes(keys.format()) != null) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static final String REFILL = "run memfis check --repair, then memfis load or sync again to refill it";

    /** "memcached S lost namespace P's items (...)", S the server of {@code key}. */
    private static String lostServer(Store pool, Keys keys, String key) {
        return lostServer(pool, pool.serverOf(key), keys);
    }

    private static String lostServer(Store store, int server, Keys keys) {
        return "memcached " + store.serverName(server) + " lost namespace " + keys.prefix()
                + "'s items (restarted empty, or evicted them)";
    }

    /**
     * A namespace from before the record has no copy: a command that may write (mount, load)
     * records the store's pool. One that has some has lost the items of each server without.
     */
    private static void checkCopies(Store pool, Keys keys, PoolRecord record, List<PoolRecord.Copy> copies,
                                    boolean mayWrite) {
        if (!PoolRecord.any(copies, PoolRecord.State.MISSING)) {
            return;
        }
        if (!PoolRecord.any(copies, PoolRecord.State.PRESENT)) {
            if (mayWrite) {
                record.writeMissing(copies);
            }
            return;
        }
        int server = copies.indexOf(new PoolRecord.Copy(PoolRecord.State.MISSING, null));
        throw new FsException(Errno.EIO, lostServer(pool, server, keys) + ": " + REFILL);
    }

    /**
     * Root first, then the counter and the pool record, then the marker: a namespace with a
     * marker is complete. The root belongs to {@code owner}, as a directory its user made on a
     * local disk would.
     */
    private static FormatMarker format(Kv kv, Store pool, Keys keys, Owner owner, PoolRecord record, List<PoolRecord.Copy> copies,
                                       long now) {
        Attributes root = new Attributes(InodeAllocator.ROOT, FileType.DIRECTORY, 0755, owner.uid(), owner.gid(), 0, 2,
                now, now, now, null, 0, 1, false);
        kv.add(keys.record("/"), PathRecord.inline(root, 0), Codec.RECORD);
        kv.add(keys.dirPage("/", 0), java.util.List.of(), Codec.NAMES);
        kv.add(keys.inodeCounter(), "1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Codec.BYTES);
        record.writeMissing(copies);
        FormatMarker marker = FormatMarker.forItems(kv.maxValueSize());
        if (kv.add(keys.format(), marker, Codec.FORMAT).isEmpty()) {
            // another mount formatted it at the same moment: use what it wrote
            return open(kv, pool, keys, false, owner, now);
        }
        log.info("formatted namespace {} (root owned by {})", keys.prefix(), owner);
        return marker;
    }

    public static Namespace watching(Kv kv, Store pool, Keys keys, LongSupplier ticker) {
        Namespace namespace = new Namespace(kv, pool, keys, ticker);
        if (namespace.state.length() > 0) {
            pool.onReconnect(namespace::onReconnect);
        }
        return namespace;
    }

    /** Fails when the namespace is known to be gone. */
    public void check() {
        String reason = lost;
        if (reason != null) {
            throw new FsException(Errno.EIO, reason);
        }
    }

    /**
     * What an operation that failed with {@code e} answers. After memcached restarted empty,
     * the first operations find their items missing before the periodic look at the marker
     * does: their ENOENT would show a tree that is not there. So ENOENT makes this look at
     * the marker at once (at most every 100 ms, so that a burst of lookups of new names
     * costs nothing), and becomes EIO when the marker is gone.
     */
    public FsException explain(FsException e) {
        if (e.errno() != Errno.ENOENT) {
            return e;
        }
        long now = ticker.getAsLong();
        long last = lastRecheck.get();
        if (now - last >= RECHECK_NANOS && lastRecheck.compareAndSet(last, now)) {
            verify();
        }
        String reason = lost;
        return reason == null ? e : new FsException(Errno.EIO, reason);
    }

    /**
     * Looks at the marker again; called periodically and whenever an item the filesystem
     * expected is missing. An unreachable server changes nothing here: operations fail on
     * their own then.
     */
    public void verify() {
        try {
            boolean present = kv.getBytes(keys.format()) != null;
            if (!present && lost == null) {
                lost = "namespace " + keys.prefix() + " lost its format marker: memcached restarted empty or "
                        + "evicted it; answering EIO until it is back (see memfis check)";
                log.error(lost);
            } else if (present && lost != null) {
                lost = null;
                log.warn("namespace {} has its format marker again; resuming", keys.prefix());
            }
        } catch (FsException | StoreException e) {
            log.debug("format marker check failed: {}", e.getMessage());
        }
        verifyMarks();
    }

    /** Fences off each server whose copy of the record went away, and lifts the fence when it is back. */
    private synchronized void verifyMarks() {
        if (state.length() == 0) {
            return;
        }
        List<PoolRecord.Copy> copies = record.read();
        for (int i = 0; i < state.length(); i++) {
            PoolRecord.State s = copies.get(i).state();
            if (s == PoolRecord.State.MISSING && state.get(i) != LOST) {
                String reason = lostServer(pool, i, keys)
                        + "; answering EIO for its keys, writing none there, until " + REFILL;
                pool.fence(i, reason);
                state.set(i, LOST);
                log.error(reason);
            } else if (s == PoolRecord.State.PRESENT && state.get(i) != OPEN) {
                pool.unfence(i);
                if (state.getAndSet(i, OPEN) == LOST) {
                    log.warn("memcached {} has namespace {}'s pool record again; resuming its keys", pool.serverName(i),
                            keys.prefix());
                }
            }
        }
    }
}
