package io.memfis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Asks a server for its version or stats: true when a memcached answers there. */
final class MemcachedProbe {

    private MemcachedProbe() {
    }

    static boolean answers(InetSocketAddress address, int timeoutMillis) {
        return says(address, "version", "VERSION", timeoutMillis);
    }

    /** True when the server answers {@code stats}, as memcached does and a proxy (nutcracker) does not. */
    static boolean answersStats(InetSocketAddress address, int timeoutMillis) {
        return says(address, "stats", "STAT ", timeoutMillis);
    }

    private static boolean says(InetSocketAddress address, String command, String answer, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(address, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64];
            int n = in.readNBytes(buf, 0, answer.length());
            return n == answer.length() && new String(buf, 0, n, StandardCharsets.US_ASCII).equals(answer);
        } catch (IOException e) {
            return false;
        }
    }
}
