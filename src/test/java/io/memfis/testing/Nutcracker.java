package io.memfis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * twemproxy (Debian's {@code nutcracker}) as a child process, in front of memcached servers
 * of a test, on a free loopback port, configured by the project's shipped
 * {@code nginx/nutcracker.yml} with only its listen address and servers replaced: the tests
 * run what users install. Fails when the binary is missing; a JVM shutdown hook kills
 * whatever a test left.
 */
public final class Nutcracker implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nutcracker");
    /** The shipped configuration, from the project directory the tests run in. */
    public static final Path SHIPPED = Path.of("nginx/nutcracker.yml");
    private static final long READY_MILLIS = 20_000;

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "nutcracker-reaper"));
    }

    private final Path dir;
    private final Process process;
    private final int port;

    private Nutcracker(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** A proxy over {@code servers}, in this order, ready to answer. */
    public static Nutcracker start(List<InetSocketAddress> servers) {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: these tests need twemproxy (apt-get install nutcracker)");
        }
        for (int attempt = 1; ; attempt++) {
            int port = Ports.free();
            Path dir = null;
            Process process = null;
            try {
                dir = Files.createTempDirectory("memfis-nutcracker-");
                Path yml = dir.resolve("nutcracker.yml");
                Files.writeString(yml, config(Files.readString(SHIPPED), port, servers));
                process = new ProcessBuilder(BINARY.toString(), "-c", yml.toString(), "-s", String.valueOf(Ports.free()),
                        "-p", dir.resolve("nutcracker.pid").toString(), "-o", dir.resolve("nutcracker.log").toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
                LIVE.add(process);
                Nutcracker proxy = new Nutcracker(dir, process, port);
                if (proxy.awaitReady()) {
                    return proxy;
                }
                String said = proxy.log();
                proxy.close();
                if (attempt == 3) {
                    throw new AssertionError("nutcracker did not start on port " + port + ":\n" + said);
                }
            } catch (IOException e) {
                if (process != null) {
                    process.destroyForcibly();
                    LIVE.remove(process);
                }
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The shipped configuration with this proxy's listen address and servers. */
    static String config(String shipped, int port, List<InetSocketAddress> servers) {
        StringBuilder out = new StringBuilder();
        boolean inServers = false;
        for (String line : shipped.split("\n")) {
            if (inServers && line.startsWith("   - ")) {
                continue;
            }
            inServers = false;
            if (line.strip().startsWith("listen:")) {
                line = "  listen: 127.0.0.1:" + port;
            }
            out.append(line).append('\n');
            if (line.strip().equals("servers:")) {
                inServers = true;
                out.append(servers.stream().map(s -> "   - 127.0.0.1:" + s.getPort() + ":1\n").collect(Collectors.joining()));
            }
        }
        return out.toString();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** As memfis's --proxy takes it. */
    public String spec() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** What nutcracker logged. */
    public String log() {
        try {
            Path log = dir.resolve("nutcracker.log");
            return (Files.exists(log) ? Files.readString(log) : "") + Files.readString(dir.resolve("stdout.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    /** Polls until a get through the proxy is answered (END), or the process ended. */
    private boolean awaitReady() {
        long deadline = System.currentTimeMillis() + READY_MILLIS;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(address(), 1000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("get memfis-test-ready\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = in.readNBytes(5);
                if (new String(buf, StandardCharsets.US_ASCII).equals("END\r\n")) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(50); // nothing to wait on but the port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
