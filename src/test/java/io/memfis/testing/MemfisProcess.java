package io.memfis.testing;

import io.memfis.fuse.MountTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * memfis mounted by a process of its own ({@code memfis -f}), for tests that must kill it
 * as a crash would. {@link #close} leaves nothing behind: the process is ended and the
 * mount point unmounted, also after a kill.
 */
public final class MemfisProcess implements AutoCloseable {

    private final Process process;
    private final Path mountPoint;
    private final Path log;

    private MemfisProcess(Process process, Path mountPoint, Path log) {
        this.process = process;
        this.mountPoint = mountPoint;
        this.log = log;
    }

    /** Starts {@code memfis -f -s SERVERS -n NAMESPACE MOUNTPOINT} and waits until the kernel shows the mount. */
    public static MemfisProcess mount(MemcachedServer memcached, String namespace, Path mountPoint) {
        return mount(mountPoint, "-s", memcached.servers(), "-n", namespace);
    }

    /** Starts {@code memfis -f ARGS MOUNTPOINT} and waits until the kernel shows the mount. */
    public static MemfisProcess mount(Path mountPoint, String... args) {
        try {
            Path log = Files.createTempFile("memfis-process-", ".log");
            List<String> all = new ArrayList<>(List.of("-f"));
            all.addAll(List.of(args));
            all.add(mountPoint.toString());
            Process p = new ProcessBuilder(MemfisCli.command(all.toArray(String[]::new)))
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            MemfisProcess m = new MemfisProcess(p, mountPoint, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!MountTable.isMemfis(mountPoint)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    m.close();
                    throw new AssertionError("memfis did not mount " + mountPoint + ":\n" + m.output());
                }
                Thread.sleep(20);
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public Path mountPoint() {
        return mountPoint;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL to this process, and only to it: no unmount, no goodbye, as in a crash. */
    public void kill9() {
        process.destroyForcibly();
        waitFor(10);
    }

    /** Unmounts as a user does; the process ends by itself. */
    public void unmount() {
        run("fusermount", "-u", mountPoint.toString());
        if (!waitFor(20)) {
            throw new AssertionError("memfis did not end after fusermount -u:\n" + output());
        }
    }

    /** The exit status of the process, once it has ended. */
    public int exitCode() {
        return process.exitValue();
    }

    /** Waits until the process ends by itself: true when it did within {@code seconds}. */
    public boolean awaitExit(int seconds) {
        return waitFor(seconds);
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            run("fusermount", "-u", mountPoint.toString());
            if (!waitFor(10)) {
                process.destroyForcibly();
                waitFor(10);
            }
        }
        if (MountTable.typeAt(mountPoint) != null) {
            run("fusermount", "-u", "-z", mountPoint.toString());
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a leftover log in /tmp is harmless
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
