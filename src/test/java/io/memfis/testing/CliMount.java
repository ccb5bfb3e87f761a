package io.memfis.testing;

import io.memfis.fuse.MountTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A mount made by the {@code memfis} command as a user makes it: in the background, in a
 * process of its own, logging to a file. For tests that need what an in-process
 * {@link Mount} cannot give: FUSE options such as {@code allow_other}, the log a user
 * reads, a server process to watch. {@link #close} unmounts and makes sure the serving
 * process has ended, whatever the test did.
 */
public final class CliMount implements AutoCloseable {

    private final Path dir;
    private final Path log;
    private final Shell.Result mounted;
    private final ProcessHandle server;

    private CliMount(Path dir, Path log, Shell.Result mounted, ProcessHandle server) {
        this.dir = dir;
        this.log = log;
        this.mounted = mounted;
        this.server = server;
    }

    /**
     * Runs {@code memfis ARGS --log-file WORK/mnt-N.log WORK/mnt-N} as a user does: it returns
     * once mounted, leaving a server process in the background. Requires it to succeed.
     */
    public static CliMount background(Path work, String... args) {
        Path dir = newMountPoint(work);
        Path log = logOf(dir);
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--log-file", log.toString(), dir.toString()));
        Shell.Result r = MemfisCli.run(all.toArray(String[]::new));
        Optional<ProcessHandle> server = servingProcess(dir);
        if (r.exit() != 0 || server.isEmpty()) {
            server.ifPresent(ProcessHandle::destroyForcibly);
            unmountLazily(dir);
            throw new AssertionError("memfis " + all + " failed (exit " + r.exit() + "): " + r.err() + readLog(log));
        }
        return new CliMount(dir, log, r, server.get());
    }

    /**
     * Runs {@code memfis -f ARGS WORK/mnt-N} with its output going to a log file, as the
     * background server's does, and waits until it has mounted: one JVM instead of two.
     */
    public static CliMount foreground(Path work, String... args) {
        Path dir = newMountPoint(work);
        Path log = logOf(dir);
        List<String> all = new ArrayList<>(List.of("-f"));
        all.addAll(List.of(args));
        all.add(dir.toString());
        Process p;
        try {
            p = new ProcessBuilder(MemfisCli.command(all.toArray(String[]::new)))
                    .redirectInput(new java.io.File("/dev/null"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start java: " + e, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!MountTable.isMemfis(dir)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                unmountLazily(dir);
                throw new AssertionError("memfis " + all + " did not mount: " + readLog(log));
            }
            sleep(20);
        }
        return new CliMount(dir, log, new Shell.Result(0, "", ""), p.toHandle());
    }

    public Path path() {
        return dir;
    }

    /** What the mount command said: nothing, or a warning (background mounts only). */
    public Shell.Result mountCommand() {
        return mounted;
    }

    /** The process that serves the mount. */
    public ProcessHandle server() {
        return server;
    }

    public boolean isMounted() {
        return MountTable.isMemfis(dir);
    }

    /** What the serving process logged so far. */
    public String log() {
        return readLog(log);
    }

    @Override
    public void close() {
        for (int i = 0; i < 50 && isMounted(); i++) {
            if (Shell.run(dir.getParent(), "fusermount -u '" + dir + "' 2>&1").exit() == 0) {
                break;
            }
            sleep(100);
        }
        unmountLazily(dir);
        try {
            server.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.destroyForcibly();
        }
    }

    /** The background memfis serving {@code dir}, found by its command line. */
    public static Optional<ProcessHandle> servingProcess(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments()
                        .map(a -> List.of(a).contains(dir.toString()) && List.of(a).contains("io.memfis.cli.Main"))
                        .orElse(false))
                .findFirst();
    }

    private static Path newMountPoint(Path work) {
        try {
            return Files.createTempDirectory(work, "mnt-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path logOf(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".log");
    }

    private static void unmountLazily(Path dir) {
        if (MountTable.isMemfis(dir)) {
            Shell.run(dir.getParent(), "fusermount -u -z '" + dir + "'");
        }
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
