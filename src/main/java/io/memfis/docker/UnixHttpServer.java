package io.memfis.docker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A small HTTP/1.1 server on a unix socket: one thread per connection (a plugin client keeps
 * one or two), requests in turn on each (keep-alive), a handler that answers every request.
 * A request it cannot parse gets 400 and the connection is closed; a handler that throws
 * gets 500: the server itself never stops for a client's sake.
 */
final class UnixHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UnixHttpServer.class);

    /** What a handler answers: a status and a JSON body. */
    record Response(int status, String json) {
    }

    private final Path socket;
    private final ServerSocketChannel channel;
    private final Function<HttpRequest, Response> handler;
    private final Function<String, Response> refusal;

    private UnixHttpServer(Path socket, ServerSocketChannel channel, Function<HttpRequest, Response> handler,
                           Function<String, Response> refusal) {
        this.socket = socket;
        this.channel = channel;
        this.handler = handler;
        this.refusal = refusal;
    }

    /**
     * Listens on {@code socket} (a leftover file nobody answers on is replaced) and serves in
     * the background; {@code refusal} builds the answer to a request that cannot be parsed.
     */
    static UnixHttpServer start(Path socket, Function<HttpRequest, Response> handler, Function<String, Response> refusal)
            throws IOException {
        Files.createDirectories(socket.toAbsolutePath().getParent());
        if (Files.exists(socket)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                throw new IOException("something already serves on " + socket);
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("something already")) {
                    throw e;
                }
                Files.delete(socket); // nobody answers: a leftover of a process that ended
            }
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        UnixHttpServer server = new UnixHttpServer(socket, channel, handler, refusal);
        Thread accept = new Thread(server::acceptAll, "http-accept");
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    private void acceptAll() {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                Thread t = new Thread(() -> serve(client), "http-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (channel.isOpen()) {
                    log.warn("accepting a connection: {}", e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client; InputStream in = new BufferedInputStream(Channels.newInputStream(client));
             OutputStream out = new BufferedOutputStream(Channels.newOutputStream(client))) {
            while (true) {
                HttpRequest request;
                try {
                    request = HttpRequest.read(in);
                } catch (HttpRequest.BadRequest e) {
                    write(out, refusal.apply(e.getMessage()), true);
                    return;
                }
                if (request == null) {
                    return;
                }
                Response response;
                try {
                    response = handler.apply(request);
                } catch (RuntimeException e) {
                    log.warn("{} {} failed", request.method(), request.path(), e);
                    response = new Response(500, refusal.apply(String.valueOf(e.getMessage())).json());
                }
                write(out, response, request.wantsClose());
                if (request.wantsClose()) {
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("connection ended: {}", e.toString());
        }
    }

    private static void write(OutputStream out, Response r, boolean close) throws IOException {
        byte[] body = r.json().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + r.status() + " " + reason(r.status()) + "\r\n"
                + "Content-Type: application/vnd.docker.plugins.v1+json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            default -> "Internal Server Error";
        };
    }

    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.debug("closing {}: {}", socket, e.toString());
        }
    }
}
