package io.memfis.docker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin's HTTP/1.1 request parser, on what clients send and on what they should not. */
class HttpRequestTest {

    private static InputStream in(String raw) {
        return new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aPostWithContentLengthThenAnotherOnTheSameConnection() throws IOException {
        InputStream in = in("POST /VolumeDriver.Get HTTP/1.1\r\nHost: plugin\r\nContent-Length: 13\r\n"
                + "Accept: application/vnd.docker.plugins.v1+json\r\n\r\n{\"Name\":\"v\"}\n"
                + "POST /Plugin.Activate HTTP/1.1\r\nconnection: close\r\n\r\n");
        HttpRequest first = HttpRequest.read(in);
        assertEquals("POST", first.method());
        assertEquals("/VolumeDriver.Get", first.path());
        assertEquals("plugin", first.headers().get("host"));
        assertEquals("{\"Name\":\"v\"}\n", new String(first.body(), StandardCharsets.UTF_8));
        HttpRequest second = HttpRequest.read(in);
        assertEquals("/Plugin.Activate", second.path());
        assertEquals(0, second.body().length);
        assertTrue(second.wantsClose());
        assertNull(HttpRequest.read(in), "the client closed between requests");
    }

    @Test
    void aChunkedBodyWithAnExtensionAndATrailer() throws IOException {
        HttpRequest r = HttpRequest.read(in("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\n{\"Na\r\nA\r\nme\":\"vol\"}\r\n0\r\nX-Trailer: 1\r\n\r\n"));
        assertArrayEquals("{\"Name\":\"vol\"}".getBytes(StandardCharsets.UTF_8), r.body());
    }

    @Test
    void bareLineFeedsAreAccepted() throws IOException {
        HttpRequest r = HttpRequest.read(in("POST /x HTTP/1.0\nContent-Length: 2\n\n{}"));
        assertEquals("{}", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void whatCannotBeParsedIsABadRequest() {
        for (String raw : new String[] {
            "GARBAGE\r\n\r\n",
            "POST noslash HTTP/1.1\r\n\r\n",
            "POST /x SPDY/3\r\n\r\n",
            "POST /x HTTP/1.1\r\nno colon here\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: twelve\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
            "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",
            "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
            "POST /x HTTP/1.1\r\nHost: a",
            "POST /" + "a".repeat(HttpRequest.MAX_LINE) + " HTTP/1.1\r\n\r\n",
        }) {
            assertThrows(HttpRequest.BadRequest.class, () -> HttpRequest.read(in(raw)), raw.length() > 80 ? "a long line" : raw);
        }
    }

    @Test
    void tooManyHeaders() {
        StringBuilder raw = new StringBuilder("POST /x HTTP/1.1\r\n");
        for (int i = 0; i <= HttpRequest.MAX_HEADERS; i++) {
            raw.append("X-").append(i).append(": 1\r\n");
        }
        assertThrows(HttpRequest.BadRequest.class, () -> HttpRequest.read(in(raw + "\r\n")));
    }
}
