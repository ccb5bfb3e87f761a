package io.memfis.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * nginx's {@code hash $memcached_key consistent} ({@code ngx_http_upstream_init_chash} and
 * {@code ngx_http_upstream_find_chash_point}). Each server string, as the upstream writes it,
 * is split into host and port at the last ':' followed only by digits; it gets 160 points per
 * unit of weight, point j being CRC32 over the host, one 0x00 byte, the port and point j-1 as
 * four little-endian bytes (0 before the first). The points of all servers are sorted, equal
 * values kept once; a key goes to the first point at or above CRC32 of the key nginx sees
 * (unescaped), wrapping around to the first point.
 *
 * <p>nginx keeps the first of equal points as its sort leaves them (not stable); two servers
 * sharing a 32-bit point is rare enough (about one pool in 10,000 at 3 x 160 points) that
 * this keeps the lower server index there.
 */
final class ConsistentPlacement implements Placement {

    static final int POINTS_PER_WEIGHT = 160;

    /** Sorted point values, each with its server in {@link #servers}. */
    private final long[] points;
    private final int[] servers;

    ConsistentPlacement(ServerPool pool) {
        int count = pool.servers().stream().mapToInt(s -> s.weight() * POINTS_PER_WEIGHT).sum();
        long[] packed = new long[count];
        int n = 0;
        for (int i = 0; i < pool.servers().size(); i++) {
            ServerPool.Server server = pool.servers().get(i);
            for (long point : points(server.name(), server.weight() * POINTS_PER_WEIGHT)) {
                packed[n++] = point << 16 | i; // sorts by point, then by server
            }
        }
        Arrays.sort(packed);
        long[] p = new long[count];
        int[] s = new int[count];
        int kept = 0;
        for (long v : packed) {
            long point = v >>> 16;
            if (kept == 0 || p[kept - 1] != point) {
                p[kept] = point;
                s[kept] = (int) (v & 0xffff);
                kept++;
            }
        }
        points = Arrays.copyOf(p, kept);
        servers = Arrays.copyOf(s, kept);
    }

    @Override
    public int serverOf(String key) {
        CRC32 crc = new CRC32();
        crc.update(Placement.nginxHashes(key));
        int at = Arrays.binarySearch(points, crc.getValue());
        if (at < 0) {
            at = -at - 1; // the first point above
        }
        return servers[at == points.length ? 0 : at];
    }

    /** The points of one server string, in the order nginx makes them. */
    static long[] points(String server, int count) {
        int split = server.length();
        for (int j = server.length() - 1; j >= 0; j--) {
            char c = server.charAt(j);
            if (c == ':') {
                split = j;
                break;
            }
            if (c < '0' || c > '9') {
                break;
            }
        }
        byte[] host = server.substring(0, split).getBytes(StandardCharsets.UTF_8);
        byte[] port = split < server.length() ? server.substring(split + 1).getBytes(StandardCharsets.UTF_8) : new byte[0];
        long[] points = new long[count];
        long previous = 0;
        byte[] le = new byte[4];
        for (int j = 0; j < count; j++) {
            CRC32 crc = new CRC32();
            crc.update(host);
            crc.update(0);
            crc.update(port);
            le[0] = (byte) previous;
            le[1] = (byte) (previous >>> 8);
            le[2] = (byte) (previous >>> 16);
            le[3] = (byte) (previous >>> 24);
            crc.update(le);
            previous = crc.getValue();
            points[j] = previous;
        }
        return points;
    }
}
