package io.memfis.cli;

import io.memfis.fuse.MountTable;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The background mount: the JVM cannot fork, so it starts a copy of itself in the
 * foreground mode, in a session of its own (setsid: the terminal's Ctrl-C does not reach
 * it), logging to a file, and returns once the kernel shows the mount.
 */
final class Daemon {

    /** What makes the copy stay in front: it is the one that serves the mount. */
    static final String CHILD_FLAG = "--foreground";

    private Daemon() {
    }

    static int start(Path mountPoint, String[] args, Path logFile) {
        Path log = logFile != null ? logFile : defaultLogFile();
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
        } catch (IOException e) {
            // a user whose home is not writable (nobody's is /nonexistent) has no default log
            throw new CliException(Cli.FAILED, "cannot create " + log.toAbsolutePath().getParent() + " for the log of a "
                    + "background mount (" + reason(e) + "): give --log-file FILE, or mount in the foreground with -f");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(self(args));
        cmd.add(CHILD_FLAG);
        Process child;
        long logStart;
        try {
            logStart = Files.exists(log) ? Files.size(log) : 0;
            child = new ProcessBuilder(cmd)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new CliException(Cli.FAILED, "cannot start the background mount: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!MountTable.isMemfis(mountPoint)) {
            if (!child.isAlive()) {
                throw new CliException(Cli.FAILED, lastError(log, logStart));
            }
            if (System.nanoTime() > deadline) {
                child.destroy();
                throw new CliException(Cli.FAILED, "the mount did not appear within 60 s; see " + log);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Cli.FAILED;
            }
        }
        return Cli.OK;
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied on " + e.getMessage();
        }
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() + ": " + f.getFile() : e.toString();
    }

    /** The command that runs this memfis again with {@code args}: the same java, JVM options and class path. */
    static List<String> self(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The background mount's last words, without the "memfis: " it starts them with. */
    private static String lastError(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from));
            String[] lines = text.strip().split("\n");
            String last = lines.length == 0 ? "" : lines[lines.length - 1];
            last = last.startsWith("memfis: ") ? last.substring(8) : last;
            return last.isBlank() ? "the background mount failed; see " + log : last;
        } catch (IOException e) {
            return "the background mount failed; see " + log;
        }
    }

    /** $XDG_STATE_HOME/memfis/memfis.log, or under $HOME (Java's user.home is the passwd entry's, not $HOME). */
    static Path defaultLogFile() {
        String state = System.getenv("XDG_STATE_HOME");
        String home = System.getenv("HOME");
        Path base = state != null && !state.isBlank() ? Path.of(state)
                : Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".local", "state");
        return base.resolve("memfis").resolve("memfis.log");
    }
}
