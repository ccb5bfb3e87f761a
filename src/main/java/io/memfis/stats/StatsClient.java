package io.memfis.stats;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Asks a mount for its counters over its statistics socket. */
public final class StatsClient {

    private StatsClient() {
    }

    /**
     * The counters of the mount at {@code mountPoint}.
     *
     * @throws IOException when no socket of that mount answers
     */
    public static JsonNode fetch(Path mountPoint) throws IOException {
        IOException last = null;
        for (Path socket : StatsSockets.candidates(mountPoint)) {
            if (!Files.exists(socket)) {
                continue;
            }
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                try (InputStream in = Channels.newInputStream(ch)) {
                    return MountStats.JSON.readTree(in);
                }
            } catch (IOException e) {
                last = new IOException("cannot read the statistics of " + mountPoint + " at " + socket + ": " + e.getMessage(), e);
            }
        }
        throw last != null ? last : new IOException("the mount at " + mountPoint
                + " serves no statistics (mounted by an older memfis, or by another user: try as root)");
    }
}
