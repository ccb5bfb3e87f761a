package io.memfis.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the memfis command line in this JVM, as {@code Main} does, capturing what it prints. */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... args) {
        return run(Cli.commandLine(args), args);
    }

    /** As {@link #of}, with every subcommand known whatever the arguments name. */
    static CliRun withEverySubcommand(String... args) {
        return run(Cli.commandLine(args, MemfisCommand.SUBCOMMANDS), args);
    }

    private static CliRun run(picocli.CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
}
