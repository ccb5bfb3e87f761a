package io.memfis.fs;

import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;

import java.time.Duration;
import java.util.List;

/**
 * The stores the filesystem suites run against ({@link EveryStore}): one specification,
 * every store. Items hold {@link FsFixture#PART} bytes in each, so that a file of a few KiB
 * already has several parts.
 */
enum FsStore {

    /** In this process's memory: requests complete in the order they are sent. */
    IN_MEMORY(0),
    /** The local memcached binary: requests go over one connection. */
    ONE_MEMCACHED(1),
    /** Two memcached servers: requests for keys on different servers may complete out of order. */
    TWO_MEMCACHED(2),
    /**
     * The two servers through twemproxy, over the text protocol: no write tells its token,
     * so every compare-and-swap reads first.
     */
    THROUGH_NUTCRACKER(-2);

    private final int servers;

    FsStore(int servers) {
        this.servers = servers;
    }

    /** A new client of this store: for the in-memory store a new, empty store. */
    Store open() {
        if (servers == 0) {
            return Stores.inMemory(FsFixture.PART);
        }
        if (servers < 0) {
            return Stores.proxy(SharedMemcached.proxy().address(), addresses(SharedMemcached.servers()),
                    Duration.ofSeconds(10));
        }
        List<MemcachedServer> running = SharedMemcached.servers().subList(0, servers);
        return Stores.memcached(running.stream().map(MemcachedServer::address).toList(), Duration.ofSeconds(10));
    }

    private static List<java.net.InetSocketAddress> addresses(List<MemcachedServer> servers) {
        return servers.stream().map(MemcachedServer::address).toList();
    }
}
