package io.memfis.store;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One short conversation with one server over memcached's text protocol, on a connection
 * of its own, for what the binary client does not offer: {@code stats settings} and
 * {@code lru_crawler metadump}. Only for rare, administrative requests.
 */
final class TextConsole {

    /** Reads the answer line by line. */
    @FunctionalInterface
    interface Reader {
        /** False when {@code line} ends the answer. */
        boolean more(String line);
    }

    private TextConsole() {
    }

    /**
     * Sends {@code command} (with its line ends) and hands each line of the answer to
     * {@code reader} until it says the answer is over. Each read waits at most {@code timeout}.
     *
     * @throws StoreException UNAVAILABLE when the server cannot be reached or stops answering
     */
    static void ask(InetSocketAddress server, String command, Duration timeout, Reader reader) {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(server, millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // keys come URL-encoded and stats are ASCII: ISO-8859-1 maps each byte to a char
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1), 1 << 16);
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new EOFException("connection closed mid-answer");
                }
            } while (reader.more(line));
        } catch (IOException e) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE,
                    "memcached " + MemcachedStore.name(server) + " did not answer '" + command.strip() + "': " + e, e);
        }
    }

    /** Whether {@code line} is one of memcached's error answers. */
    static boolean isError(String line) {
        return line.equals("ERROR") || line.startsWith("ERROR ") || line.startsWith("CLIENT_ERROR")
                || line.startsWith("SERVER_ERROR");
    }
}
