package io.memfis.fs;

import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Nutcracker;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The two memcached servers of {@link FsStore}: started at their first use, flushed after
 * every test (a restart would cost the run far more), and stopped when the test run ends.
 * Items of {@code FsFixture.PART} bytes: memfis keeps 512 bytes of an item for its key and
 * memcached's header, and slabs must divide both the item and memcached's 1 MiB page.
 */
final class SharedMemcached implements AfterEachCallback {

    private static List<MemcachedServer> servers;
    private static Nutcracker proxy;

    /** twemproxy in front of the two servers, started at its first use. */
    static synchronized Nutcracker proxy() {
        if (proxy == null) {
            proxy = Nutcracker.start(servers().stream().map(MemcachedServer::address).toList());
        }
        return proxy;
    }

    static synchronized List<MemcachedServer> servers() {
        if (servers == null) {
            List<MemcachedServer> started = IntStream.range(0, 2).mapToObj(i -> MemcachedServer.builder().memoryMb(64)
                    .itemSizeMax(String.valueOf(FsFixture.PART + 512)).args("-o", "slab_chunk_max=512")
                    .build()).toList();
            try {
                started.forEach(MemcachedServer::start);
            } catch (RuntimeException e) {
                started.forEach(MemcachedServer::close);
                throw e;
            }
            servers = started;
        }
        return servers;
    }

    /** After the class's own {@code @AfterEach}, which closes its mounts. */
    @Override
    public void afterEach(ExtensionContext context) {
        List<MemcachedServer> started;
        synchronized (SharedMemcached.class) {
            started = servers;
        }
        if (started != null) {
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(SharedMemcached.class, k -> new Stopper(), Stopper.class);
            started.forEach(MemcachedServer::flush);
        }
    }

    /** Closed by JUnit when the whole run ends. */
    private static final class Stopper implements AutoCloseable {
        @Override
        public void close() {
            synchronized (SharedMemcached.class) {
                if (proxy != null) {
                    proxy.close();
                    proxy = null;
                }
                if (servers != null) {
                    servers.forEach(MemcachedServer::close);
                    servers = null;
                }
            }
        }
    }
}
