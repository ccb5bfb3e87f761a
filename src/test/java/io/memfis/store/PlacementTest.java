package io.memfis.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key placements; NginxConsistentHashTest checks them against a real nginx. */
class PlacementTest {

    /** The server of {@code key} among {@code n} servers of weight 1 with nginx's plain hash. */
    static int modulo(String key, int n) {
        return Placement.of(pool(n, Hash.MODULO)).serverOf(key);
    }

    private static ServerPool pool(int n, Hash hash) {
        return Stores.parsePool(String.join(",", IntStream.range(0, n).mapToObj(i -> "10.0.0." + (i + 1)).toList()), hash);
    }

    /**
     * Servers computed apart from this code (a Python script after ngx_http_upstream_init_chash:
     * zlib.crc32 over host, NUL, port and struct.pack('<I', previous); the IPv6 server as
     * memfis writes it in the upstream, [0:0:0:0:0:0:0:1]:11213); the same placements
     * are what a real nginx asks in NginxConsistentHashTest.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            memfis://www/index.html   | 2 | 0
            memfis://www/a%20b.html   | 2 | 0
            memfis://www/100%25.txt   | 1 | 3
            memfis://www/é.css        | 0 | 2
            memfis://www/x%attr       | 0 | 2
            memfis://www/%data.7.0    | 1 | 0
            """)
    void consistentPicksTheServerNginxPicks(String key, int ofThree, int weighted) {
        assertEquals(ofThree, Placement.of(pool(3, Hash.CONSISTENT)).serverOf(key));
        assertEquals(weighted, Placement.of(Stores.parsePool(
                "127.0.0.1:11211:2,127.0.0.1:11212,[::1]:11213:3,10.0.0.4:11211", Hash.CONSISTENT)).serverOf(key));
    }

    /** Points are CRC32 over host, NUL, port and the previous point; no port when the end is not ':' and digits. */
    @Test
    void pointsChainFromTheServerString() {
        long[] points = ConsistentPlacement.points("10.0.0.1:11211", 2);
        assertEquals(crc("10.0.0.1\u000011211", 0), points[0]);
        assertEquals(crc("10.0.0.1\u000011211", points[0]), points[1]);
        assertEquals(crc("example:80x\u0000", 0), ConsistentPlacement.points("example:80x", 1)[0]);
    }

    private static long crc(String text, long previous) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        crc.update(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) previous).array());
        return crc.getValue();
    }

    /** Adding a fourth server to three moves about a quarter of the keys with consistent, most with modulo. */
    @Test
    void consistentMovesAboutTheNewServersShare() {
        List<String> keys = IntStream.range(0, 20_000).mapToObj(i -> "memfis://www/file-" + i + ".html").toList();
        double consistent = moved(keys, Hash.CONSISTENT);
        double modulo = moved(keys, Hash.MODULO);
        assertTrue(consistent > 0.15 && consistent < 0.35, "consistent moved " + consistent);
        assertTrue(modulo > 0.6, "modulo moved " + modulo);
    }

    private static double moved(List<String> keys, Hash hash) {
        Placement three = Placement.of(pool(3, hash));
        Placement four = Placement.of(pool(4, hash));
        return keys.stream().filter(k -> three.serverOf(k) != four.serverOf(k)).count() / (double) keys.size();
    }

    @Test
    void weightsAreParsedAndChecked() {
        ServerPool pool = Stores.parsePool("10.0.0.1:11211:3,[::1]:11212:2,10.0.0.2", Hash.CONSISTENT);
        assertEquals(List.of(3, 2, 1), pool.servers().stream().map(ServerPool.Server::weight).toList());
        assertEquals(new InetSocketAddress("::1", 11212), pool.servers().get(1).address());
        assertEquals("10.0.0.1:11211:3,[0:0:0:0:0:0:0:1]:11212:2,10.0.0.2:11211", pool.spec());
        assertThrows(IllegalArgumentException.class, () -> Stores.parsePool("10.0.0.1:11211:0", Hash.MODULO));
        assertThrows(IllegalArgumentException.class, () -> Stores.parsePool("10.0.0.1:11211:x", Hash.MODULO));
        assertThrows(IllegalArgumentException.class, () -> Stores.parsePool("10.0.0.1,10.0.0.1:11211", Hash.MODULO));
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("ketama"));
    }

    /** nginx's plain hash with weights: a run of weight w takes w slots of the modulo. */
    @Test
    void moduloWithWeightsCountsSlots() {
        List<String> keys = IntStream.range(0, 30_000).mapToObj(i -> "k" + i).toList();
        Placement p = Placement.of(Stores.parsePool("10.0.0.1:11211:1,10.0.0.2:11211:3", Hash.MODULO));
        long first = keys.stream().filter(k -> p.serverOf(k) == 0).count();
        assertTrue(first > 6_500 && first < 8_500, first + " of 30,000 on the server of weight 1");
    }
}
