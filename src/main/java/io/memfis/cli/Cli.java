package io.memfis.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;

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

    private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

    private Cli() {
    }

    /**
     * Options that may come before a subcommand's name: they belong to every command
     * ({@code ScopeType.INHERIT} in {@link MemfisCommand}).
     */
    private static final Set<String> INHERITED_FLAGS = Set.of("-v", "--verbose", "--stacktrace");

    /** The command line for {@code args} (they are kept: a background mount runs them again). */
    public static CommandLine commandLine(String[] args) {
        return commandLine(args, subcommandsNamedBy(args));
    }

    /** The command line for {@code args} that knows these subcommands. */
    static CommandLine commandLine(String[] args, List<Class<?>> subcommands) {
        // no option of memfis takes a date, a time or a JDBC URL: picocli's converters for
        // them load java.time and java.sql by reflection, a tenth of a short command's start
        if (System.getProperty(CONVERTER_EXCLUDES) == null) {
            System.setProperty(CONVERTER_EXCLUDES, "java\\.(time|sql)\\..*");
        }
        CommandLine cl = new CommandLine(new MemfisCommand(args));
        for (Class<?> sub : subcommands) {
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

    /**
     * The subcommand the first word names (after {@link #INHERITED_FLAGS}), or all of them
     * when it names none: help, the mount form and an unknown command answer as with all.
     */
    private static List<Class<?>> subcommandsNamedBy(String[] args) {
        for (String arg : args) {
            if (INHERITED_FLAGS.contains(arg)) {
                continue;
            }
            for (Class<?> sub : MemfisCommand.SUBCOMMANDS) {
                if (sub.getAnnotation(CommandLine.Command.class).name().equals(arg)) {
                    return List.of(sub);
                }
            }
            break;
        }
        return MemfisCommand.SUBCOMMANDS;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m.replace('\n', ' ');
    }
}
