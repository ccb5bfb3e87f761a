package io.memfis.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NginxHashLocatorTest {

    /**
     * Expected servers computed apart from this code (Python: {@code ((zlib.crc32(key) >> 16)
     * & 0x7fff) % n} over the key nginx sees, unescaped), and checked against a real nginx 1.22
     * with {@code upstream { hash $memcached_key; }} over three servers.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            memfis://www/index.html   | 1 | 1 | 1
            memfis://www/a%20b.html   | 1 | 2 | 1
            memfis://www/100%25.txt   | 1 | 2 | 4
            memfis://www/é.css        | 0 | 2 | 1
            memfis://www/x%attr       | 1 | 1 | 0
            memfis://www/%data.7.0    | 1 | 2 | 2
            memfis://www/tab%09.txt   | 1 | 0 | 0
            """)
    void picksTheServerNginxPicks(String key, int ofTwo, int ofThree, int ofFive) {
        assertEquals(ofTwo, PlacementTest.modulo(key, 2));
        assertEquals(ofThree, PlacementTest.modulo(key, 3));
        assertEquals(ofFive, PlacementTest.modulo(key, 5));
        assertEquals(0, PlacementTest.modulo(key, 1));
    }
}
