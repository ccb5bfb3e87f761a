package io.memfis.cli;

import io.memfis.layout.Keys;
import io.memfis.store.ServerPool;
import io.memfis.store.ServerStats;
import io.memfis.store.Store;
import io.memfis.store.Stores;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Connects a command to its memcached servers, refusing in one line when one cannot be reached. */
final class Connection {

    private Connection() {
    }

    /**
     * Opens the store of {@code options}. Only a mount without {@code --servers} may start a
     * memcached (on the default address) when none answers there.
     */
    static Store open(ServerOptions options, boolean mayStartMemcached, PrintWriter err) {
        InetSocketAddress proxy = options.proxy();
        var timeout = options.timeout();
        int probeMillis = (int) Math.min(timeout.toMillis(), 3000);
        if (proxy != null) {
            if (!MemcachedProbe.answers(proxy, probeMillis)) {
                throw new CliException(Cli.FAILED, "no memcached proxy answers at " + hostPort(proxy));
            }
            for (InetSocketAddress server : behind(options)) {
                requireMemcached(server, probeMillis);
            }
            return connect(options);
        }
        ServerPool pool = options.pool();
        ServerPool meta = options.metaPool();
        List<InetSocketAddress> servers = new ArrayList<>(pool.addresses());
        if (meta != null) {
            servers.addAll(meta.addresses());
        }
        for (InetSocketAddress server : servers) {
            if (MemcachedProbe.answers(server, probeMillis)) {
                requireMemcached(server, probeMillis);
                continue;
            }
            String program = MemcachedLauncher.program();
            if (!mayStartMemcached || options.serversGiven()) {
                throw new CliException(Cli.FAILED, "no memcached answers at " + hostPort(server));
            }
            if (program == null) {
                throw new CliException(Cli.FAILED, "no memcached answers at " + hostPort(server)
                        + " and the memcached program is not installed (apt-get install memcached)");
            }
            long mb = MemcachedLauncher.memoryMegabytes();
            MemcachedLauncher.start(program, server, mb);
            err.println("memfis: started memcached on " + hostPort(server) + " (" + mb
                    + " MB, never evicts); it keeps running after unmount");
            err.flush();
        }
        return connect(options);
    }

    /**
     * The store of {@code options} without asking first whether its servers answer: for a
     * command that waits for them (sync); operations on a server that does not answer fail.
     */
    static Store connect(ServerOptions options) {
        InetSocketAddress proxy = options.proxy();
        if (proxy != null) {
            return Stores.proxy(proxy, behind(options), options.timeout());
        }
        ServerPool pool = options.pool();
        ServerPool meta = options.metaPool();
        return meta == null ? Stores.memcached(pool, options.timeout())
                : Stores.memcached(meta, pool, Keys::isContent, options.timeout());
    }

    /** The servers behind the proxy, when given. */
    private static List<InetSocketAddress> behind(ServerOptions options) {
        return options.serversGiven() ? options.pool().addresses() : List.of();
    }

    /**
     * Refuses a server that answers {@code version} but hangs up on {@code stats}: a proxy
     * (nutcracker) given as a server, which would close the binary protocol's connection at
     * its first request.
     */
    private static void requireMemcached(InetSocketAddress server, int probeMillis) {
        if (!MemcachedProbe.answersStats(server, probeMillis)) {
            throw new CliException(Cli.FAILED, hostPort(server) + " answers as memcached but not to stats: a proxy "
                    + "such as nutcracker? give it with --proxy (and the servers behind it with -s)");
        }
    }

    /** Servers that may evict items under memory pressure (started without -M). */
    static List<String> evicting(Store store) {
        return store.stats().stream().filter(ServerStats::evictions).map(ServerStats::address).toList();
    }

    static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
