package io.memfis.stats;

import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The counters of {@link MountStats} in Prometheus's text format at {@code http://ADDRESS:PORT/metrics}. */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code address}; a mount without metrics is still a mount, so a failure is logged only (null). */
    public static MetricsServer start(InetSocketAddress address, MountStats stats) {
        try {
            HttpServer server = HttpServer.create(address, 8);
            server.createContext("/metrics", exchange -> {
                try (exchange) {
                    byte[] body = PrometheusText.of(stats.snapshot()).getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.start();
            log.info("metrics on http://{}:{}/metrics", address.getHostString(), address.getPort());
            return new MetricsServer(server);
        } catch (IOException | RuntimeException e) {
            log.warn("no metrics for this mount: cannot listen on {}: {}", address, e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
