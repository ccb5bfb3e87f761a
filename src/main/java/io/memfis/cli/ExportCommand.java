package io.memfis.cli;

import io.memfis.tools.Export;
import io.memfis.tools.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code memfis export [-s SERVERS] [-n NAMESPACE] DIR}. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Writes a namespace to a local directory with modes, owners, times, symlinks, hard links and "
                + "extended attributes: a backup of what is only in memory, or a move to other servers (export, then load).",
                "Exit status: 0 all exported, 1 something could not be exported, 2 bad arguments."})
final class ExportCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0", paramLabel = "DIR", description = "an empty directory, or one to create")
    Path dir;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Path target = dir.toAbsolutePath().normalize();
        Export.Result result;
        try (NamespaceSession session = NamespaceSession.open(server, false, err)) {
            result = Export.run(session.fs, target, line -> {
                err.println("memfis: " + line);
                err.flush();
            });
        } catch (ToolException e) {
            throw new CliException(Cli.FAILED, e.getMessage(), e);
        }
        if (!result.ownersKept()) {
            err.println("memfis: warning: owners not kept: only root may give files to other users");
        }
        err.println("memfis: exported " + result.entries() + " entries (" + result.bytes() + " bytes) to " + target
                + (result.failures() == 0 ? "" : "; " + result.failures() + " could not be exported"));
        err.flush();
        return result.failures() == 0 ? Cli.OK : Cli.FAILED;
    }
}
