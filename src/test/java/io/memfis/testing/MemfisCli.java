package io.memfis.testing;

import io.memfis.cli.Cli;
import picocli.CommandLine;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the memfis command line in a JVM of its own, as a user would run it, or in this JVM
 * ({@link #inProcess}), which is quicker, for commands that neither mount nor exit.
 */
public final class MemfisCli {

    private MemfisCli() {
    }

    /** The command that starts memfis with {@code args}. */
    public static List<String> command(String... args) {
        return commandWithHeap("192m", args);
    }

    /** The command that starts memfis with {@code args} in a heap of at most {@code maxHeap} ("48m"). */
    public static List<String> commandWithHeap(String maxHeap, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8",
                "-cp", System.getProperty("java.class.path"), "io.memfis.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs memfis to its end (at most a minute) and returns what it did. */
    public static Shell.Result run(String... args) {
        return run(command(args));
    }

    /** Runs {@code command} (one of {@link #command} or {@link #commandWithHeap}) to its end, at most a minute. */
    public static Shell.Result run(List<String> command) {
        try {
            Process p = start(command);
            var out = p.getInputStream();
            var err = p.getErrorStream();
            var outText = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(out));
            var errText = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(err));
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("memfis did not finish within 60 s: " + command);
            }
            return new Shell.Result(p.exitValue(), outText.join(), errText.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code memfis args} in this JVM, as the command line's own factory builds it, keeping what it prints. */
    public static Shell.Result inProcess(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Shell.Result(exit, out.toString(), err.toString());
    }

    /** Starts memfis without waiting for it. */
    public static Process start(String... args) {
        return start(command(args));
    }

    private static Process start(List<String> command) {
        try {
            return new ProcessBuilder(command).redirectInput(new File("/dev/null")).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start java: " + e, e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
