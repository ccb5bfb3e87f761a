package io.memfis.fuse;

import io.memfis.fs.MemFs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A live FUSE mount of a {@link MemFs}: libfuse's loop runs on a thread of its own; the
 * mount is ready when the kernel lists it. It ends when someone unmounts it
 * ({@code fusermount -u}) or {@link #unmount} is called (on SIGINT and SIGTERM).
 */
public final class FuseMount {

    private static final Logger log = LoggerFactory.getLogger(FuseMount.class);

    /**
     * FUSE options memfis always uses: its own inode numbers; permission checks by the
     * kernel; 128 KiB reads and writes; the page cache kept while a file is unchanged
     * (auto_cache compares mtime and size at open); O_TRUNC handled in open.
     */
    static final List<String> BASE_OPTIONS = List.of("subtype=memfis", "use_ino", "default_permissions",
            "big_writes", "max_write=131072", "max_read=131072", "auto_cache", "atomic_o_trunc");

    private final Path mountPoint;
    private final OpCounters counters;
    private final MemfisFuse fuse;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private FuseMount(Path mountPoint, MemFs fs, OpCounters counters) {
        this.mountPoint = mountPoint;
        this.counters = counters;
        this.fuse = new MemfisFuse(fs, StaleAttributes.wiredTo(fs, mountPoint), counters);
    }

    /** {@link #start(MemFs, OpCounters, Path, String, Duration, List, boolean)} with counters of its own. */
    public static FuseMount start(MemFs fs, Path mountPoint, String fsName, Duration attrTimeout,
                                  List<String> extraOptions, boolean debug) throws IOException {
        return start(fs, new OpCounters(), mountPoint, fsName, attrTimeout, extraOptions, debug);
    }

    /**
     * Mounts {@code fs} at {@code mountPoint} and returns once the kernel shows the mount.
     *
     * @param counters     where every operation is counted (a statistics server may read them before the mount is there)
     * @param fsName       what {@code mount} and {@code df} show as the source (NAMESPACE@SERVERS)
     * @param attrTimeout  how long the kernel may trust attributes and names
     * @param extraOptions options given by the user (-o ro,allow_other, ...)
     * @throws IOException when libfuse refuses or the mount does not appear
     */
    public static FuseMount start(MemFs fs, OpCounters counters, Path mountPoint, String fsName, Duration attrTimeout,
                                  List<String> extraOptions, boolean debug) throws IOException {
        FuseMount m = new FuseMount(mountPoint.toAbsolutePath().normalize(), fs, counters);
        double seconds = attrTimeout.toMillis() / 1000.0;
        List<String> options = new ArrayList<>(BASE_OPTIONS);
        // libfuse splits -o at commas unless escaped: the servers are separated by commas
        options.add("fsname=" + fsName.replace("\\", "\\\\").replace(",", "\\,"));
        // the kernel may trust attributes and names for the timeout; close-to-open still holds:
        // every open reads the record afresh, auto_cache drops the pages of a file whose size
        // or mtime changed, and an open whose size changed elsewhere bypasses the size the
        // kernel cached (direct I/O), which would otherwise clip its reads
        options.add("attr_timeout=" + seconds);
        options.add("entry_timeout=" + seconds);
        options.add("negative_timeout=0");
        options.addAll(extraOptions);
        String[] args = {"-o", String.join(",", options)};
        // libfuse and fusermount tell why they refuse a mount on stderr, several lines that
        // in the background mode went to the log: they become the one line of the failure
        MountMessages messages = MountMessages.start();
        boolean mounted;
        try {
            Thread loop = new Thread(() -> {
                try {
                    m.fuse.serve(m.mountPoint, debug, args);
                    m.ended.complete(null);
                } catch (Throwable t) {
                    m.ended.completeExceptionally(t);
                }
            }, "memfis-fuse");
            loop.start();
            mounted = m.awaitMounted();
        } catch (IOException | RuntimeException | Error e) {
            messages.stop(false);
            throw e;
        }
        String refusal = messages.stop(!mounted);
        if (!mounted) {
            throw new IOException("could not mount " + m.mountPoint + ": "
                    + (refusal.isEmpty() ? "libfuse refused: " + m.endedWith() : refusal));
        }
        log.info("mounted {} at {}", fsName, m.mountPoint);
        return m;
    }

    /** Waits until the kernel shows the mount (true) or libfuse's loop ended without it (false). */
    private boolean awaitMounted() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!MountTable.isMemfis(mountPoint)) {
            if (ended.isDone()) {
                return false;
            }
            if (System.nanoTime() > deadline) {
                unmount();
                throw new IOException("mount of " + mountPoint + " did not appear within 30 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while mounting");
            }
        }
        return true;
    }

    /** How libfuse's loop ended, in a few words. */
    private String endedWith() {
        try {
            ended.join();
            return "it returned without mounting";
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return cause.getMessage() != null ? cause.getMessage() : cause.toString();
        }
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /** What this mount's operations did so far. */
    public OpCounters counters() {
        return counters;
    }

    /** Waits until the mount ends, however it ends. */
    public void awaitUnmount() {
        try {
            ended.join();
        } catch (RuntimeException e) {
            log.warn("FUSE loop ended with {}", e.toString());
        }
    }

    /**
     * Unmounts and waits for libfuse's loop to end. A busy mount is detached lazily (it goes
     * away when the last file on it closes) rather than left behind.
     */
    public void unmount() {
        if (ended.isDone()) {
            return;
        }
        if (!run("fusermount", "-u", mountPoint.toString())) {
            run("fusermount", "-u", "-z", mountPoint.toString());
        }
        try {
            ended.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("FUSE loop did not end after unmount: {}", e.toString());
        }
    }

    public boolean isMounted() {
        return !ended.isDone();
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
