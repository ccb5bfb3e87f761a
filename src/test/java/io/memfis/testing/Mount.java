package io.memfis.testing;

import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.fuse.FuseMount;
import io.memfis.fuse.MountTable;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real FUSE mount of a namespace, served by this JVM, for tests that drive it with real
 * commands. {@link #close} unmounts (lazily if something is still busy) and removes the
 * mount point even when the test failed; a missing /dev/fuse or fusermount fails the test.
 */
public final class Mount implements AutoCloseable {

    private final MemcachedServer memcached;
    private final String namespace;
    private final FsOptions options;
    private final Path dir;
    private Store store;
    private MemFs fs;
    private FuseMount mount;

    private Mount(MemcachedServer memcached, String namespace, FsOptions options) {
        this.memcached = memcached;
        this.namespace = namespace;
        this.options = options;
        try {
            this.dir = Files.createTempDirectory("memfis-mnt-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mounts {@code namespace} of {@code memcached} at a new temporary directory. */
    public static Mount of(MemcachedServer memcached, String namespace) {
        return of(memcached, FsOptions.defaults(namespace).withHealthInterval(Duration.ofMillis(500)));
    }

    public static Mount of(MemcachedServer memcached, FsOptions options) {
        Mount m = new Mount(memcached, options.namespace(), options);
        m.mount();
        return m;
    }

    /** Mounts again after {@link #unmount}, with a new connection and empty caches. */
    public Mount mount() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new AssertionError("/dev/fuse is missing: these tests need FUSE");
        }
        store = Stores.memcached(List.of(memcached.address()), Duration.ofSeconds(2));
        try {
            fs = MemFs.open(store, options);
        } catch (RuntimeException e) {
            store.close();
            store = null;
            throw e;
        }
        try {
            mount = FuseMount.start(fs, dir, "memfis:" + namespace, options.attrTimeout(), List.of(), false);
        } catch (IOException e) {
            fs.close();
            store.close();
            throw new AssertionError("could not mount: " + e.getMessage(), e);
        }
        return this;
    }

    public void unmount() {
        if (mount != null) {
            for (int i = 0; i < 50 && mount.isMounted(); i++) {
                if (run("fusermount", "-u", dir.toString())) {
                    break;
                }
                sleep(100);
            }
            if (mount.isMounted()) {
                run("fusermount", "-u", "-z", dir.toString());
            }
            mount.awaitUnmount();
            mount = null;
        }
        if (fs != null) {
            fs.close();
            fs = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    public Path path() {
        return dir;
    }

    public Path resolve(String relative) {
        return dir.resolve(relative);
    }

    public MemFs fs() {
        return fs;
    }

    public Store store() {
        return store;
    }

    public Keys keys() {
        return Keys.of(namespace);
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public void close() {
        try {
            unmount();
        } finally {
            if (!MountTable.isMemfis(dir)) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a leftover empty directory in /tmp is harmless
                }
            }
        }
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
