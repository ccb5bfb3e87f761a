package io.memfis.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;

/**
 * Builds the command line: every failure ends as one line on stderr ({@code memfis: ...})
 * and a named exit status; {@code --stacktrace} adds the whole trace.
 */
public final class Cli {

    /** Exit statuses. */
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** A writeback mount ended with files it could not store (each named in the log). */
    public static final int NOT_STORED = 3;

    private Cli() {
    }

    /** The command line for {@code args} (they are kept: a background mount runs them again). */
    public static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new MemfisCommand(args));
        for (Class<?> sub : subcommandsNamedBy(args)) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            int code = e instanceof CliException c ? c.exitCode() : FAILED;
            if (e instanceof IllegalArgumentException) {
                code = USAGE;
            }
            err.println("memfis: " + message(e));
            if (parseResult.hasMatchedOption("--stacktrace")) {
                e.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        cl.setParameterExceptionHandler((e, argv) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("memfis: " + e.getMessage() + " (see memfis --help)");
            err.flush();
            return USAGE;
        });
        return cl;
    }

    /** The subcommand the first argument that names one names, or all of them when none does. */
    private static List<Class<?>> subcommandsNamedBy(String[] args) {
        for (String arg : args) {
            for (Class<?> sub : MemfisCommand.SUBCOMMANDS) {
                if (sub.getAnnotation(CommandLine.Command.class).name().equals(arg)) {
                    return List.of(sub);
                }
            }
        }
        return MemfisCommand.SUBCOMMANDS;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m.replace('\n', ' ');
    }
}
