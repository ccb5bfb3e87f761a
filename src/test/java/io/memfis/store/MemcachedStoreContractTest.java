package io.memfis.store;

import io.memfis.testing.MemcachedServer;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

class MemcachedStoreContractTest extends StoreContractTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @Override
    Store open() {
        return Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(10));
    }
}
