package io.memfis.store;

import io.memfis.testing.MemcachedPool;
import io.memfis.testing.Nutcracker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.List;

/** The store contract through a real twemproxy over two memcached servers, given as the servers behind it. */
class ProxyStoreContractTest extends StoreContractTest {

    private static MemcachedPool servers;
    private static Nutcracker proxy;

    @BeforeAll
    static void startProxy() {
        servers = MemcachedPool.start(2);
        proxy = Nutcracker.start(servers.servers().stream().map(s -> s.address()).toList());
    }

    @AfterAll
    static void stopProxy() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            servers.close();
        }
    }

    @Override
    Store open() {
        return Stores.proxy(proxy.address(), servers.servers().stream().map(s -> s.address()).toList(),
                Duration.ofSeconds(10));
    }

    @Override
    boolean writesTellTokens() {
        return false;
    }
}
