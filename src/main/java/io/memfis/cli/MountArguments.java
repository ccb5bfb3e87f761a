package io.memfis.cli;

import io.memfis.store.Stores;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The form mount(8) and {@code /etc/fstab} hand memfis ({@code memfis SOURCE MOUNTPOINT -o
 * OPTIONS}, run by mount.fuse3), turned into memfis's own options: SOURCE names the
 * namespace and its servers ({@code NAMESPACE@HOST:PORT[,HOST:PORT...]}); memfis's options
 * inside {@code -o} are taken out, the ones meant for mount(8) alone dropped, the rest
 * left for FUSE.
 */
final class MountArguments {

    /** Options for mount(8) and systemd only: libfuse would refuse them. */
    private static final Set<String> MOUNT_ONLY = Set.of("defaults", "_netdev", "nofail", "auto", "noauto",
            "user", "users", "nouser", "owner", "group");

    private MountArguments() {
    }

    /** Applies SOURCE and the memfis options inside -o to {@code o}; returns the mount point. */
    static Path apply(MountOptions o) {
        List<String> places = o.places;
        if (places.isEmpty()) {
            throw new CliException(Cli.USAGE, "missing MOUNTPOINT (see memfis --help)");
        }
        if (places.size() == 2) {
            applySource(places.get(0), o.server);
        }
        List<String> fuse = new ArrayList<>();
        for (String option : o.fuseOptions) {
            if (!applyOwn(option, o) && !isMountOnly(option)) {
                fuse.add(option);
            }
        }
        o.fuseOptions = fuse;
        if (o.metrics != null) {
            metricsAddress(o);
        }
        return Path.of(places.get(places.size() - 1));
    }

    /** Where {@code --metrics} (or {@code -o metrics=}) asks Prometheus's format to be served. */
    static InetSocketAddress metricsAddress(MountOptions o) {
        try {
            List<InetSocketAddress> one = Stores.parseServers(o.metrics);
            if (one.size() == 1 && o.metrics.contains(":")) {
                return one.get(0);
            }
        } catch (IllegalArgumentException e) {
            // said below, in the terms of this option
        }
        throw new CliException(Cli.USAGE, "--metrics " + o.metrics + ": expected ADDRESS:PORT");
    }

    /** {@code NAMESPACE@SERVERS}, or {@code NAMESPACE} alone for the default servers. */
    static void applySource(String source, ServerOptions server) {
        int at = source.indexOf('@');
        String namespace = at < 0 ? source : source.substring(0, at);
        if (namespace.isEmpty() || (at >= 0 && at == source.length() - 1)) {
            throw new CliException(Cli.USAGE, "invalid SOURCE '" + source + "': expected NAMESPACE@HOST:PORT[,HOST:PORT...]");
        }
        if (server.namespace != null || (at >= 0 && server.servers != null)) {
            throw new CliException(Cli.USAGE, "SOURCE '" + source + "' and --namespace/--servers both say where: give one");
        }
        server.namespace = namespace;
        if (at >= 0) {
            server.servers = source.substring(at + 1);
        }
        server.namespace();
        server.pool();
    }

    /** The mount's source as /proc/mounts and df show it: NAMESPACE@SERVERS, or NAMESPACE@PROXY. */
    static String source(ServerOptions server) {
        return server.namespace() + "@" + (server.proxy != null ? server.proxy.strip() : server.pool().spec());
    }

    private static boolean applyOwn(String option, MountOptions o) {
        int eq = option.indexOf('=');
        String name = eq < 0 ? option : option.substring(0, eq);
        String value = eq < 0 ? null : option.substring(eq + 1);
        switch (name) {
            case "attr_timeout" -> o.attrTimeoutSeconds = seconds(option, value);
            case "timeout" -> o.server.timeoutSeconds = seconds(option, value);
            case "namespace" -> o.server.namespace = required(option, value);
            case "log_file" -> o.logFile = Path.of(required(option, value));
            case "require_no_evictions" -> o.requireNoEvictions = true;
            case "metrics" -> o.metrics = required(option, value);
            case "hash" -> o.server.hash = required(option, value);
            case "proxy" -> o.server.proxy = required(option, value);
            case "gzip" -> o.content.gzip = true;
            case "writeback" -> o.writeback = true;
            case "writeback_memory" -> o.writebackMemory = required(option, value);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A size as {@code --writeback-memory} takes it: bytes, or a number followed by K, M or G (powers of 1024). */
    static long size(String option, String value) {
        String v = value.trim().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        if (!v.isEmpty() && "KMG".indexOf(v.charAt(v.length() - 1)) >= 0) {
            unit = 1L << (10 * ("KMG".indexOf(v.charAt(v.length() - 1)) + 1));
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new CliException(Cli.USAGE, option + ": not a size (bytes, or a number with K, M or G): " + value);
        }
    }

    private static boolean isMountOnly(String option) {
        return MOUNT_ONLY.contains(option) || option.startsWith("x-") || option.startsWith("X-")
                || option.startsWith("comment=");
    }

    private static String required(String option, String value) {
        if (value == null || value.isEmpty()) {
            throw new CliException(Cli.USAGE, "-o " + option + " needs a value (" + option + "=...)");
        }
        return value;
    }

    private static double seconds(String option, String value) {
        try {
            return Double.parseDouble(required(option, value));
        } catch (NumberFormatException e) {
            throw new CliException(Cli.USAGE, "-o " + option + ": not a number of seconds");
        }
    }
}
