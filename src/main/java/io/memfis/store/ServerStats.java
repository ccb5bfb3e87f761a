package io.memfis.store;

/**
 * What one memcached server says of itself ({@code stats} and {@code stats settings}).
 *
 * @param address       host:port
 * @param limitMaxBytes memory the server may use for items ({@code limit_maxbytes})
 * @param bytes         memory the items use now
 * @param items         items stored now
 * @param itemSizeMax   the largest item ({@code item_size_max})
 * @param evictions     whether the server evicts items under memory pressure (started without {@code -M})
 * @param evicted       items evicted since the server started
 * @param uptimeSeconds seconds since the server started
 */
public record ServerStats(String address, long limitMaxBytes, long bytes, long items, int itemSizeMax,
                          boolean evictions, long evicted, long uptimeSeconds) {
}
