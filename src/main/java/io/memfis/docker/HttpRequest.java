package io.memfis.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request as a plugin client sends it: the request line, headers (names in
 * lower case) and a body of {@code Content-Length} bytes or in chunks. Only what the volume
 * plugin protocol needs; anything else is refused as a {@link BadRequest}.
 */
record HttpRequest(String method, String path, Map<String, String> headers, byte[] body) {

    /** The most a request line or header line may hold, and the most headers: a client that means well sends far less. */
    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 100;
    /** The largest body accepted: the protocol's requests are a name, an ID and a few options. */
    static final int MAX_BODY = 1 << 20;

    /** A request that cannot be understood: answered with 400 and the reason. */
    static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** The next request on {@code in}, or null when the client closed the connection between requests. */
    static HttpRequest read(InputStream in) throws IOException {
        String requestLine = line(in);
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = line(in); // RFC 9112: a server should ignore empty lines before a request
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[1].startsWith("/") || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest("malformed request line");
        }
        Map<String, String> headers = new HashMap<>();
        for (String h = line(in); ; h = line(in)) {
            if (h == null) {
                throw new BadRequest("connection closed in the headers");
            }
            if (h.isEmpty()) {
                break;
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || headers.size() >= MAX_HEADERS) {
                throw new BadRequest(colon <= 0 ? "malformed header" : "too many headers");
            }
            headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        return new HttpRequest(parts[0], parts[1], headers, body(in, headers));
    }

    /** True when the client asked to close the connection after this request, or speaks HTTP/1.0 without keep-alive. */
    boolean wantsClose() {
        return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
    }

    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        String encoding = headers.get("transfer-encoding");
        if (encoding != null) {
            if (!"chunked".equalsIgnoreCase(encoding)) {
                throw new BadRequest("unsupported transfer encoding " + encoding);
            }
            return chunked(in);
        }
        String length = headers.get("content-length");
        if (length == null) {
            return new byte[0];
        }
        long n;
        try {
            n = Long.parseLong(length);
        } catch (NumberFormatException e) {
            throw new BadRequest("malformed Content-Length");
        }
        if (n < 0 || n > MAX_BODY) {
            throw new BadRequest("body too large (at most " + MAX_BODY + " bytes)");
        }
        return exactly(in, (int) n);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new BadRequest("connection closed in a chunk");
            }
            int semicolon = size.indexOf(';');
            int n;
            try {
                n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            } catch (NumberFormatException e) {
                throw new BadRequest("malformed chunk size");
            }
            if (n < 0 || out.size() + (long) n > MAX_BODY) {
                throw new BadRequest("body too large (at most " + MAX_BODY + " bytes)");
            }
            if (n == 0) {
                for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                    // trailers carry nothing the protocol uses
                }
                return out.toByteArray();
            }
            out.writeBytes(exactly(in, n));
            if (!"".equals(line(in))) {
                throw new BadRequest("malformed chunk end");
            }
        }
    }

    private static byte[] exactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new BadRequest("connection closed in the body");
        }
        return b;
    }

    /** A line ended by CRLF (or a bare LF), without its end; null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (b.size() >= MAX_LINE) {
                throw new BadRequest("line too long");
            }
            b.write(c);
        }
        if (b.size() > 0) {
            throw new BadRequest("connection closed in a line");
        }
        return null;
    }
}
