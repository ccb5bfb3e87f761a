package io.memfis.testing;

import java.util.ArrayList;
import java.util.List;

/** Several memcached servers of the default settings, started together and stopped together. */
public final class MemcachedPool implements AutoCloseable {

    private final List<MemcachedServer> servers = new ArrayList<>();

    private MemcachedPool() {
    }

    /** Starts {@code n} servers; stops those it started when one fails to. */
    public static MemcachedPool start(int n) {
        MemcachedPool pool = new MemcachedPool();
        try {
            for (int i = 0; i < n; i++) {
                pool.add();
            }
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    /** Starts one more server, the last. */
    public MemcachedServer add() {
        MemcachedServer server = MemcachedServer.withDefaults().start();
        servers.add(server);
        return server;
    }

    public MemcachedServer get(int i) {
        return servers.get(i);
    }

    public List<MemcachedServer> servers() {
        return List.copyOf(servers);
    }

    /** The first {@code n} servers as memfis's -s takes them. */
    public String spec(int n) {
        return String.join(",", servers.subList(0, n).stream().map(MemcachedServer::servers).toList());
    }

    /** All of them. */
    public String spec() {
        return spec(servers.size());
    }

    @Override
    public void close() {
        servers.forEach(MemcachedServer::close);
    }
}
