package io.memfis.cli;

import io.memfis.fs.FsException;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.fuse.FuseMount;
import io.memfis.fuse.OpCounters;
import io.memfis.stats.CountingStore;
import io.memfis.stats.MountStats;
import io.memfis.stats.StatsServer;
import io.memfis.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Mounts: checks the mount point and the servers here, where a problem can still be told in
 * one line, then either serves in the foreground or starts a background copy of itself
 * and returns once the mount is ready, as FUSE filesystems do.
 */
final class Mounter {

    private static final Logger log = LoggerFactory.getLogger(Mounter.class);

    private Mounter() {
    }

    static int run(MountOptions o, String[] args, PrintWriter err) {
        Path mp = MountPoint.check(MountArguments.apply(o), o.fuseOptions);
        if (!(o.attrTimeoutSeconds >= 0) || o.attrTimeoutSeconds > 3600) {
            throw new CliException(Cli.USAGE, "--attr-timeout must be between 0 and 3600 seconds");
        }
        String namespace = o.server.namespace();
        Duration attrTimeout = Duration.ofMillis((long) (o.attrTimeoutSeconds * 1000));
        CountingStore counted = new CountingStore(Connection.open(o.server, true, err));
        Store store = counted;
        MemFs fs = null;
        try {
            List<String> evicting = Connection.evicting(store);
            if (!evicting.isEmpty()) {
                String which = String.join(", ", evicting);
                if (o.requireNoEvictions) {
                    throw new CliException(Cli.FAILED, "memcached at " + which
                            + " may evict items under memory pressure (started without -M)");
                }
                err.println("memfis: warning: memcached at " + which + " may evict files under memory "
                        + "pressure (started without -M); --require-no-evictions refuses such servers");
                err.flush();
            }
            long writebackMemory = MountArguments.size("--writeback-memory", o.writebackMemory);
            FsOptions options = FsOptions.defaults(namespace).withAttrTimeout(attrTimeout).withGzip(o.content.gzip);
            fs = o.writeback && o.foreground ? MemFs.openWriteback(store, options, writebackMemory) : MemFs.open(store, options);
            if (!o.foreground) {
                fs.close();
                store.close();
                return Daemon.start(mp, args, o.logFile);
            }
            // statistics first: once the mount is there (the background mode returns then),
            // `memfis stats` answers, and the sockets of mounts killed earlier are gone
            OpCounters ops = new OpCounters();
            StatsServer stats = StatsServer.start(new MountStats(mp, MountArguments.source(o.server), ops,
                    counted, fs.cacheCounters()), o.metrics == null ? null : MountArguments.metricsAddress(o));
            FuseMount mount;
            try {
                mount = FuseMount.start(fs, ops, mp, MountArguments.source(o.server), attrTimeout, o.fuseOptions,
                        o.debugFuse);
            } catch (IOException | RuntimeException e) {
                stats.close();
                throw e;
            }
            MemFs mounted = fs;
            Thread hook = new Thread(() -> {
                mount.unmount();
                mounted.close();
                store.close();
            }, "memfis-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            // SIGINT and SIGTERM end the mount like fusermount -u does: unmount, then exit 0
            for (String signal : List.of("INT", "TERM")) {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(mount::unmount, "memfis-signal").start());
            }
            mount.awaitUnmount();
            log.info("unmounted {}", mp);
            stats.close();
            fs.close();
            store.close();
            List<String> lost = fs.writebackFailures();
            if (!lost.isEmpty()) {
                err.println("memfis: " + lost.size() + " file(s) could not be stored, the first " + lost.get(0)
                        + "; see the log");
                err.flush();
                return Cli.NOT_STORED;
            }
            return Cli.OK;
        } catch (FsException e) {
            closeQuietly(fs, store);
            throw new CliException(Cli.FAILED, e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(fs, store);
            throw new CliException(Cli.FAILED, e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(fs, store);
            throw e;
        }
    }

    private static void closeQuietly(MemFs fs, Store store) {
        try {
            if (fs != null) {
                fs.close();
            }
        } finally {
            store.close();
        }
    }
}
