package io.memfis.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One pipelined connection speaking memcached's text protocol, for a proxy that speaks
 * nothing else (twemproxy). Callers never block: a request is queued, a writer thread sends
 * what is queued (flushing when the queue runs dry, so a burst goes out in few packets),
 * and a reader thread matches the answers, which come in order, to the requests sent.
 *
 * <p>A request cancelled before it was sent (the caller's time bound passed) is never sent.
 * When the connection breaks, every request on it fails with UNAVAILABLE, and so does every
 * new one until a reconnection, tried every {@value #RECONNECT_MILLIS} ms, succeeds.
 */
final class TextClient implements AutoCloseable {

    static final long RECONNECT_MILLIS = 1000;

    private static final Logger log = LoggerFactory.getLogger(TextClient.class);
    private static final int BUFFER_BYTES = 256 * 1024;

    /** What an answer is made of: lines of VALUE and data up to END, or one line. */
    enum Shape { VALUES, LINE }

    /** One request: its bytes, how its answer looks, and the future it completes. */
    private record Request(byte[] bytes, Shape shape, CompletableFuture<Answer> done) {
    }

    /** An answer: the items of a retrieval, or the one line of any other command (never an error line). */
    record Answer(Map<String, Store.Item> items, String line) {
    }

    private final InetSocketAddress address;
    private final String name;
    private final Duration timeout;
    private final LinkedBlockingQueue<Request> outbox = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile Link link;
    private volatile boolean closed;

    private TextClient(InetSocketAddress address, Duration timeout) {
        this.address = address;
        this.name = MemcachedStore.name(address);
        this.timeout = timeout;
        this.writer = new Thread(this::write, "memfis-text-writer " + name);
        this.writer.setDaemon(true);
    }

    /**
     * Connects within {@code timeout}; when that fails, requests fail until a later attempt
     * succeeds.
     */
    static TextClient connect(InetSocketAddress address, Duration timeout) {
        TextClient client = new TextClient(address, timeout);
        try {
            client.link = client.open();
        } catch (IOException e) {
            log.warn("{} not connected: {}; requests fail until it is", client.name, e.toString());
            client.startReconnecting();
        }
        client.writer.start();
        return client;
    }

    String name() {
        return name;
    }

    /** Sends {@code head} (a command line without its CRLF), then {@code data} and CRLF when not null. */
    CompletableFuture<Answer> send(String head, byte[] data, Shape shape) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[h.length + 2 + (data == null ? 0 : data.length + 2)];
        System.arraycopy(h, 0, bytes, 0, h.length);
        bytes[h.length] = '\r';
        bytes[h.length + 1] = '\n';
        if (data != null) {
            System.arraycopy(data, 0, bytes, h.length + 2, data.length);
            bytes[bytes.length - 2] = '\r';
            bytes[bytes.length - 1] = '\n';
        }
        CompletableFuture<Answer> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(unavailable("the store is closed"));
        } else if (link == null) {
            done.completeExceptionally(unavailable("not connected"));
        } else {
            outbox.add(new Request(bytes, shape, done));
        }
        return done;
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        Link l = link;
        if (l != null) {
            l.fail(new IOException("closed"));
        }
        Request r;
        while ((r = outbox.poll()) != null) {
            r.done.completeExceptionally(unavailable("the store is closed"));
        }
    }

    private StoreException unavailable(String why) {
        return new StoreException(StoreException.Kind.UNAVAILABLE, "memcached " + name + ": " + why);
    }

    private Link open() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        Link l = new Link(socket);
        Thread reader = new Thread(l::read, "memfis-text-reader " + name);
        reader.setDaemon(true);
        reader.start();
        return l;
    }

    /** Sends the queued requests in order, each on the link of the moment. */
    private void write() {
        while (!closed) {
            Request r;
            try {
                r = outbox.take();
            } catch (InterruptedException e) {
                return;
            }
            if (r.done.isDone()) { // cancelled by its caller's time bound: never sent
                continue;
            }
            Link l = link;
            if (l == null || !l.enqueue(r)) {
                r.done.completeExceptionally(unavailable("not connected"));
                continue;
            }
            try {
                l.out.write(r.bytes);
                if (outbox.isEmpty()) {
                    l.out.flush();
                }
            } catch (IOException e) {
                l.fail(e);
            }
        }
    }

    /** After a break: tries again every {@value #RECONNECT_MILLIS} ms. */
    private void startReconnecting() {
        Thread t = new Thread(() -> {
            while (!closed) {
                ServerAdmin.pause(RECONNECT_MILLIS);
                try {
                    Link l = open();
                    if (closed) {
                        l.fail(new IOException("closed"));
                        return;
                    }
                    link = l;
                    log.info("memcached {} is back", name);
                    return;
                } catch (IOException e) {
                    log.debug("memcached {} still not connected: {}", name, e.toString());
                } catch (StoreException e) { // interrupted
                    return;
                }
            }
        }, "memfis-text-reconnect " + name);
        t.setDaemon(true);
        t.start();
    }

    /** One socket and the requests sent on it, waiting for their answers in order. */
    private final class Link {
        private final Socket socket;
        private final OutputStream out;
        private final Queue<Request> sent = new ArrayDeque<>();
        private boolean dead;

        Link(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
        }

        /** False when the link broke meanwhile. */
        synchronized boolean enqueue(Request r) {
            if (dead) {
                return false;
            }
            sent.add(r);
            return true;
        }

        private synchronized Request next() {
            return sent.poll();
        }

        /** Fails every request on this link and, the first time, starts reconnecting. */
        void fail(IOException cause) {
            List<Request> lost;
            synchronized (this) {
                if (dead) {
                    return;
                }
                dead = true;
                lost = List.copyOf(sent);
                sent.clear();
            }
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            StoreException e = unavailable("connection lost: " + cause.getMessage());
            lost.forEach(r -> r.done.completeExceptionally(e));
            if (!closed) {
                log.warn("memcached {} lost ({}); requests fail until it is back", name, cause.toString());
                link = null;
                startReconnecting();
            }
        }

        /** Reads answers until the connection breaks. */
        void read() {
            try {
                InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES);
                while (true) {
                    String line = line(in);
                    Request r = next();
                    if (r == null) {
                        throw new IOException("an answer to no request: " + line);
                    }
                    if (TextConsole.isError(line)) {
                        r.done.completeExceptionally(new StoreException(MemcachedStore.kindOf(line),
                                "memcached " + name + ": " + line));
                    } else if (r.shape == Shape.LINE) {
                        r.done.complete(new Answer(Map.of(), line));
                    } else {
                        r.done.complete(new Answer(values(in, line), null));
                    }
                }
            } catch (IOException | RuntimeException e) {
                fail(e instanceof IOException io ? io : new IOException(e.toString(), e));
            }
        }

        /** {@code VALUE key flags bytes [cas]}, the data and CRLF, as often as there are items, then END. */
        private Map<String, Store.Item> values(InputStream in, String first) throws IOException {
            Map<String, Store.Item> items = new HashMap<>();
            for (String line = first; !line.equals("END"); line = line(in)) {
                String[] f = line.split(" ");
                if (f.length < 4 || !f[0].equals("VALUE")) {
                    throw new IOException("not an item: " + line);
                }
                int length = Integer.parseInt(f[3]);
                byte[] value = in.readNBytes(length);
                if (value.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("an item cut short: " + f[1]);
                }
                long token = f.length > 4 ? Long.parseUnsignedLong(f[4]) : Store.UNKNOWN_TOKEN;
                items.put(f[1], new Store.Item(value, token, Integer.parseUnsignedInt(f[2])));
            }
            return items;
        }
    }

    /** One line without its CRLF; keys in it are UTF-8. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
