package io.memfis.cli;

import io.memfis.store.Store;
import io.memfis.tools.Check;
import io.memfis.tools.CheckListener;
import io.memfis.tools.CheckResult;
import io.memfis.tools.Finding;
import io.memfis.tools.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code memfis check [-s SERVERS] [-n NAMESPACE] [--repair]}. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Checks a namespace as memcached holds it and reports, one line each, what is inconsistent: "
                + "names that lead nowhere, orphans, sizes that disagree with the content, link counts, evicted keys; "
                + "notes say what nginx cannot serve.",
                "Exit status: 0 consistent, 1 problems found (repaired with --repair), 2 could not check."})
final class CheckCommand implements Callable<Integer> {

    /** Exit statuses of check, as fsck-like tools have them. */
    static final int PROBLEMS = 1;
    static final int CANNOT_RUN = 2;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = "--repair", description = "make the namespace consistent again, changing only what is wrong; "
            + "run it while no mount writes to the namespace")
    boolean repair;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String namespace = server.namespace();
        ProgressLine progress = new ProgressLine(err, ProgressLine.onTerminal());
        CheckResult result;
        server.requireServersBehindProxy("check");
        try (Store store = Connection.open(server, false, err)) {
            result = Check.run(store, namespace, repair, new CheckListener() {
                @Override
                public void finding(Finding finding) {
                    progress.clear();
                    out.println(finding.line());
                    out.flush();
                }

                @Override
                public void progress(long entries) {
                    progress.update("memfis: checked " + entries + " entries ...");
                }
            });
        } catch (CliException | ToolException e) {
            throw new CliException(CANNOT_RUN, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CliException(CANNOT_RUN, "could not check " + namespace + ": " + e.getMessage(), e);
        } finally {
            progress.clear();
        }
        err.println("memfis: " + namespace + ": " + result.entries() + " entries checked, " + summary(result));
        err.flush();
        return result.clean() ? Cli.OK : PROBLEMS;
    }

    private String summary(CheckResult r) {
        String notes = r.notes() == 0 ? "" : ", " + r.notes() + (r.notes() == 1 ? " note" : " notes");
        if (r.clean()) {
            return "consistent" + notes;
        }
        return r.problems() + (r.problems() == 1 ? " problem" : " problems")
                + (repair ? " (" + r.repaired() + " repaired)" : "") + notes;
    }
}
