package io.memfis.cli;

import io.memfis.load.Loader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code memfis load [OPTIONS] DIR}: copies a local tree into a namespace without FUSE,
 * leaving the keys and values {@code cp -a DIR/. MOUNT/PATH} would.
 */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Copies a local tree into a namespace without FUSE: the same keys and values as "
                + "cp -a DIR/. MOUNT/PATH on a mount, many files at once.",
                "Run again, it sends only what changed (size or mtime differ), like rsync; "
                        + "what the namespace has and DIR does not stays, unless --delete."})
final class LoadCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Mixin
    ContentOptions content;

    @Option(names = "--into", paramLabel = "/PATH", defaultValue = "/",
            description = "the directory of the namespace that receives DIR's content (default: ${DEFAULT-VALUE}); "
                    + "created with its parents when missing")
    String into;

    @Option(names = "--dry-run", description = "print what would be sent (create, update, attributes, replace, link, delete), send nothing")
    boolean dryRun;

    @Option(names = "--delete", description = "also remove from the namespace (below --into) what DIR does not have, as rsync -a --delete")
    boolean delete;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "" + Loader.DEFAULT_JOBS,
            description = "entries worked on at once (default: ${DEFAULT-VALUE})")
    int jobs;

    @Parameters(index = "0", paramLabel = "DIR", description = "the local directory to copy")
    Path dir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new CliException(Cli.USAGE, dir + " is not a directory");
        }
        String target = normalizedInto();
        try (NamespaceSession session = NamespaceSession.open(server, !dryRun, content, err)) {
            Loader loader = new Loader(session.fs, target, jobs);
            Loader.Result result;
            if (dryRun) {
                result = loader.dryRun(dir, delete, line -> out.println(NginxCheckCommand.printable(line)));
            } else {
                try (ProgressBar bar = ProgressBar.startIfTerminal(loader.progress(), err)) {
                    result = loader.load(dir, delete);
                }
            }
            return finish(session.namespace, target, result, out, err);
        } catch (CliException e) {
            if (dryRun && e.getCause() instanceof io.memfis.fs.FsException f && f.errno() == io.memfis.fs.Errno.ENOENT) {
                // no namespace yet: everything would be created
                Loader.Result result = new Loader(null, target, jobs).dryRun(dir, delete,
                        line -> out.println(NginxCheckCommand.printable(line)));
                return finish(server.namespace(), target, result, out, err);
            }
            throw e;
        }
    }

    private String normalizedInto() {
        try {
            return Loader.normalize(into);
        } catch (IllegalArgumentException e) {
            throw new CliException(Cli.USAGE, e.getMessage());
        }
    }

    /** The summary and the failures on stderr, as the other tools do; exit 1 when something failed. */
    private int finish(String namespace, String target, Loader.Result r, PrintWriter out, PrintWriter err) {
        out.flush();
        err.println("memfis: " + summary(namespace, target, r));
        if (!r.failures().isEmpty()) {
            err.println("memfis: " + r.failures().size() + " entries could not be loaded:");
            for (Loader.Failure f : r.failures()) {
                err.println("  " + NginxCheckCommand.printable(f.path()) + ": " + f.message());
            }
        }
        err.flush();
        return r.failures().isEmpty() ? Cli.OK : Cli.FAILED;
    }

    private String summary(String namespace, String target, Loader.Result r) {
        String where = "memfis://" + namespace + target;
        long ms = r.elapsedNanos() / 1_000_000;
        double seconds = Math.max(ms, 1) / 1000.0;
        String failed = (delete ? ", " + r.deleted() + (dryRun ? " would be deleted" : " deleted") : "")
                + (r.retried() == 0 ? "" : ", " + r.retried() + " retried")
                + (r.failures().isEmpty() ? "" : ", " + r.failures().size() + " failed");
        if (dryRun) {
            return String.format(ProgressBar.NUMBERS, "dry run of %s into %s: %d entries, %d would change (%s of content), %d unchanged%s",
                    dir, where, r.entries(), r.loaded(), ProgressBar.bytes(r.bytesSent()), r.unchanged(), failed);
        }
        return String.format(ProgressBar.NUMBERS, "loaded %s into %s: %d entries, %d sent, %d unchanged, %s in %.2f s (%s/s)%s",
                dir, where, r.entries(), r.loaded(), r.unchanged(), ProgressBar.bytes(r.bytesSent()), seconds,
                ProgressBar.bytes((long) (r.bytesSent() / seconds)), failed);
    }
}
