package io.memfis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code memfis [OPTIONS] MOUNTPOINT}: mounting is the default command. */
@Command(name = "memfis", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Mounts a filesystem that keeps files in memcached, under the keys nginx's memcached_pass asks for.",
                "Runs in the background once mounted; fusermount -u MOUNTPOINT unmounts."})
final class MemfisCommand implements Callable<Integer> {

    /**
     * The subcommands, in the order help lists them. Picocli reflects over every subcommand
     * it is given, which was a third of a short command's start: {@link Cli} gives it only
     * the one a command line names (all of them when it names none, for help and mounting).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(MountCommand.class, CheckCommand.class, ExportCommand.class,
            NginxConfigCommand.class, NginxCheckCommand.class, LoadCommand.class, SyncCommand.class, WhereCommand.class,
            RebalanceCommand.class, StatsCommand.class, DockerPluginCommand.class);

    private final String[] args;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    MountOptions mount;

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT, description = "show the whole trace of an error")
    boolean stacktrace;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "log at DEBUG")
    boolean verbose;

    MemfisCommand(String[] args) {
        this.args = args;
    }

    String[] args() {
        return args;
    }

    @Override
    public Integer call() {
        return Mounter.run(mount, args, spec.commandLine().getErr());
    }
}
