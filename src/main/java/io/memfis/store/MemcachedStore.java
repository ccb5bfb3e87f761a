package io.memfis.store;

import net.spy.memcached.BinaryConnectionFactory;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.OperationTimeoutException;
import net.spy.memcached.internal.CheckedOperationTimeoutException;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The store over memcached, with spymemcached speaking the binary protocol (so that every
 * write answers the item's new CAS token) and values stored raw with flags 0.
 *
 * <p>Failures: an operation on a server that is not connected is cancelled at once
 * (FailureMode.Cancel) and one that gets no answer fails after the timeout; both are
 * UNAVAILABLE, and the same store works again once spymemcached has reconnected (it
 * tries again at least every {@value #MAX_RECONNECT_DELAY_SECONDS} s). Values above
 * {@link #maxValueSize()} are refused before they are sent: memcached deletes the item
 * when it refuses a set as too large.
 *
 * <p>Futures complete on spymemcached's I/O thread: a stage added to one must be quick and
 * must never wait for the store (wait with {@link #await} on the caller's thread instead).
 */
final class MemcachedStore implements Store {

    /**
     * What an item needs besides its value, at most, within {@code item_size_max}: in
     * memcached 1.6 on 64 bits, the item header (48 bytes), the CAS value (8), the key and
     * its NUL (up to 251), the client flags (0 bytes when they are 0) and the value's
     * trailing CRLF (2), 309 bytes in all. 512 leaves room for other builds and versions.
     */
    static final int ITEM_OVERHEAD = 512;

    /** Seconds between reconnection attempts, at most (spymemcached's default backs off to 30). */
    static final int MAX_RECONNECT_DELAY_SECONDS = 2;

    private static final Logger log;

    static {
        // before spymemcached's first logger: route it to SLF4J and, with slf4j-simple, keep it
        // to errors unless told otherwise: it logs connect queues at INFO and a WARN at every
        // reconnection attempt (every 2 s while a server is down); the Observer below says
        // once that a server went and once that it came back
        System.getProperties().putIfAbsent("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.net.spy.memcached", "error");
        log = LoggerFactory.getLogger(MemcachedStore.class);
    }

    private final MemcachedClient client;
    private final List<InetSocketAddress> servers;
    private final ServerPool pool;
    private final Placement placement;
    private final Duration timeout;
    private final ExecutorService callbacks;
    /** Per server: why its keys are fenced off, or null. */
    private final AtomicReferenceArray<String> fenced;
    private final ServerAdmin admin;
    private final List<IntConsumer> reconnectListeners = new CopyOnWriteArrayList<>();
    /** 0 until every server has told its item_size_max. */
    private volatile int maxValueSize;
    private volatile boolean closed;

    private MemcachedStore(MemcachedClient client, ServerPool pool, Placement placement,
                           Duration timeout, ExecutorService callbacks) {
        this.client = client;
        this.pool = pool;
        this.servers = pool.addresses();
        this.placement = placement;
        this.fenced = new AtomicReferenceArray<>(servers.size());
        this.admin = new ServerAdmin(servers, timeout);
        this.timeout = timeout;
        this.callbacks = callbacks;
    }

    static MemcachedStore connect(ServerPool pool, Duration timeout) {
        ExecutorService callbacks = new DirectExecutor();
        List<InetSocketAddress> servers = pool.addresses();
        Placement placement = Placement.of(pool);
        MemcachedClient client;
        try {
            client = new MemcachedClient(new Factory(timeout, callbacks, placement), servers);
        } catch (IOException | RuntimeException e) {
            callbacks.shutdown();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "cannot start the memcached client: " + e, e);
        }
        MemcachedStore store = new MemcachedStore(client, pool, placement, timeout, callbacks);
        try {
            store.awaitConnections();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        client.addObserver(store.new Observer());
        return store;
    }

    @Override
    public CompletableFuture<Item> get(String key) {
        Stores.checkKey(key);
        return submit("get", key, () -> client.asyncGets(key, RawTranscoder.INSTANCE), (value, status, op) -> {
            if (value != null) {
                return new Item(value.getValue().getData(), value.getCas(), value.getValue().getFlags());
            }
            if (status.isSuccess() || status.getStatusCode() == StatusCode.ERR_NOT_FOUND) {
                return null;
            }
            throw failure("get", key, status);
        });
    }

    /** One request per key, all sent before any answer is awaited. */
    @Override
    public CompletableFuture<Map<String, Item>> getAll(Collection<String> keys) {
        keys.forEach(Stores::checkKey);
        List<String> distinct = List.copyOf(new LinkedHashSet<>(keys));
        List<CompletableFuture<Item>> gets = new ArrayList<>(distinct.size());
        for (String key : distinct) {
            gets.add(get(key));
        }
        return CompletableFuture.allOf(gets.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, Item> found = new HashMap<>();
            for (int i = 0; i < distinct.size(); i++) {
                Item item = gets.get(i).join();
                if (item != null) {
                    found.put(distinct.get(i), item);
                }
            }
            return found;
        });
    }

    @Override
    public CompletableFuture<OptionalLong> add(String key, byte[] value) {
        return write("add", key, value, () -> client.add(key, 0, RawTranscoder.value(value, 0), RawTranscoder.INSTANCE),
                (stored, status, op) -> {
                    if (status.isSuccess()) {
                        return OptionalLong.of(op.getCas());
                    }
                    if (status.getStatusCode() == StatusCode.ERR_EXISTS
                            || status.getStatusCode() == StatusCode.ERR_NOT_STORED) {
                        return OptionalLong.empty();
                    }
                    throw failure("add", key, status);
                });
    }

    /** Token 0 is not sent: the binary protocol would take it as "no compare", and replace whatever is there. */
    @Override
    public CompletableFuture<OptionalLong> cas(String key, long token, byte[] value) {
        if (token == UNKNOWN_TOKEN) {
            Stores.checkKey(key);
            return CompletableFuture.completedFuture(OptionalLong.empty());
        }
        return write("cas", key, value, () -> client.asyncCAS(key, token, 0, RawTranscoder.value(value, 0), RawTranscoder.INSTANCE),
                (response, status, op) -> {
                    if (response == CASResponse.OK) {
                        return OptionalLong.of(op.getCas());
                    }
                    if (response == CASResponse.EXISTS || response == CASResponse.NOT_FOUND) {
                        return OptionalLong.empty();
                    }
                    throw failure("cas", key, status);
                });
    }

    @Override
    public CompletableFuture<Long> set(String key, byte[] value, int flags) {
        return write("set", key, value, () -> client.set(key, 0, RawTranscoder.value(value, flags), RawTranscoder.INSTANCE),
                (stored, status, op) -> {
                    if (status.isSuccess()) {
                        return op.getCas();
                    }
                    throw failure("set", key, status);
                });
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        Stores.checkKey(key);
        return submit("delete", key, () -> client.delete(key), (deleted, status, op) -> {
            if (status.isSuccess() || status.getStatusCode() == StatusCode.ERR_NOT_FOUND) {
                return status.isSuccess();
            }
            throw failure("delete", key, status);
        });
    }

    /** The binary protocol's increment creates the counter with {@code initial} in the same step. */
    @Override
    public CompletableFuture<Long> incr(String key, long by, long initial) {
        Stores.checkKey(key);
        return submit("incr", key, () -> client.asyncIncr(key, by, initial, 0), (value, status, op) -> {
            if (status.isSuccess()) {
                return value;
            }
            if (status.getStatusCode() == StatusCode.ERR_DELTA_BADVAL) {
                throw new StoreException(StoreException.Kind.FAILED,
                        "memcached " + serverNameOf(key) + ": incr of '" + key + "': the value is not a counter");
            }
            throw failure("incr", key, status);
        });
    }

    @Override
    public int serverCount() {
        return servers.size();
    }

    @Override
    public int serverOf(String key) {
        return placement.serverOf(key);
    }

    @Override
    public Optional<String> placement() {
        return Optional.of((servers.size() == 1 ? Hash.MODULO : pool.hash()) + " " + pool.spec());
    }

    /** Over the text protocol: {@code get}, answered by {@code VALUE key flags bytes}, the value, {@code END}. */
    @Override
    public byte[] getOn(int server, String key) {
        Stores.checkKey(key);
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        boolean[] inValue = {false};
        TextConsole.ask(servers.get(server), "get " + key + "\r\n", timeout, line -> {
            if (line.equals("END")) {
                return false;
            }
            if (TextConsole.isError(line)) {
                throw new StoreException(StoreException.Kind.FAILED, "memcached " + serverName(server) + ": get '"
                        + key + "': " + line);
            }
            if (!inValue[0] && line.startsWith("VALUE ")) {
                inValue[0] = true;
            } else {
                value.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            }
            return true;
        });
        return inValue[0] ? value.toByteArray() : null;
    }

    /** Over the text protocol; for single-line values (no CR or LF), as {@link #getOn} reads them. */
    @Override
    public void setOn(int server, String key, byte[] value) {
        Stores.checkKey(key);
        for (byte b : value) {
            if (b == '\r' || b == '\n') {
                throw new IllegalArgumentException("a value set on one server is one line: " + key);
            }
        }
        String[] answer = {null};
        TextConsole.ask(servers.get(server), "set " + key + " 0 0 " + value.length + "\r\n"
                + new String(value, StandardCharsets.ISO_8859_1) + "\r\n", timeout, line -> {
            answer[0] = line;
            return false;
        });
        if (!"STORED".equals(answer[0])) {
            throw new StoreException(kindOf(answer[0]), "memcached " + serverName(server) + ": set '" + key + "': "
                    + answer[0]);
        }
    }

    @Override
    public String serverName(int server) {
        return name(servers.get(server));
    }

    @Override
    public void fence(int server, String reason) {
        fenced.set(server, reason);
    }

    @Override
    public void onReconnect(IntConsumer listener) {
        reconnectListeners.add(listener);
    }

    @Override
    public void unfence(int server) {
        fenced.set(server, null);
    }

    /** One server: spymemcached sends its requests over one connection, in order. */
    @Override
    public boolean preservesOrder() {
        return servers.size() == 1;
    }

    /**
     * The smallest {@code item_size_max} of the servers minus {@link #ITEM_OVERHEAD}: a value
     * this large fits an item under any key of up to 250 bytes on every server. Asked once.
     *
     * @throws StoreException UNAVAILABLE while a server cannot tell
     */
    @Override
    public int maxValueSize() {
        int known = maxValueSize;
        if (known == 0) {
            known = admin.smallestItem() - ITEM_OVERHEAD;
            maxValueSize = known;
        }
        return known;
    }

    /** Asks each server in turn, on a connection of its own, over the text protocol. */
    @Override
    public List<ServerStats> stats() {
        return admin.stats();
    }

    @Override
    public List<String> keys(String prefix) {
        return admin.keys(prefix);
    }

    @Override
    public void forEachKey(String prefix, Consumer<String> each) {
        admin.forEachKey(prefix, each);
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
        return Futures.await(future, timeout);
    }

    @Override
    public void close() {
        closed = true;
        try {
            client.shutdown(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            callbacks.shutdown();
        }
    }

    /** What a finished operation means: its result, or a StoreException thrown. */
    @FunctionalInterface
    private interface Outcome<T, R> {
        R of(T value, OperationStatus status, OperationFuture<T> op);
    }

    private <T, R> CompletableFuture<R> write(String what, String key, byte[] value,
                                              Supplier<OperationFuture<T>> call, Outcome<T, R> outcome) {
        Stores.checkKey(key);
        int limit = maxValueSize;
        if (limit > 0 && value.length > limit) {
            return Futures.failed(tooLarge(key, value.length, limit));
        }
        return submit(what, key, call, outcome);
    }

    /**
     * Sends the operation and adapts its future, completed by spymemcached's listener on its
     * I/O thread: no thread hop between the answer and the waiting caller, which is most of
     * the latency of a request on a busy machine. The time bound is {@link #await}'s; when it
     * passes, the caller cancels the future and with it the operation (never sent if it still
     * waits in the queue, its answer dropped if it comes late).
     */
    private <T, R> CompletableFuture<R> submit(String what, String key, Supplier<OperationFuture<T>> call,
                                               Outcome<T, R> outcome) {
        if (closed) {
            return Futures.failed(new StoreException(StoreException.Kind.UNAVAILABLE, "the store is closed"));
        }
        String fence = fenced.get(placement.serverOf(key));
        if (fence != null) {
            return Futures.failed(new StoreException(StoreException.Kind.UNAVAILABLE,
                    "memcached " + serverNameOf(key) + ": " + what + " '" + key + "' not sent: " + fence));
        }
        OperationFuture<T> op;
        try {
            op = call.get();
        } catch (RuntimeException e) { // shut down, or the queue stayed full for the whole timeout
            return Futures.failed(failure(what, key, e));
        }
        Pending<R> result = new Pending<>(op);
        op.addListener(done -> {
            try {
                result.complete(outcome.of(op.get(), op.getStatus(), op));
            } catch (ExecutionException e) {
                result.completeExceptionally(failure(what, key, e.getCause()));
            } catch (StoreException e) {
                result.completeExceptionally(e);
            } catch (Exception e) {
                result.completeExceptionally(failure(what, key, e));
            }
        });
        return result;
    }

    /** A store future that cancels its memcached operation when it is cancelled (on timeout). */
    private static final class Pending<R> extends CompletableFuture<R> {
        private final OperationFuture<?> op;

        Pending(OperationFuture<?> op) {
            this.op = op;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                op.cancel();
            }
            return cancelled;
        }
    }

    private StoreException failure(String what, String key, Throwable t) {
        String where = "memcached " + serverNameOf(key) + ": " + what + " '" + key + "'";
        if (t instanceof CancellationException) { // FailureMode.Cancel, or the connection broke
            return new StoreException(StoreException.Kind.UNAVAILABLE, where + ": not connected", t);
        }
        if (t instanceof IllegalStateException || t instanceof CheckedOperationTimeoutException
                || t instanceof OperationTimeoutException) { // shut down, or a queue full for too long
            return new StoreException(StoreException.Kind.UNAVAILABLE, where + ": " + t.getMessage(), t);
        }
        return new StoreException(kindOf(t.getMessage()), where + ": " + t.getMessage(), t);
    }

    private StoreException failure(String what, String key, OperationStatus status) {
        StatusCode code = status.getStatusCode();
        StoreException.Kind kind = code == null ? kindOf(status.getMessage()) : switch (code) {
            case ERR_NO_MEM -> StoreException.Kind.OUT_OF_MEMORY;
            case ERR_2BIG -> StoreException.Kind.TOO_LARGE;
            case CANCELLED, TIMEDOUT, INTERRUPTED, ERR_BUSY, ERR_TEMP_FAIL -> StoreException.Kind.UNAVAILABLE;
            default -> kindOf(status.getMessage());
        };
        return new StoreException(kind, "memcached " + serverNameOf(key) + ": " + what + " '" + key + "': "
                + status.getMessage() + (code == null ? "" : " (" + code + ")"));
    }

    /** For errors that only come as text: memcached's "Too large." / "Out of memory" answers. */
    static StoreException.Kind kindOf(String message) {
        String m = String.valueOf(message).toLowerCase(Locale.ROOT);
        if (m.contains("too large") || m.contains("e2big")) {
            return StoreException.Kind.TOO_LARGE;
        }
        if (m.contains("out of memory")) {
            return StoreException.Kind.OUT_OF_MEMORY;
        }
        return StoreException.Kind.FAILED;
    }

    static StoreException tooLarge(String key, int size, int limit) {
        return new StoreException(StoreException.Kind.TOO_LARGE,
                "value of " + size + " bytes for '" + key + "' is larger than an item can hold (" + limit + " bytes)");
    }

    private String serverNameOf(String key) {
        return name(servers.get(placement.serverOf(key)));
    }

    static String name(InetSocketAddress server) {
        String host = server.getAddress() == null ? server.getHostString() : server.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
    }

    private void awaitConnections() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (client.getAvailableServers().size() < servers.size() && System.nanoTime() < deadline) {
            ServerAdmin.pause(1); // a local server connects within one: every command's start waits for it
        }
        Collection<SocketAddress> down = client.getUnavailableServers();
        if (!down.isEmpty()) {
            log.warn("memcached {} not connected within {} ms; operations on its keys fail until it is",
                    down, timeout.toMillis());
        }
        learnMaxValueSize();
    }

    private void learnMaxValueSize() {
        if (maxValueSize == 0) {
            try {
                log.debug("largest value: {} bytes", maxValueSize());
            } catch (StoreException e) {
                log.debug("largest value not known yet: {}", e.getMessage());
            }
        }
    }

    /** Says when a server goes and comes back, once each time, instead of spymemcached's chatter. */
    private final class Observer implements ConnectionObserver {
        private final Set<SocketAddress> lost = ConcurrentHashMap.newKeySet();

        @Override
        public void connectionEstablished(SocketAddress server, int attempts) {
            if (lost.remove(server)) {
                log.info("memcached {} is back", server);
                int index = servers.indexOf(server);
                if (index >= 0) {
                    reconnectListeners.forEach(l -> l.accept(index));
                }
            } else {
                log.debug("memcached {} connected", server);
            }
            if (maxValueSize == 0) { // it was down when the store started; ask off the I/O thread
                Thread t = new Thread(MemcachedStore.this::learnMaxValueSize, "memfis-store-learn");
                t.setDaemon(true);
                t.start();
            }
        }

        @Override
        public void connectionLost(SocketAddress server) {
            if (closed) {
                return;
            }
            lost.add(server);
            log.warn("memcached {} lost; operations on its keys fail until it is back", server);
        }
    }

    /** spymemcached's settings for memfis: binary protocol, nginx's key distribution, fail fast. */
    private static final class Factory extends BinaryConnectionFactory {
        private static final int SOCKET_BUFFER_BYTES = 256 * 1024;
        private final Duration timeout;
        private final ExecutorService callbacks;
        private final Placement placement;

        Factory(Duration timeout, ExecutorService callbacks, Placement placement) {
            this.timeout = timeout;
            this.callbacks = callbacks;
            this.placement = placement;
        }

        @Override
        public NodeLocator createLocator(List<MemcachedNode> nodes) {
            return new NginxHashLocator(nodes, placement);
        }

        /** A server that is down fails its operations at once, rather than queueing them or moving its keys. */
        @Override
        public FailureMode getFailureMode() {
            return FailureMode.Cancel;
        }

        @Override
        public long getOperationTimeout() {
            return timeout.toMillis();
        }

        /** How long a caller may block when a server's queue is full; then the operation fails. */
        @Override
        public long getOpQueueMaxBlockTime() {
            return timeout.toMillis();
        }

        /**
         * spymemcached moves values through its socket buffers a buffer at a time, with a
         * trip through its selector loop for each: its default of 16 KiB makes one part of
         * a large file (1 MiB) sixty-four trips each way.
         */
        @Override
        public int getReadBufSize() {
            return SOCKET_BUFFER_BYTES;
        }

        @Override
        public long getMaxReconnectDelay() {
            return MAX_RECONNECT_DELAY_SECONDS;
        }

        @Override
        public boolean isDaemon() {
            return true;
        }

        /** Listeners run where the answer is read: they only complete a future. */
        @Override
        public ExecutorService getListenerExecutorService() {
            return callbacks;
        }

        @Override
        public boolean isDefaultExecutorService() {
            return false;
        }
    }
}
