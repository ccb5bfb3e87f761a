package io.memfis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real nginx for tests: the distribution's {@code /usr/sbin/nginx}, a child process in a
 * temporary prefix, running what a test puts in its {@code http} block on the ports the test
 * chose ({@link Ports#free}). {@link #close} stops it (SIGTERM to the master, which ends its
 * worker) and removes the prefix; a JVM shutdown hook kills what is left. Without nginx, or
 * when nginx refuses the configuration, the test fails with what nginx said.
 *
 * <pre>
 * try (Nginx nginx = Nginx.start(serverBlocks)) { Http.get(port, "/index.html") ... }
 * </pre>
 */
public final class Nginx implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nginx");
    private static final Path MIME_TYPES = Path.of("/etc/nginx/mime.types");
    private static final long READY_MILLIS = 20_000;

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }), "nginx-reaper"));
    }

    private final Path prefix;
    private final Process process;

    private Nginx(Path prefix, Process process) {
        this.prefix = prefix;
        this.process = process;
    }

    /** Starts nginx with {@code http} as the content of its http block; returns once it listens. */
    public static Nginx start(String http) {
        Path prefix = prepare(http);
        Process process = null;
        try {
            process = new ProcessBuilder(command(prefix, false)).redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("stderr.log").toFile()).start();
            LIVE.add(process);
            Nginx nginx = new Nginx(prefix, process);
            nginx.awaitReady();
            return nginx;
        } catch (IOException | RuntimeException | AssertionError e) {
            String said = said(prefix);
            if (process != null) {
                stop(process);
            }
            deleteTree(prefix);
            throw new AssertionError("nginx did not start: " + e.getMessage() + "\n" + said, e);
        }
    }

    /** Runs {@code nginx -t} on {@code http} as the content of the http block: what nginx said, or a failure with it. */
    public static String check(String http) {
        Path prefix = prepare(http);
        try {
            Process p = new ProcessBuilder(command(prefix, true)).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("nginx -t refused the configuration:\n" + said + "\n" + http);
            }
            return said;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + BINARY + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            deleteTree(prefix);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The error log: what nginx said about requests and upstreams. */
    public String errorLog() {
        return said(prefix);
    }

    @Override
    public void close() {
        stop(process);
        deleteTree(prefix);
    }

    private static List<String> command(Path prefix, boolean testOnly) {
        String globals = "daemon off; pid " + prefix.resolve("nginx.pid") + "; error_log "
                + prefix.resolve("error.log") + " info;";
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-p", prefix + "/",
                "-c", prefix.resolve("nginx.conf").toString(), "-g", globals));
        if (testOnly) {
            command.add(1, "-t");
        }
        return command;
    }

    /**
     * A prefix with nginx.conf whose http block starts as a stock one does, with the
     * distribution's types map by its absolute path; nothing else is beside it, so a
     * relative include (which nginx resolves against the directory of -c) fails as it would
     * in any prefix but /etc/nginx. As root the worker stays root: tests serve files from
     * private temporary directories.
     */
    private static Path prepare(String http) {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: these tests need nginx (apt-get install nginx-light)");
        }
        if (!Files.isReadable(MIME_TYPES)) {
            throw new AssertionError(MIME_TYPES + " is missing: these tests need nginx's types map (apt-get install nginx-common)");
        }
        try {
            Path prefix = Files.createTempDirectory("memfis-nginx-");
            Path temp = Files.createDirectories(prefix.resolve("temp"));
            String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
            String conf = user + """
                    worker_processes 1;
                    events { worker_connections 256; }
                    http {
                        include %4$s;
                        default_type application/octet-stream;
                        access_log %1$s/access.log;
                        client_body_temp_path %2$s/body;
                        proxy_temp_path %2$s/proxy;
                        fastcgi_temp_path %2$s/fastcgi;
                        uwsgi_temp_path %2$s/uwsgi;
                        scgi_temp_path %2$s/scgi;
                    %3$s
                    }
                    """.formatted(prefix, temp, http, MIME_TYPES);
            Files.writeString(prefix.resolve("nginx.conf"), conf);
            return prefix;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** nginx writes its pid file once its sockets listen; the worker then takes what queued. */
    private void awaitReady() {
        Path pid = prefix.resolve("nginx.pid");
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        while (!Files.exists(pid)) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited with status " + process.exitValue());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("nginx was not ready within " + READY_MILLIS + " ms");
            }
            sleep(10);
        }
    }

    private static void stop(Process process) {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
        LIVE.remove(process);
    }

    private static String said(Path prefix) {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("stderr.log", "error.log")) {
            try {
                Path f = prefix.resolve(name);
                if (Files.exists(f)) {
                    out.append(Files.readString(f, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                out.append("(").append(name).append(": ").append(e).append(")\n");
            }
        }
        return out.toString();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover directory in /tmp is harmless
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
