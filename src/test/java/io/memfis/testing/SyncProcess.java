package io.memfis.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code memfis sync} in a process of its own, its log kept in a file. {@link #close} ends it
 * with SIGTERM (SIGKILL if it does not end) and leaves nothing running.
 */
public final class SyncProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private SyncProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code memfis sync ARGS} and waits until its first load is done. */
    public static SyncProcess start(String... args) {
        SyncProcess s = launch(args);
        s.awaitLog("start: loaded", 60);
        return s;
    }

    /** Starts {@code memfis sync ARGS} without waiting. */
    public static SyncProcess launch(String... args) {
        try {
            Path log = Files.createTempFile("memfis-sync-", ".log");
            List<String> all = new ArrayList<>(List.of("sync"));
            all.addAll(List.of(args));
            Process p = new ProcessBuilder(MemfisCli.command(all.toArray(String[]::new)))
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new SyncProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits until the log holds {@code text}; fails after {@code seconds} or when the process ended. */
    public void awaitLog(String text, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!log().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("memfis sync did not log '" + text + "':\n" + log());
            }
            sleep(20);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then the exit status (at most 30 s later). */
    public int terminate() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("memfis sync did not end within 30 s of SIGTERM:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a leftover log in /tmp is harmless
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
