package io.memfis.store;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The memcached servers of a namespace, in order, with their weights, and the hash that
 * spreads keys over them: what nginx's upstream block must say for nginx to find every key.
 */
public record ServerPool(List<Server> servers, Hash hash) {

    public ServerPool {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no memcached server given");
        }
        servers = List.copyOf(servers);
    }

    /** Equal weights. */
    public static ServerPool of(List<InetSocketAddress> addresses, Hash hash) {
        return new ServerPool(addresses.stream().map(a -> new Server(a, 1)).toList(), hash);
    }

    public List<InetSocketAddress> addresses() {
        return servers.stream().map(Server::address).toList();
    }

    /** {@code HOST:PORT[:WEIGHT],...} as {@link Stores#parsePool} reads it back (weight 1 left out). */
    public String spec() {
        return servers.stream().map(Server::spec).collect(Collectors.joining(","));
    }

    /** One server: its weight is nginx's {@code weight=}, in units of 160 points with {@link Hash#CONSISTENT}. */
    public record Server(InetSocketAddress address, int weight) {

        /** nginx's limit on {@code weight=}. */
        public static final int MAX_WEIGHT = 100;

        public Server {
            if (weight < 1 || weight > MAX_WEIGHT) {
                throw new IllegalArgumentException("invalid weight " + weight + " of " + address
                        + ": give 1 to " + MAX_WEIGHT);
            }
        }

        /**
         * The server as the upstream block writes it ({@code 10.0.0.1:11211}, {@code [::1]:11211}):
         * nginx's consistent hash places the server's points by this very string.
         */
        public String name() {
            String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
            return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
        }

        String spec() {
            return weight == 1 ? name() : name() + ":" + weight;
        }
    }
}
