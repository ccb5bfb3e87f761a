package io.memfis.store;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Builds stores, and parses the server lists that name them. */
public final class Stores {

    /** memcached's limit on the length of a key, in bytes. */
    static final int MAX_KEY_BYTES = 250;

    private static final int DEFAULT_PORT = 11211;

    /**
     * What a namespace written through a proxy records of where it lives: the proxy's
     * distribution, wherever the proxy runs (its servers are in its own configuration).
     */
    public static final String PROXY_PLACEMENT = "proxy";

    /** What comes before a weight: a host (IPv6 in brackets), ':' and a port. */
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[^]]*]|[^:\\[\\]]+):[0-9]+");

    private Stores() {
    }

    /**
     * A store over memcached servers, with keys spread over them as nginx's
     * {@code upstream { hash $memcached_key; }} spreads requests over the same servers in the
     * same order. Connects before returning, waiting at most {@code timeout}; a server that
     * does not answer yet is only logged: operations on its keys fail with
     * {@link StoreException.Kind#UNAVAILABLE} until it does.
     *
     * @param timeout the time bound of every operation and of {@link Store#await}
     */
    public static Store memcached(List<InetSocketAddress> servers, Duration timeout) {
        return memcached(ServerPool.of(servers, Hash.MODULO), timeout);
    }

    /** A store over the pool's servers, with keys where nginx's upstream of the same pool looks. */
    public static Store memcached(ServerPool pool, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return MemcachedStore.connect(pool, timeout);
    }

    /**
     * A store whose content keys ({@code isContent}) live on {@code content}, the pool nginx
     * reads, and every other key on {@code meta}, both with the same hash.
     */
    public static Store memcached(ServerPool meta, ServerPool content, Predicate<String> isContent, Duration timeout) {
        Store m = memcached(meta, timeout);
        try {
            return new SplitStore(m, memcached(content, timeout), isContent);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * A store through a memcached proxy that speaks only the text protocol and places keys
     * itself (twemproxy): writes answer {@link Store#UNKNOWN_TOKEN}. {@code behind} are the
     * servers the proxy distributes over, asked directly for their stats and keys; empty
     * when not known, and then the store has no stats and cannot list keys.
     */
    public static Store proxy(InetSocketAddress proxy, List<InetSocketAddress> behind, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return ProxyStore.connect(proxy, behind, timeout);
    }

    /**
     * A store in this process's memory with memcached's semantics, for tests: see
     * {@link InMemory} for the faults it can simulate.
     *
     * @param maxValueSize the largest value one item may hold
     */
    public static InMemory inMemory(int maxValueSize) {
        if (maxValueSize <= 0) {
            throw new IllegalArgumentException("maxValueSize must be positive: " + maxValueSize);
        }
        return new InMemoryStore(maxValueSize);
    }

    /** An in-memory store that can also play the failures a real memcached has. */
    public interface InMemory extends Store {

        /** Every following operation fails with {@link StoreException.Kind#UNAVAILABLE} until {@link #heal}. */
        void breakDown();

        /** Undoes {@link #breakDown}. */
        void heal();

        /** Drops the item as memcached does under memory pressure: true when it existed. */
        boolean evict(String key);

        /** Drops every item, as a memcached restart does. */
        void clear();
    }

    /**
     * Parses {@code HOST[:PORT][,HOST[:PORT]...]}; the port defaults to 11211 and an IPv6
     * address is written in brackets ({@code [::1]:11211}). Host names are resolved now, so
     * that the order and number of servers is fixed as it is in nginx's configuration.
     *
     * @throws IllegalArgumentException naming the part that is not a server
     */
    public static List<InetSocketAddress> parseServers(String spec) {
        return parsePool(spec, Hash.MODULO).addresses();
    }

    /**
     * Parses {@code HOST[:PORT[:WEIGHT]][,...]} as {@link #parseServers} does, with nginx's
     * {@code weight=} as an optional third field (1 to 100, default 1).
     *
     * @throws IllegalArgumentException naming the part that is not a server, or a server given twice
     */
    public static ServerPool parsePool(String spec, Hash hash) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no memcached server given");
        }
        List<ServerPool.Server> servers = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("invalid memcached servers '" + spec + "': an empty entry");
            }
            ServerPool.Server server = parseServer(part.strip());
            if (servers.stream().anyMatch(s -> s.address().equals(server.address()))) {
                throw bad(part.strip(), "given twice");
            }
            servers.add(server);
        }
        return new ServerPool(servers, hash);
    }

    private static ServerPool.Server parseServer(String part) {
        int last = part.lastIndexOf(':');
        if (last > 0 && HOST_PORT.matcher(part.substring(0, last)).matches()) { // HOST:PORT:WEIGHT
            return new ServerPool.Server(parseAddress(part.substring(0, last)), parseWeight(part, part.substring(last + 1)));
        }
        return new ServerPool.Server(parseAddress(part), 1);
    }

    private static int parseWeight(String part, String weight) {
        if (weight.isEmpty() || weight.length() > 3 || !weight.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(weight) < 1 || Integer.parseInt(weight) > ServerPool.Server.MAX_WEIGHT) {
            throw bad(part, "the weight is not in 1-" + ServerPool.Server.MAX_WEIGHT);
        }
        return Integer.parseInt(weight);
    }

    private static InetSocketAddress parseAddress(String part) {
        String host;
        String port = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw bad(part, "missing ']'");
            }
            host = part.substring(1, close);
            String rest = part.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(part, "expected ':PORT' after ']'");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = part.indexOf(':');
            if (colon != part.lastIndexOf(':')) {
                throw bad(part, "write an IPv6 address in brackets, as [::1]:11211");
            }
            host = colon < 0 ? part : part.substring(0, colon);
            port = colon < 0 ? null : part.substring(colon + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw bad(part, "no host");
        }
        InetSocketAddress address = new InetSocketAddress(host, port == null ? DEFAULT_PORT : parsePort(part, port));
        if (address.isUnresolved()) {
            throw bad(part, "unknown host");
        }
        return address;
    }

    private static int parsePort(String part, String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(part, "the port is not a number");
        }
        int n = Integer.parseInt(port);
        if (n < 1 || n > 65535) {
            throw bad(part, "the port is not in 1-65535");
        }
        return n;
    }

    private static IllegalArgumentException bad(String part, String why) {
        return new IllegalArgumentException("invalid memcached server '" + part + "': " + why);
    }

    /**
     * Rejects what no memcached key may be: empty, longer than 250 bytes, or holding a byte
     * up to 0x20 (the text protocol, nginx's and the crawler's, could not carry it; these
     * are exactly the bytes {@code Keys.escape} escapes).
     */
    static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty key");
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) <= ' ') {
                throw new IllegalArgumentException("key contains a space or control character: " + key);
            }
        }
        if (key.length() > MAX_KEY_BYTES / 3 && key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key longer than " + MAX_KEY_BYTES + " bytes: " + key);
        }
    }
}
