package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.PathNames;
import io.memfis.fs.kv.Versioned;
import io.memfis.layout.FileType;

import io.memfis.layout.PathRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The names a writeback mount answers for before they are stored: each is reserved in this
 * mount at once (its lookups, getattr and readdir find it), and stored in the background,
 * those of one directory together as a load stores them, by {@link NewNames#commitAll}.
 * Another mount's name that took the place meanwhile wins: this one's add fails (EEXIST)
 * and it is reported, nothing of it overwrites the other.
 */
public final class WritebackNames implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WritebackNames.class);

    /** Names stored in one go at most. */
    private static final int BATCH = 1000;
    /**
     * How long the committer lets names gather after the first before it stores them: a
     * batch costs about one name's CPU (a thread woken, a listing page encoded and sent, the
     * parent's record), so a create every 100 to 200 µs ({@code cp -a}, a loop of creates)
     * shares it among dozens. Nothing waits for it but {@link #hurry}'s callers.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final NewNames newNames;
    private final Catalog catalog;
    private final Listings listings;
    /** Runs an attempt to store, trying again while that may help; the future fails with the last failure. */
    private final Function<Supplier<?>, CompletableFuture<Void>> store;
    private final LinkedBlockingQueue<Reserved> waiting = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Entry>> pending = new ConcurrentHashMap<>();
    private final Thread committer;
    private volatile boolean closing;
    /** Guards {@link #hurried}: the committer stops gathering when it is set. */
    private final Object gate = new Object();
    private boolean hurried;
    private volatile boolean draining;

    private record Reserved(NewNames.NewName name, CompletableFuture<Entry> stored) {
    }

    public WritebackNames(NewNames newNames, Catalog catalog, Listings listings,
                          Function<Supplier<?>, CompletableFuture<Void>> store) {
        this.newNames = newNames;
        this.catalog = catalog;
        this.listings = listings;
        this.store = store;
        this.committer = new Thread(this::commitLoop, "memfis-writeback-names");
        committer.setDaemon(true);
        committer.start();
    }

    /** A name reserved here: the entry this mount shows, and its store. */
    public record Reservation(Entry local, CompletableFuture<Entry> stored) {
    }

    /** Checks and numbers a new regular file as a create does, reserves its name here and queues it for storing. */
    public Reservation reserve(String path, int mode, int uid, int gid) {
        NewNames.NewName n = newNames.prepare(path, FileType.FILE, mode, uid, gid, null, 0);
        Versioned<PathRecord> local = new Versioned<>(PathRecord.inline(n.attributes(), 0), 0);
        CompletableFuture<Entry> stored = new CompletableFuture<>();
        pending.put(n.path(), stored);
        catalog.reserve(n.path(), local);
        listings.knowAdded(n.parent(), PathNames.name(n.path()));
        stored.whenComplete((e, failure) -> {
            catalog.unreserve(n.path());
            if (failure == null) {
                // a failed one stays: a save queued for the path later must find it failed
                pending.remove(n.path(), stored);
            }
        });
        waiting.add(new Reserved(n, stored));
        return new Reservation(new Entry(n.path(), local, null), stored);
    }

    /** Completes once the name reserved at {@code path} is stored (at once when none is pending). */
    public CompletableFuture<Entry> stored(String path) {
        CompletableFuture<Entry> f = pending.get(path);
        return f != null ? f : CompletableFuture.completedFuture(null);
    }

    /**
     * Takes what is waiting, stores each directory's names together, all directories in
     * flight at once, and waits for them before taking again: meanwhile the next batches
     * grow, and no two batches of one directory race for its listing.
     */
    private void commitLoop() {
        List<Reserved> taken = new ArrayList<>();
        while (true) {
            try {
                taken.add(waiting.take());
            } catch (InterruptedException e) {
                if (closing && waiting.isEmpty()) {
                    return;
                }
                continue;
            }
            gather();
            waiting.drainTo(taken);
            Map<String, List<Reserved>> byParent = new LinkedHashMap<>();
            for (Reserved r : taken) {
                byParent.computeIfAbsent(r.name().parent(), p -> new ArrayList<>()).add(r);
            }
            taken.clear();
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (List<Reserved> names : byParent.values()) {
                for (int from = 0; from < names.size(); from += BATCH) {
                    running.add(commit(names.subList(from, Math.min(names.size(), from + BATCH))));
                }
            }
            for (CompletableFuture<Void> r : running) {
                r.handle((v, e) -> null).join();
            }
        }
    }

    /** Lets names gather for {@link #GATHER_NANOS}, less when someone waits for them. */
    private void gather() {
        long end = System.nanoTime() + GATHER_NANOS;
        synchronized (gate) {
            try {
                while (!hurried && !draining && waiting.size() < BATCH) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(gate, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // close(): the next take sees it
            }
            hurried = false;
        }
    }

    /** Someone waits for what is reserved (a settle, an fsync): store it without gathering more. */
    public void hurry() {
        synchronized (gate) {
            hurried = true;
            gate.notifyAll();
        }
    }

    /** From now on every name is stored as soon as the committer takes it (unmount). */
    public void drain() {
        draining = true;
        hurry();
    }

    /** Stores a batch of one directory, trying again those that failed in a way that may pass. */
    private CompletableFuture<Void> commit(List<Reserved> batch) {
        List<Reserved> left = new ArrayList<>(batch);
        boolean[] retried = {false};
        return store.apply(() -> {
            if (retried[0]) {
                // an attempt that timed out may have landed after all: those names are ours already
                left.removeIf(this::landedBefore);
                if (left.isEmpty()) {
                    return null;
                }
            }
            retried[0] = true;
            // the pages the directory has now: earlier batches may have added some
            int pages = catalog.require(left.get(0).name().parent()).attributes().pages();
            for (Reserved r : left) {
                pages = Math.max(pages, r.name().parentPages());
            }
            List<NewNames.NewName> names = new ArrayList<>(left.size());
            for (Reserved r : left) {
                NewNames.NewName n = r.name();
                names.add(new NewNames.NewName(n.path(), n.attributes(), pages));
            }
            List<NewNames.Made> made = newNames.commitAll(names);
            FsException retry = null;
            List<Reserved> again = new ArrayList<>();
            for (int i = 0; i < made.size(); i++) {
                Reserved r = left.get(i);
                NewNames.Made m = made.get(i);
                if (m.failure() == null) {
                    // before completing: a save that waits for the name must find the record
                    // as stored (and its token), not the reservation (a compare-and-swap that misses)
                    catalog.unreserve(r.name().path());
                    r.stored().complete(m.made());
                } else if (m.failure().errno() == Errno.EIO || m.failure().errno() == Errno.ENOSPC) {
                    again.add(r);
                    retry = m.failure();
                } else {
                    r.stored().completeExceptionally(m.failure());
                }
            }
            left.retainAll(again);
            if (retry != null) {
                throw retry;
            }
            return null;
        }).whenComplete((v, failure) -> {
            if (failure != null) {
                log.debug("writeback: storing {} name(s) failed: {}", left.size(), failure.toString());
                left.forEach(r -> r.stored().completeExceptionally(failure));
            }
        });
    }

    /**
     * Whether an earlier attempt stored the record of {@code r} (its add timed out here but
     * reached memcached): then it is listed (again: a name already on the page stays) and
     * its directory touched, and it is stored.
     */
    private boolean landedBefore(Reserved r) {
        NewNames.NewName n = r.name();
        if (catalog.storedInode(n.path()) != n.attributes().ino()) {
            return false;
        }
        String parent = n.parent();
        int page = listings.add(parent, catalog.require(parent).attributes().pages(), PathNames.name(n.path()));
        long mtime = n.attributes().mtime();
        catalog.update(parent, d -> d.touched(Math.max(mtime, d.mtime())).withPages(Math.max(d.pages(), page + 1)));
        catalog.unreserve(n.path());
        catalog.setPage(n.path(), page);
        r.stored().complete(catalog.findFresh(n.path()));
        return true;
    }

    /** Stops taking once everything reserved was stored or failed (the queue waits for that first). */
    @Override
    public void close() {
        closing = true;
        committer.interrupt();
    }
}
