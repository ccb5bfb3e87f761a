package io.memfis.cli;

import io.memfis.layout.Keys;
import io.memfis.store.Hash;
import io.memfis.store.ServerPool;
import io.memfis.store.Stores;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Where the namespace lives: the options every command that talks to memcached shares. */
final class ServerOptions {

    static final String DEFAULT_SERVERS = "127.0.0.1:11211";

    @Option(names = {"-s", "--servers"}, paramLabel = "HOST:PORT[:WEIGHT][,...]",
            description = "memcached servers, in nginx's upstream order, with nginx's weight= (default: "
                    + DEFAULT_SERVERS + "; if none answers there and memcached is installed, mount starts one)")
    String servers;

    @Option(names = "--meta-servers", paramLabel = "HOST:PORT[:WEIGHT][,...]",
            description = "memcached servers of the namespace's metadata (records, listings, counters); -s then "
                    + "holds only content, the pool nginx reads (default: all on -s)")
    String metaServers;

    @Option(names = "--hash", paramLabel = "consistent|modulo", defaultValue = "modulo",
            description = "how keys are spread over several servers: as nginx's hash $memcached_key consistent,"
                    + " or without consistent (default: ${DEFAULT-VALUE})")
    String hash = Hash.MODULO.toString();

    @Option(names = "--proxy", paramLabel = "HOST:PORT",
            description = "reach memcached through this twemproxy (nutcracker), which spreads the keys itself; -s then "
                    + "names the servers behind it, asked only for stats and key listings (check needs them)")
    String proxy;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAME",
            description = "namespace: keys start with memfis://NAME (default: this host's name in lower case)")
    String namespace;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3",
            description = "how long a memcached request may take before the operation fails with EIO (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    boolean serversGiven() {
        return servers != null;
    }

    /** The proxy's address, or null when memfis talks to the servers themselves. */
    InetSocketAddress proxy() {
        if (proxy == null) {
            return null;
        }
        if (metaServers != null || Hash.parse(hash) != Hash.MODULO) {
            throw new CliException(Cli.USAGE, "--proxy spreads the keys itself: give neither --hash nor --meta-servers");
        }
        List<InetSocketAddress> one = Stores.parseServers(proxy);
        if (one.size() != 1) {
            throw new CliException(Cli.USAGE, "--proxy " + proxy + ": one HOST:PORT");
        }
        return one.get(0);
    }

    /** Refuses {@code --proxy} for a command that must know which server holds each key. */
    void refuseProxy(String command) {
        if (proxy != null) {
            throw new CliException(Cli.USAGE, command + " needs to know which server holds each key, and behind --proxy "
                    + "only the proxy knows: the proxy's servers and distribution are in its yml");
        }
    }

    /**
     * Refuses, for a command that lists keys or reads the servers' stats, a proxy given
     * without the servers behind it: the proxy passes neither.
     */
    void requireServersBehindProxy(String command) {
        if (proxy != null && servers == null) {
            throw new CliException(Cli.USAGE, command + " lists the namespace's keys and reads the servers' stats, "
                    + "which the proxy " + proxy + " does not pass: give the servers behind it (its yml's servers) "
                    + "with -s as well");
        }
    }

    /** The servers, their weights and the hash. */
    ServerPool pool() {
        return Stores.parsePool(servers == null ? DEFAULT_SERVERS : servers, Hash.parse(hash));
    }

    /** The metadata's own servers, or null when all is on {@link #pool()}. */
    ServerPool metaPool() {
        return metaServers == null ? null : Stores.parsePool(metaServers, Hash.parse(hash));
    }

    /** The namespace, validated: a bad one is a usage error. */
    String namespace() {
        String ns = namespace != null ? namespace : defaultNamespace();
        Keys.of(ns);
        return ns;
    }

    /** This host's name in lower case: the namespace when none is given. */
    static String defaultNamespace() {
        return hostName().toLowerCase(Locale.ROOT);
    }

    Duration timeout() {
        if (!(timeoutSeconds > 0) || timeoutSeconds > 3600) {
            throw new IllegalArgumentException("--timeout must be between 0 and 3600 seconds");
        }
        return Duration.ofMillis((long) (timeoutSeconds * 1000));
    }

    private static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException e) {
            // fall through to the JDK's idea of it
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
