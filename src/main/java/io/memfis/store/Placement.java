package io.memfis.store;

import io.memfis.layout.Keys;

import java.nio.charset.StandardCharsets;

/** Which server of a pool holds a key: the one nginx asks for it. */
interface Placement {

    /** The index of the server that holds {@code key} (escaped, as the store gets it). */
    int serverOf(String key);

    static Placement of(ServerPool pool) {
        if (pool.servers().size() == 1) {
            return key -> 0; // nginx does not hash with a single server either
        }
        return pool.hash() == Hash.CONSISTENT ? new ConsistentPlacement(pool) : new ModuloPlacement(pool);
    }

    /**
     * The bytes nginx hashes for {@code key}: {@code $memcached_key} as nginx computed it,
     * before {@code ngx_http_memcached_module} escaped it for the wire as our keys already are.
     */
    static byte[] nginxHashes(String key) {
        return Keys.unescape(key).getBytes(StandardCharsets.UTF_8);
    }
}
