package io.memfis.stats;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves a mount's {@link MountStats} on its unix socket: each connection gets the
 * snapshot as one line of JSON and is closed. The socket is the owner's alone (mode 600),
 * outside the mount, and removed at unmount; the leftovers of killed mounts are removed by
 * the next mount that starts.
 * Optionally the same counters for Prometheus over HTTP ({@link MetricsServer}).
 */
public final class StatsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatsServer.class);

    private final Path socket;
    private final ServerSocketChannel channel;
    private final ScheduledExecutorService seconds;
    private final MetricsServer metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StatsServer(Path socket, ServerSocketChannel channel, ScheduledExecutorService seconds, MetricsServer metrics) {
        this.socket = socket;
        this.channel = channel;
        this.seconds = seconds;
        this.metrics = metrics;
    }

    /**
     * Starts serving, and Prometheus's format on {@code metrics} unless null. A mount without
     * statistics is still a mount: what cannot listen is logged and left out.
     */
    public static StatsServer start(MountStats stats, InetSocketAddress metrics) {
        ScheduledExecutorService seconds = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "memfis-stats");
            t.setDaemon(true);
            return t;
        });
        seconds.scheduleAtFixedRate(stats::roll, 1, 1, TimeUnit.SECONDS);
        Path socket = StatsSockets.forServer(stats.mountPoint());
        ServerSocketChannel channel = null;
        try {
            Files.createDirectories(socket.getParent());
            removeDeadSockets(socket.getParent());
            Files.deleteIfExists(socket);
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            // not info: the server starts before the mount, whose refusal must stay one line
            log.debug("statistics on {}", socket);
        } catch (IOException | RuntimeException e) {
            log.warn("no statistics for this mount: cannot listen on {}: {}", socket, e.toString());
            closeQuietly(channel);
            channel = null;
        }
        StatsServer server = new StatsServer(socket, channel, seconds,
                metrics == null ? null : MetricsServer.start(metrics, stats));
        if (channel != null) {
            Thread accept = new Thread(() -> server.serve(stats), "memfis-stats-socket");
            accept.setDaemon(true);
            accept.start();
        }
        // an exit that does not pass by close() (System.exit, SIGTERM's default) still removes the socket
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "memfis-stats-stop"));
        return server;
    }

    /** Sockets nobody listens on any more: left by mounts that were killed (kill -9 runs no cleanup). */
    private static void removeDeadSockets(Path dir) {
        try (var sockets = Files.newDirectoryStream(dir, "*.sock")) {
            for (Path s : sockets) {
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(s))) {
                    // a live mount's: keep it
                } catch (IOException e) {
                    Files.deleteIfExists(s);
                }
            }
        } catch (IOException e) {
            log.debug("looking for dead sockets in {}: {}", dir, e.toString());
        }
    }

    private void serve(MountStats stats) {
        while (channel.isOpen()) {
            try (SocketChannel client = channel.accept()) {
                ByteBuffer answer = ByteBuffer.wrap((MountStats.JSON.writeValueAsString(stats.snapshot()) + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                while (answer.hasRemaining()) {
                    client.write(answer);
                }
            } catch (IOException e) {
                if (channel.isOpen()) {
                    log.debug("statistics client: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        seconds.shutdownNow();
        if (metrics != null) {
            metrics.close();
        }
        if (channel != null) {
            closeQuietly(channel);
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                log.debug("removing {}: {}", socket, e.toString());
            }
        }
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.debug("closing the statistics socket: {}", e.toString());
        }
    }
}
