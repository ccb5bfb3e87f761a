package io.memfis.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoresTest {

    @Test
    void parsesServersInOrderWithTheDefaultPort() {
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 11211), new InetSocketAddress("127.0.0.2", 11300),
                        new InetSocketAddress("::1", 11211), new InetSocketAddress("::1", 11400)),
                Stores.parseServers("127.0.0.1, 127.0.0.2:11300,[::1],[::1]:11400"));
        assertEquals(List.of(new InetSocketAddress("localhost", 11211)), Stores.parseServers("localhost"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            127.0.0.1:         | '127.0.0.1:'
            127.0.0.1:abc      | '127.0.0.1:abc'
            127.0.0.1:0        | '127.0.0.1:0'
            127.0.0.1:65536    | '127.0.0.1:65536'
            ::1                | '::1'
            ::1:11211          | '::1:11211'
            [::1               | '[::1'
            [::1]11211         | '[::1]11211'
            :11211             | ':11211'
            "127.0.0.1:1,,127.0.0.1:2" | an empty entry
            "a b:1"            | 'a b:1'
            no-such-host.invalid:11211 | 'no-such-host.invalid:11211': unknown host
            """)
    void namesTheBadPart(String spec, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Stores.parseServers(spec));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void refusesNothing() {
        assertThrows(IllegalArgumentException.class, () -> Stores.parseServers(""));
        assertThrows(IllegalArgumentException.class, () -> Stores.parseServers(" "));
        assertThrows(IllegalArgumentException.class, () -> Stores.memcached(List.of(), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> Stores.inMemory(0));
    }
}
