package io.memfis.store;

import java.util.zip.CRC32;

/**
 * nginx's plain {@code hash $memcached_key} ({@code ngx_http_upstream_get_hash_peer}), which
 * is Cache::Memcached's: {@code w = ((crc32(key) >> 16) & 0x7fff) % total weight}, then the
 * server whose run of weights holds {@code w}, in the upstream's order.
 */
final class ModuloPlacement implements Placement {

    private final int[] weights;
    private final int total;

    ModuloPlacement(ServerPool pool) {
        weights = pool.servers().stream().mapToInt(ServerPool.Server::weight).toArray();
        int sum = 0;
        for (int w : weights) {
            sum += w;
        }
        total = sum;
    }

    @Override
    public int serverOf(String key) {
        CRC32 crc = new CRC32();
        crc.update(Placement.nginxHashes(key));
        long w = ((crc.getValue() >>> 16) & 0x7fff) % total;
        int server = 0;
        while (w >= weights[server]) {
            w -= weights[server];
            server++;
        }
        return server;
    }
}
