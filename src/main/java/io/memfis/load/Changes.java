package io.memfis.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed in the watched tree since the last batch, as the watch reported it: the
 * names touched per directory (with when), the new directories to scan whole, the names
 * that went and came (rename candidates), and whether events were lost. The watch adds,
 * the sync takes a batch; a name still being written stays for the next batch.
 */
final class Changes {

    /** When a name was first and last reported since it was last taken. */
    private static final class Touch {
        final long first;
        long last;

        Touch(long now) {
            first = now;
            last = now;
        }
    }

    /** One batch: what a sync applies at once. */
    record Batch(Set<String> dirs, Set<String> newDirs, Map<String, Set<String>> skipped, List<String> gone,
                 List<String> came, boolean rescan) {

        int size() {
            return dirs.size() + newDirs.size();
        }
    }

    private final Map<String, Map<String, Touch>> touched = new HashMap<>();
    private final Set<String> newDirs = new LinkedHashSet<>();
    private final Set<String> gone = new LinkedHashSet<>();
    private final Set<String> came = new LinkedHashSet<>();
    private boolean rescan;
    private long firstNanos;
    private long lastNanos;

    /** A name in directory {@code dir} ("" the top) was created, written, changed or removed. */
    synchronized void touch(String dir, String name, long now) {
        Map<String, Touch> names = touched.computeIfAbsent(dir, d -> new HashMap<>());
        Touch t = names.get(name);
        if (t == null) {
            names.put(name, new Touch(now));
        } else {
            t.last = now;
        }
        noted(now);
    }

    /** A name went away (a removal, or the first half of a rename). */
    synchronized void gone(String path, long now) {
        came.remove(path);
        gone.add(path);
        noted(now);
    }

    /** A name appeared (a create, or the second half of a rename). */
    synchronized void came(String path, long now) {
        came.add(path);
        noted(now);
    }

    /** A directory appeared and is watched now: everything in it is to be loaded. */
    synchronized void newDir(String path, long now) {
        newDirs.add(path);
        noted(now);
    }

    /** Events were lost (the queue overflowed, a watch could not be added): a whole rescan is due. */
    synchronized void lost(long now) {
        rescan = true;
        noted(now);
    }

    private void noted(long now) {
        if (firstNanos == 0) {
            firstNanos = now;
        }
        lastNanos = now;
        notifyAll();
    }

    /**
     * Waits until a batch is due: nothing reported for {@code quietNanos}, or changes pending
     * for {@code maxWaitNanos}. Returns false when {@code timeoutNanos} passed with nothing
     * pending.
     */
    synchronized boolean awaitBatch(long quietNanos, long maxWaitNanos, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (firstNanos == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            waitNanos(left);
        }
        while (true) {
            long now = System.nanoTime();
            long due = Math.min(lastNanos + quietNanos, firstNanos + maxWaitNanos);
            if (now >= due) {
                return true;
            }
            waitNanos(due - now);
        }
    }

    private void waitNanos(long nanos) throws InterruptedException {
        long ms = Math.max(1, nanos / 1_000_000);
        wait(ms);
    }

    /** Wakes a waiting {@link #awaitBatch} (to stop). */
    synchronized void wake() {
        notifyAll();
    }

    /**
     * Takes what is pending. A name reported within {@code quietNanos} (still being written)
     * stays for the next batch, unless it has been busy for {@code maxBusyNanos} already; so
     * does everything reported below it (a directory still being filled).
     */
    synchronized Batch take(long now, long quietNanos, long maxBusyNanos) {
        Set<String> busyPaths = new HashSet<>();
        Map<String, Set<String>> skipped = new HashMap<>();
        touched.forEach((dir, names) -> names.forEach((name, t) -> {
            if (now - t.last < quietNanos && now - t.first < maxBusyNanos) {
                busyPaths.add(Watcher.child(dir, name));
                skipped.computeIfAbsent(dir, d -> new HashSet<>()).add(name);
            }
        }));
        Set<String> dirs = new HashSet<>();
        for (Iterator<Map.Entry<String, Map<String, Touch>>> it = touched.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Map<String, Touch>> e = it.next();
            String dir = e.getKey();
            if (within(dir, busyPaths)) {
                skipped.remove(dir);
                continue;
            }
            dirs.add(dir);
            Set<String> busy = skipped.getOrDefault(dir, Set.of());
            e.getValue().keySet().removeIf(name -> !busy.contains(name));
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        Set<String> fresh = new HashSet<>();
        for (Iterator<String> it = newDirs.iterator(); it.hasNext(); ) {
            String d = it.next();
            if (!within(d, busyPaths)) {
                fresh.add(d);
                it.remove();
            }
        }
        List<String> appeared = new ArrayList<>();
        for (Iterator<String> it = came.iterator(); it.hasNext(); ) {
            String p = it.next();
            if (!within(p, busyPaths)) {
                appeared.add(p);
                it.remove();
            }
        }
        List<String> wentAway = new ArrayList<>(gone);
        gone.clear();
        Batch b = new Batch(dirs, fresh, skipped, wentAway, appeared, rescan);
        rescan = false;
        boolean left = !touched.isEmpty() || !newDirs.isEmpty() || !came.isEmpty();
        firstNanos = left ? now : 0;
        lastNanos = left ? now : 0;
        return b;
    }

    /** Whether {@code path} is one of {@code paths} or below one. */
    static boolean within(String path, Set<String> paths) {
        if (paths.isEmpty()) {
            return false;
        }
        String p = path;
        while (true) {
            if (paths.contains(p)) {
                return true;
            }
            int slash = p.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            p = p.substring(0, slash);
        }
    }
}
