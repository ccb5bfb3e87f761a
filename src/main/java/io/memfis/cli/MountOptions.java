package io.memfis.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options of a mount, shared by {@code memfis MOUNTPOINT} and {@code memfis mount MOUNTPOINT}. */
final class MountOptions {

    @Mixin
    ServerOptions server;

    @Mixin
    ContentOptions content;

    /**
     * {@code [SOURCE] MOUNTPOINT}, as mount(8) passes them; optional for picocli only, so that
     * {@code memfis mount --help} is not refused by the parent.
     */
    @Parameters(arity = "0..2", paramLabel = "[SOURCE] MOUNTPOINT",
            description = "SOURCE (optional, as in /etc/fstab): NAMESPACE@HOST:PORT[,HOST:PORT...]; "
                    + "MOUNTPOINT: an existing empty directory")
    List<String> places = new ArrayList<>();

    @Option(names = {"-f", "--foreground"}, description = "stay in the foreground until unmounted (logs on stderr)")
    boolean foreground;

    @Option(names = "-o", paramLabel = "OPTION[,OPTION...]", split = ",",
            description = "mount options: FUSE's (ro, allow_other, ...) and memfis's own (attr_timeout=, timeout=, "
                    + "namespace=, log_file=, metrics=, require_no_evictions, writeback, writeback_memory=); _netdev, nofail, x-* are for mount(8) and ignored")
    List<String> fuseOptions = new ArrayList<>();

    @Option(names = "--attr-timeout", paramLabel = "SECONDS", defaultValue = "1",
            description = "how long attributes and names are trusted before memcached is asked again; "
                    + "changes by other mounts show within this time (default: ${DEFAULT-VALUE})")
    double attrTimeoutSeconds;

    @Option(names = "--require-no-evictions",
            description = "refuse to mount when a server may evict items (started without -M)")
    boolean requireNoEvictions;

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "where a background mount logs (default: ~/.local/state/memfis/memfis.log)")
    Path logFile;

    @Option(names = "--metrics", paramLabel = "ADDRESS:PORT",
            description = "also serve memfis stats's counters in Prometheus's format at http://ADDRESS:PORT/metrics")
    String metrics;

    @Option(names = "--writeback",
            description = "answer create and close before memcached has the file, store in the background "
                    + "(bulk copies; see the README for what it gives up)")
    boolean writeback;

    @Option(names = "--writeback-memory", paramLabel = "SIZE", defaultValue = "64M",
            description = "memory the writeback queue holds at most (K, M, G); a writer waits beyond (default: ${DEFAULT-VALUE})")
    String writebackMemory;

        @Option(names = "--debug-fuse", hidden = true, description = "libfuse's own debug output")
    boolean debugFuse;
}
