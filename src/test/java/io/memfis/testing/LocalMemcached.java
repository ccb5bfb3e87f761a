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

/** The {@code memcached} binary as a child process, listening on the loopback interface only. */
final class LocalMemcached implements Backend {

    private final Path binary;
    private Process process;
    private Path log;

    LocalMemcached(Path binary) {
        this.binary = binary;
    }

    static Path find() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "memcached");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    @Override
    public void start(int port, List<String> args) throws IOException {
        if (log == null) {
            log = Files.createTempFile("memcached-" + port + "-", ".log");
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port)));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root")); // memcached refuses to run as root otherwise
        }
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    }

    /** SIGKILL, which also ends a stopped (paused) process. */
    @Override
    public void stop() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Returns once every thread has stopped: signals arrive asynchronously, and a request sent meanwhile would still be answered. */
    @Override
    public void pause() {
        signal("STOP");
        awaitStopped(true);
    }

    @Override
    public void resume() {
        signal("CONT");
        awaitStopped(false);
    }

    @Override
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public String output() {
        try {
            return log == null ? "" : Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            if (log != null) {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the threads' states in /proc (Linux); elsewhere only waits a moment. */
    private void awaitStopped(boolean stopped) {
        Path tasks = Path.of("/proc", String.valueOf(process.pid()), "task");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            if (!Files.isDirectory(tasks)) {
                Thread.sleep(200);
                return;
            }
            while (allStopped(tasks) != stopped) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("memcached " + process.pid() + (stopped ? " did not stop" : " did not resume"));
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static boolean allStopped(Path tasks) {
        try (var threads = Files.list(tasks)) {
            return threads.allMatch(t -> {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    // "pid (comm) S ...": the state follows the command name's closing parenthesis
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'T' || state == 't';
                } catch (IOException e) {
                    return true; // the thread is gone
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDK sends no other signals than TERM and KILL. */
    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
