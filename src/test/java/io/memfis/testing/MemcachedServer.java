package io.memfis.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A memcached server of its own for tests: the local {@code memcached} binary on a free
 * loopback port or, where there is none but a Docker engine is, a {@code memcached:1.6}
 * container. Where neither exists, starting fails the test, with a message that says so.
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();   // per test class
 *
 * try (MemcachedServer server = MemcachedServer.builder().evictions(true).start()) { ... }
 * </pre>
 *
 * <p>As an extension it starts before the class's tests and is killed after them, failed
 * or not; before each test it resumes or restarts a server that an earlier test paused or
 * stopped. A JVM shutdown hook kills whatever is left.
 */
public final class MemcachedServer
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, AutoCloseable {

    /** Every server with a live process, for the shutdown hook. */
    private static final Set<MemcachedServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(MemcachedServer::kill),
                "memcached-server-reaper"));
    }

    private static final long READY_MILLIS = 30_000;

    private final List<String> args;
    private volatile Backend backend;
    private int port;
    private boolean running;
    private boolean paused;
    /** Registered on a static field: lives for the whole class, not one test. */
    private boolean perClass;

    private MemcachedServer(List<String> args, int port) {
        this.args = List.copyOf(args);
        this.port = port;
    }

    /** {@code -m 256 -I 1m -M -t 2 -U 0}: 256 MB, items up to 1 MB, no evictions. */
    public static MemcachedServer withDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the server, empty; again on the same port when it ran before. */
    public synchronized MemcachedServer start() {
        if (running) {
            stop();
        }
        if (backend == null) {
            backend = Backend.choose();
        }
        boolean firstStart = port == 0;
        for (int attempt = 1; ; attempt++) {
            if (firstStart) {
                port = freePort();
            }
            try {
                backend.start(port, args);
                LIVE.add(this);
                running = true;
                awaitReady();
                return this;
            } catch (IOException | RuntimeException e) {
                backend.stop();
                running = false;
                // another process may have taken the free port in between: try another once or twice
                if (attempt >= 3) {
                    throw new IllegalStateException("memcached did not start on port " + port + ": " + e.getMessage()
                            + "\n" + backend.output(), e);
                }
            }
        }
    }

    /** Kills the server (SIGKILL: no goodbye to clients); {@link #start} brings it back on the same port. */
    public synchronized void stop() {
        if (backend != null) {
            backend.stop();
        }
        running = false;
        paused = false;
        LIVE.remove(this);
    }

    /** Freezes the server (SIGSTOP): connections stay open but nothing answers. */
    public synchronized void pause() {
        requireRunning();
        backend.pause();
        paused = true;
    }

    /** Undoes {@link #pause}. */
    public synchronized void resume() {
        requireRunning();
        backend.resume();
        paused = false;
    }

    public synchronized boolean isRunning() {
        return running && !paused;
    }

    /** The loopback address: where both the local process and a local Docker engine publish. */
    public String host() {
        return "127.0.0.1";
    }

    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("memcached was never started");
        }
        return port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host(), port());
    }

    /** {@code HOST:PORT}, as memfis takes its servers. */
    public String servers() {
        return host() + ":" + port();
    }

    @Override
    public synchronized void close() {
        stop();
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    /** Heals what an earlier test left behind; starts the server when the field is not static. */
    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (paused) {
            resume();
        }
        if (!running) {
            start();
        }
    }

    /** A server of a non-static field lives for one test. */
    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** For the shutdown hook: no lock, which a stuck test may hold. */
    private void kill() {
        Backend b = backend;
        if (b != null) {
            b.stop();
        }
    }

    private void requireRunning() {
        if (!running) {
            throw new IllegalStateException("memcached is not running");
        }
    }

    /** Until the server answers {@code version}. */
    private void awaitReady() throws IOException {
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            if (!backend.isAlive()) {
                throw new IOException("memcached exited");
            }
            try {
                if (ask("version", 8).equals("VERSION ")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("memcached did not answer within " + READY_MILLIS + " ms", last);
    }

    /** Empties the server ({@code flush_all}): between tests, far cheaper than a restart. */
    public synchronized void flush() {
        requireRunning();
        try {
            String answer = ask("flush_all", 4);
            if (!answer.equals("OK\r\n")) {
                throw new IllegalStateException("memcached " + servers() + " answered flush_all with " + answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("memcached " + servers() + " did not flush", e);
        }
    }

    /** Sends one text-protocol command and reads the first {@code answerBytes} bytes of the answer. */
    private String ask(String command, int answerBytes) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), 1000);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(answerBytes), StandardCharsets.US_ASCII);
        }
    }

    private static int freePort() {
        return Ports.free();
    }

    /** The server's options. */
    public static final class Builder {
        private int memoryMb = 256;
        private String itemSizeMax = "1m";
        private boolean evictions;
        private int port;
        private final List<String> extra = new ArrayList<>();

        private Builder() {
        }

        /** {@code -m}: memory for items, in megabytes. */
        public Builder memoryMb(int megabytes) {
            this.memoryMb = megabytes;
            return this;
        }

        /** {@code -I}: the largest item, as memcached takes it ("1m", "512k"). */
        public Builder itemSizeMax(String size) {
            this.itemSizeMax = size;
            return this;
        }

        /** Whether the server evicts items when full (else {@code -M}: it answers out of memory). */
        public Builder evictions(boolean evict) {
            this.evictions = evict;
            return this;
        }

        /** A given port rather than a free one: to replace a server that was stopped, or where nothing listens yet. */
        public Builder port(int fixed) {
            this.port = fixed;
            return this;
        }

        /** More options, as {@code "-o", "no_lru_crawler"}. */
        public Builder args(String... args) {
            extra.addAll(List.of(args));
            return this;
        }

        public MemcachedServer build() {
            List<String> args = new ArrayList<>(List.of("-U", "0", "-t", "2", "-m", String.valueOf(memoryMb),
                    "-I", itemSizeMax));
            if (!evictions) {
                args.add("-M");
            }
            args.addAll(extra);
            return new MemcachedServer(args, port);
        }

        /** Builds and starts it: for try-with-resources. */
        public MemcachedServer start() {
            return build().start();
        }
    }
}
