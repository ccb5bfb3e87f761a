package io.memfis.store;

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
}
