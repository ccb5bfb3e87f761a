package io.memfis.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.0 requests over a plain socket, for tests that must control every byte of the
 * request line (a path sent exactly as given: escaped or raw UTF-8) and the Host header,
 * which java.net.http does not let a caller set. HTTP/1.0 keeps the answer simple: no
 * chunks, and the server closes the connection after it.
 */
public final class Http {

    /** An answer: status, headers with lower-case names, and the body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {

        /** A header's value, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + headers + " (" + body.length + " bytes)";
        }
    }

    private Http() {
    }

    /** GET {@code path} from 127.0.0.1:{@code port}, with Host: localhost. */
    public static Response get(int port, String path, String... headers) {
        return request(port, "GET", "localhost", path, headers);
    }

    /**
     * Sends {@code METHOD path HTTP/1.0} with {@code Host: host} and {@code headers}
     * ({@code "Name: value"}) to 127.0.0.1:{@code port}; {@code path} goes out as its UTF-8.
     */
    public static Response request(int port, String method, String host, String path, String... headers) {
        return send(port, method + " " + path + " HTTP/1.0\r\nHost: " + host + "\r\n", method + " " + path, headers);
    }

    /**
     * The same request as HTTP/1.1 with {@code Connection: close}: nginx compresses and sends
     * compressed answers only to HTTP/1.1 clients ({@code gzip_http_version 1.1}). A chunked
     * body comes back de-chunked.
     */
    public static Response request11(int port, String method, String path, String... headers) {
        return send(port, method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n",
                method + " " + path, headers);
    }

    private static Response send(int port, String start, String what, String... headers) {
        StringBuilder head = new StringBuilder(start);
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return parse(socket.getInputStream(), what);
        } catch (IOException e) {
            throw new AssertionError(what + " on port " + port + ": " + e, e);
        }
    }

    private static Response parse(InputStream in, String what) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        byte[] bytes = all.toByteArray();
        int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (end < 0) {
            throw new AssertionError(what + ": no complete answer: " + new String(bytes, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(bytes, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if ("chunked".equals(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(Integer.parseInt(status[1]), headers, body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int eol = indexOf(Arrays.copyOfRange(chunked, pos, chunked.length), "\r\n".getBytes(StandardCharsets.US_ASCII));
            String sizeLine = new String(chunked, pos, eol, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            pos += eol + 2;
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(chunked, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
