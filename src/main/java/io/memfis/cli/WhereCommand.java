package io.memfis.cli;

import io.memfis.tools.ToolException;
import io.memfis.tools.Where;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code memfis where [-s SERVERS] [-n NAMESPACE] PATH...}. */
@Command(name = "where", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Prints, per path of the namespace, the server of each of its keys (record, node, content or"
                + " parts, listing pages, extended attributes), one line each: PATH, what, server, key.",
                "Exit status: 0 all found, 1 a path has no record (no such path, or its server lost it), 2 bad arguments."})
final class WhereCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "PATH", description = "paths in the namespace (/docs/a.html)")
    List<String> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int exit = Cli.OK;
        server.refuseProxy("where");
        try (NamespaceSession session = NamespaceSession.open(server, false, err)) {
            int partSize = session.fs.format().partSize();
            for (String path : paths) {
                try {
                    if (!path.startsWith("/")) {
                        throw new ToolException(path + ": give the path in the namespace, from its root (/" + path + ")");
                    }
                    Where.of(session.store, session.fs.keys(), partSize, path).forEach(l -> out.println(l.line()));
                } catch (ToolException e) {
                    out.flush();
                    err.println("memfis: " + e.getMessage());
                    exit = Cli.FAILED;
                }
            }
        }
        out.flush();
        err.flush();
        return exit;
    }
}
