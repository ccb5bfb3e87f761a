package io.memfis.stats;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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

/**
 * Serves a mount's {@link MountStats} on its unix socket: each connection gets the
 * snapshot as one line of JSON and is closed. The socket is the owner's alone (mode 600),
 * outside the mount, and removed at unmount; a leftover of a crashed mount is replaced.
 */
public final class StatsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatsServer.class);

    private final Path socket;
    private final ServerSocketChannel channel;
    private final ScheduledExecutorService seconds;

    private StatsServer(Path socket, ServerSocketChannel channel, ScheduledExecutorService seconds) {
        this.socket = socket;
        this.channel = channel;
        this.seconds = seconds;
    }

    /** Starts serving; a mount without statistics is still a mount, so a failure is logged only (null). */
    public static StatsServer start(MountStats stats) {
        Path socket = StatsSockets.forServer(stats.mountPoint());
        try {
            Files.createDirectories(socket.getParent());
            Files.deleteIfExists(socket);
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            ScheduledExecutorService seconds = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "memfis-stats");
                t.setDaemon(true);
                return t;
            });
            seconds.scheduleAtFixedRate(stats::roll, 1, 1, TimeUnit.SECONDS);
            StatsServer server = new StatsServer(socket, channel, seconds);
            Thread accept = new Thread(() -> server.serve(stats), "memfis-stats-socket");
            accept.setDaemon(true);
            accept.start();
            log.info("statistics on {}", socket);
            return server;
        } catch (IOException | RuntimeException e) {
            log.warn("no statistics for this mount: cannot listen on {}: {}", socket, e.toString());
            return null;
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
        seconds.shutdownNow();
        try {
            channel.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.debug("closing the statistics socket: {}", e.toString());
        }
    }
}
