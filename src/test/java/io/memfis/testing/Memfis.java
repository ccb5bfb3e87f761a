package io.memfis.testing;

import io.memfis.cli.Cli;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the memfis command line in this JVM, as {@code memfis ARGS} would, and keeps what it printed. */
public final class Memfis {

    private Memfis() {
    }

    /** Runs {@code memfis args}: its exit status and its stdout and stderr. */
    public static Shell.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Shell.Result(exit, out.toString(), err.toString());
    }
}
