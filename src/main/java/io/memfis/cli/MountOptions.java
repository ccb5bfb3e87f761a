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

    /** Optional for picocli only, so that {@code memfis mount --help} is not refused by the parent. */
    @Parameters(index = "0", arity = "0..1", paramLabel = "MOUNTPOINT", description = "an existing empty directory")
    Path mountPoint;

    @Option(names = {"-f", "--foreground"}, description = "stay in the foreground until unmounted (logs on stderr)")
    boolean foreground;

    @Option(names = "-o", paramLabel = "OPTION[,OPTION...]", split = ",",
            description = "FUSE mount options passed through (ro, allow_other, ...)")
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

    @Option(names = "--debug-fuse", hidden = true, description = "libfuse's own debug output")
    boolean debugFuse;
}
