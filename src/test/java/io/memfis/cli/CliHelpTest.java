package io.memfis.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line knows only the subcommand it runs (picocli's reflection over the others
 * was a third of a short command's start): every subcommand's help and errors must read as
 * they do with all of them known, and the top-level help must still list them all.
 */
class CliHelpTest {

    @Test
    void everySubcommandsHelpIsTheOneOfTheWholeTree() {
        for (Class<?> sub : MemfisCommand.SUBCOMMANDS) {
            String name = name(sub);
            CliRun run = CliRun.of(name, "--help");
            assertEquals(0, run.exit(), run.toString());
            assertTrue(run.out().startsWith("Usage: memfis " + name + " "), run.toString());
            assertEquals(CliRun.withEverySubcommand(name, "--help"), run, name);
            assertEquals(CliRun.withEverySubcommand("-v", name, "--help"), CliRun.of("-v", name, "--help"), name);
        }
    }

    @Test
    void topLevelHelpListsEverySubcommand() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exit(), run.toString());
        for (Class<?> sub : MemfisCommand.SUBCOMMANDS) {
            assertTrue(run.out().lines().anyMatch(l -> l.trim().startsWith(name(sub) + " ")), name(sub) + " missing: " + run);
        }
    }

    @Test
    void errorsReadAsWithTheWholeTree() {
        for (List<String> args : List.of(List.of("load", "--bogus", "/tmp"), List.of("load"), List.of("--stacktrace", "load", "a", "b"),
                List.of("check", "--timeout", "soon"), List.of("-x"), List.of("bogus-command", "x"), List.of("-n", "load", "check"),
                List.of("where"), List.of("export", "-s", "127.0.0.1:99999", "-n", "a", "/tmp"))) {
            String[] a = args.toArray(String[]::new);
            CliRun run = CliRun.of(a);
            assertEquals(Cli.USAGE, run.exit(), args + ": " + run);
            assertEquals(CliRun.withEverySubcommand(a), run, args.toString());
        }
    }

    private static String name(Class<?> sub) {
        return sub.getAnnotation(CommandLine.Command.class).name();
    }
}
