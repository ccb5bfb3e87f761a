package io.memfis.cli;

/** The {@code memfis} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Logging.configure(args);
        StartAhead.start(args);
        System.exit(Cli.commandLine(args).execute(args));
    }
}
