package io.memfis.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code memfis mount [OPTIONS] MOUNTPOINT}: the same as {@code memfis [OPTIONS] MOUNTPOINT}. */
@Command(name = "mount", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Mounts a namespace (the default command: memfis MOUNTPOINT is the same).")
final class MountCommand implements Callable<Integer> {

    @ParentCommand
    MemfisCommand parent;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    MountOptions mount;

    @Override
    public Integer call() {
        return Mounter.run(mount, parent.args(), spec.commandLine().getErr());
    }
}
