package io.memfis.cli;

import io.memfis.fs.FsException;
import io.memfis.tools.NginxReach;
import io.memfis.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code memfis nginx-check}: lists every path of a namespace that nginx cannot serve from
 * memcached, with the reason, so that a user knows what the fallback must cover. Exits as
 * grep does: 0 nothing listed, 1 something listed, 2 the check could not run.
 */
@Command(name = "nginx-check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Lists every path of a namespace that nginx cannot serve from memcached, one a line: the path,"
                + " a tab, the reason (a symlink, a key over 250 bytes, a file larger than one item, ...)."
                + " The fallback of the nginx configuration must serve these.",
                "Exit status: 0 when nginx can serve every file, 1 when some are listed, 2 when the check could not run."})
final class NginxCheckCommand implements Callable<Integer> {

    static final int COULD_NOT_RUN = 2;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (NamespaceSession session = NamespaceSession.open(server, false, err)) {
            NginxReach.Summary summary = NginxReach.scan(session.fs,
                    u -> out.println(printable(u.path()) + "\t" + u.explanation()));
            if (summary.unservable() == 0) {
                out.println("nginx can serve all " + summary.files() + " files of namespace " + session.namespace
                        + " from memcached");
            } else {
                out.println("nginx cannot serve " + summary.unservable() + " of " + summary.files()
                        + " files of namespace " + session.namespace + " from memcached: the fallback must serve them");
            }
            out.flush();
            return summary.unservable() == 0 ? Cli.OK : Cli.FAILED;
        } catch (CliException e) {
            throw new CliException(COULD_NOT_RUN, e.getMessage(), e);
        } catch (FsException | StoreException e) {
            throw new CliException(COULD_NOT_RUN, "the check could not finish: " + e.getMessage(), e);
        }
    }

    /** The path on one line: control characters and backslashes escaped, as ls -b does. */
    static String printable(String path) {
        StringBuilder out = null;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean escape = c < 0x20 || c == 0x7f || c == '\\';
            if (escape && out == null) {
                out = new StringBuilder(path.length() + 8).append(path, 0, i);
            }
            if (out != null) {
                if (c == '\\') {
                    out.append("\\\\");
                } else if (escape) {
                    out.append(String.format("\\x%02x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? path : out.toString();
    }
}
