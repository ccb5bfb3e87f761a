package io.memfis.fuse;

import io.memfis.fs.NameBytes;
import io.memfis.layout.Attributes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The size and mtime this mount last answered for each path: what the kernel believes of
 * the file there until the attribute timeout, and clips reads to. Kept per path, not per
 * inode, because the kernel caches per name: libfuse's path API gives every name its own
 * kernel inode (hard links included), so a write through one name, or a file another mount
 * put in the name's place, leaves the other name's cached size and pages behind.
 */
final class KernelView {

    /** What a path's size and mtime take beside the path, about. */
    private static final int SHOWN_BYTES = 32;
    /** An mtime not known: after a write through this mount, which the kernel saw itself. */
    private static final long ANY_MTIME = Long.MIN_VALUE;

    private record Shown(long size, long mtime) {
    }

    private final Map<String, Shown> shown = new ConcurrentHashMap<>();
    /** The bytes of {@link #shown}, about. */
    private final AtomicLong bytes = new AtomicLong();
    /**
     * The most bytes of paths remembered (by bytes: paths may be long); past that the memory
     * starts afresh: an unknown path counts as changed until the kernel looks it up again,
     * within the attribute timeout.
     */
    private final long maxBytes;

    /** A view that takes at most a tenth of the heap: some 100,000 paths in the launcher's. */
    KernelView() {
        this(NameBytes.heapShare(10));
    }

    KernelView(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The kernel was answered {@code a} for {@code path}. */
    void answered(String path, Attributes a) {
        remember(path, new Shown(a.size(), a.mtime()));
    }

    /** The kernel wrote or truncated through {@code path}: it knows the size it made. */
    void wrote(String path, long size) {
        remember(path, new Shown(size, ANY_MTIME));
    }

    /** True unless the kernel was last shown {@code now}'s size and mtime for {@code path}. */
    boolean differs(String path, Attributes now) {
        Shown s = shown.get(path);
        return s == null || s.size() != now.size() || (s.mtime() != ANY_MTIME && s.mtime() != now.mtime());
    }

    private void remember(String path, Shown s) {
        if (bytes.get() > maxBytes) {
            shown.clear();
            bytes.set(0);
        }
        if (shown.put(path, s) == null) {
            bytes.addAndGet(NameBytes.of(path) + SHOWN_BYTES);
        }
    }
}
