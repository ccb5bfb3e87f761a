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
 * A mount made by the {@code memfis} command exactly as a user makes it: the command
 * returns once mounted (saying nothing, or a warning), leaving a server process in the
 * background that logs to a file ({@link MemfisProcess} is the same in the foreground).
 * {@link #close} unmounts and makes sure the serving process has ended.
 */
public final class BackgroundMount implements AutoCloseable {

    private final Path dir;
    private final Shell.Result mounted;
    private final ProcessHandle server;

    private BackgroundMount(Path dir, Shell.Result mounted, ProcessHandle server) {
        this.dir = dir;
        this.mounted = mounted;
        this.server = server;
    }

    /**
     * Runs {@code memfis ARGS --log-file WORK/mnt-N.log WORK/mnt-N} as a user does: it returns
     * once mounted, leaving a server process in the background. Requires it to succeed.
     */
    public static BackgroundMount start(Path work, String... args) {
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
        return new BackgroundMount(dir, r, server.get());
    }

    public Path path() {
        return dir;
    }

    /** What the mount command said: nothing, or a warning. */
    public Shell.Result mountCommand() {
        return mounted;
    }

    private boolean isMounted() {
        return MountTable.isMemfis(dir);
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
