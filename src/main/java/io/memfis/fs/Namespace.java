package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.FileType;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The format marker of a namespace and the watch over it. A mount formats a namespace
 * only when it finds nothing at all there; it refuses one in a layout it does not know. The
 * marker going away while mounted means memcached restarted empty (or evicted it): from
 * then on every operation answers EIO instead of showing an empty tree as if it were true,
 * until the marker is back.
 */
final class Namespace {

    private static final Logger log = LoggerFactory.getLogger(Namespace.class);

    /** The least time between two looks at the marker prompted by a missing item. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Kv kv;
    private final Keys keys;
    private final LongSupplier ticker;
    private volatile String lost;
    private final AtomicLong lastRecheck;

    private Namespace(Kv kv, Keys keys, LongSupplier ticker) {
        this.kv = kv;
        this.keys = keys;
        this.ticker = ticker;
        this.lastRecheck = new AtomicLong(ticker.getAsLong() - RECHECK_NANOS);
    }

    /**
     * Reads the namespace's format marker, formatting an empty namespace when allowed.
     *
     * @throws FsException with a message for the user when the namespace cannot be used
     */
    static FormatMarker open(Kv kv, Keys keys, boolean mayFormat, Owner owner, long nowNanos) {
        Versioned<byte[]> marker = kv.get(keys.format(), Codec.BYTES);
        if (marker == null) {
            if (kv.getBytes(keys.record("/")) != null) {
                throw new FsException(Errno.EIO, "namespace " + keys.prefix() + " has files but no format marker "
                        + "(memcached evicted it?): run memfis check --repair");
            }
            if (!mayFormat) {
                throw new FsException(Errno.ENOENT, "namespace " + keys.prefix() + " does not exist");
            }
            return format(kv, keys, owner, nowNanos);
        }
        FormatMarker format;
        try {
            format = Json.decodeFormatMarker(marker.value());
        } catch (CorruptValueException e) {
            throw new FsException(Errno.EIO, "format marker of " + keys.prefix() + " is not valid: " + e.getMessage());
        }
        if (format.layout() != FormatMarker.CURRENT_LAYOUT) {
            throw new FsException(Errno.EINVAL, "namespace " + keys.prefix() + " uses layout " + format.layout()
                    + ", this memfis knows layout " + FormatMarker.CURRENT_LAYOUT);
        }
        if (Math.max(format.partSize(), format.pageBytes()) > kv.store().maxValueSize()) {
            throw new FsException(Errno.EINVAL, "namespace " + keys.prefix() + " stores parts of " + format.partSize()
                    + " bytes and listing pages of " + format.pageBytes() + " bytes, larger than this memcached's items ("
                    + kv.store().maxValueSize() + " bytes)");
        }
        return format;
    }

    /**
     * Root first, then the counter, then the marker: a namespace with a marker is complete.
     * The root belongs to {@code owner}, as a directory its user made on a local disk would.
     */
    private static FormatMarker format(Kv kv, Keys keys, Owner owner, long now) {
        Attributes root = new Attributes(InodeNumbers.ROOT, FileType.DIRECTORY, 0755, owner.uid(), owner.gid(), 0, 2,
                now, now, now, null, 0, 1, false);
        kv.add(keys.record("/"), PathRecord.inline(root, 0), Codec.RECORD);
        kv.add(keys.dirPage("/", 0), java.util.List.of(), Codec.NAMES);
        kv.add(keys.inodeCounter(), "1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Codec.BYTES);
        FormatMarker marker = FormatMarker.forItems(kv.store().maxValueSize());
        if (kv.add(keys.format(), marker, Codec.of(Json::decodeFormatMarker, Json::encode)).isEmpty()) {
            // another mount formatted it at the same moment: use what it wrote
            return open(kv, keys, false, owner, now);
        }
        log.info("formatted namespace {} (root owned by {})", keys.prefix(), owner);
        return marker;
    }

    static Namespace watching(Kv kv, Keys keys, LongSupplier ticker) {
        return new Namespace(kv, keys, ticker);
    }

    /** Fails when the namespace is known to be gone. */
    void check() {
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
    FsException explain(FsException e) {
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
    void verify() {
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
    }
}
