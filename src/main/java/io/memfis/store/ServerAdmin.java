package io.memfis.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static io.memfis.store.MemcachedStore.name;

/**
 * What memfis asks memcached servers themselves, each on a connection of its own over the
 * text protocol, rather than through a client or a proxy: their stats and settings, and
 * the keys they hold ({@code lru_crawler metadump}). A proxy such as twemproxy passes
 * neither, and closes the connection instead.
 */
final class ServerAdmin {

    /** Passes of the crawler that {@link #keys} may make per server. */
    static final int KEY_PASSES = 3;

    /** Said when a server hangs up on what only memcached itself answers, as a proxy does. */
    private static final String PROXY_HINT = " (a proxy such as nutcracker passes neither stats nor lru_crawler: "
            + "give it with --proxy, and the servers behind it with -s)";

    private static final Logger log = LoggerFactory.getLogger(ServerAdmin.class);

    private final List<InetSocketAddress> servers;
    private final Duration timeout;

    ServerAdmin(List<InetSocketAddress> servers, Duration timeout) {
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
    }

    /** Each server's stats, in order. */
    List<ServerStats> stats() {
        List<ServerStats> all = new ArrayList<>(servers.size());
        for (InetSocketAddress server : servers) {
            all.add(stats(server));
        }
        return all;
    }

    /** The smallest {@code item_size_max} of the servers. */
    int smallestItem() {
        return stats().stream().mapToInt(ServerStats::itemSizeMax).min().orElseThrow();
    }

    /** Lists the keys with {@code lru_crawler metadump all}, a server at a time. */
    List<String> keys(String prefix) {
        Set<String> keys = new LinkedHashSet<>();
        forEachKey(prefix, keys::add);
        return List.copyOf(keys);
    }

    /** Streams the listing of {@link #keys}: a key seen by several passes is handed over again. */
    void forEachKey(String prefix, Consumer<String> each) {
        for (InetSocketAddress server : servers) {
            keys(server, prefix, each);
        }
    }

    ServerStats stats(InetSocketAddress server) {
        List<Map<String, String>> answers = List.of(new HashMap<>(), new HashMap<>());
        int[] ends = {0};
        ask(server, "stats\r\nstats settings\r\n", line -> {
            if (line.equals("END")) {
                return ++ends[0] < answers.size();
            }
            if (TextConsole.isError(line)) {
                throw new StoreException(StoreException.Kind.FAILED,
                        "memcached " + name(server) + " refused its stats: " + line);
            }
            String[] parts = line.split(" ", 3);
            if (parts.length == 3 && parts[0].equals("STAT")) {
                answers.get(ends[0]).put(parts[1], parts[2]);
            }
            return true;
        });
        Map<String, String> stats = answers.get(0);
        Map<String, String> settings = answers.get(1);
        return new ServerStats(name(server), number(server, stats, "limit_maxbytes"), number(server, stats, "bytes"),
                number(server, stats, "curr_items"), (int) number(server, settings, "item_size_max"),
                !"off".equals(settings.get("evictions")), number(server, stats, "evictions"),
                number(server, stats, "uptime"));
    }

    private static long number(InetSocketAddress server, Map<String, String> stats, String name) {
        try {
            return Long.parseLong(stats.get(name));
        } catch (NumberFormatException e) {
            throw new StoreException(StoreException.Kind.FAILED,
                    "memcached " + name(server) + " reports no number for '" + name + "': " + stats.get(name));
        }
    }

    /**
     * memcached's crawler skips items in use, and an item read while in the cold LRU stays
     * in use until the LRU maintainer has moved it (up to a second): right after a burst of
     * reads a pass may miss most of them. So a pass that saw fewer items than the server
     * holds is repeated, a second later, up to {@value #KEY_PASSES} passes, and the keys of
     * all passes are listed. Under constant load a key may still be missed.
     */
    private void keys(InetSocketAddress server, String prefix, Consumer<String> each) {
        for (int pass = 1; ; pass++) {
            long items = stats(server).items();
            long seen = metadump(server, key -> {
                if (key.startsWith(prefix)) {
                    each.accept(key);
                }
            });
            if (seen >= items || pass == KEY_PASSES) {
                return;
            }
            log.debug("memcached {} listed {} of its {} items; asking again", name(server), seen, items);
            pause(1000);
        }
    }

    /** One {@code lru_crawler metadump all}: hands over each key and counts them. */
    private long metadump(InetSocketAddress server, Consumer<String> keys) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long[] seen = {0};
            String[] refusal = {null};
            ask(server, "lru_crawler metadump all\r\n", line -> {
                if (line.startsWith("key=")) {
                    int end = line.indexOf(' ');
                    keys.accept(decodeKey(line.substring(4, end < 0 ? line.length() : end)));
                    seen[0]++;
                    return true;
                }
                if (line.equals("END")) {
                    return false;
                }
                if (TextConsole.isError(line) || line.startsWith("BUSY")) {
                    refusal[0] = line;
                    return false;
                }
                return true;
            });
            if (refusal[0] == null) {
                return seen[0];
            }
            if (!refusal[0].startsWith("BUSY")) {
                throw new UnsupportedOperationException(
                        "memcached " + name(server) + " does not list its keys: " + refusal[0]);
            }
            // one crawl at a time per server: ours or memcached's own
            if (System.nanoTime() > deadline) {
                throw new StoreException(StoreException.Kind.UNAVAILABLE,
                        "memcached " + name(server) + " stayed busy listing keys: " + refusal[0]);
            }
            pause(50);
        }
    }

    /** metadump writes keys URL-encoded: %XX for each byte outside [A-Za-z0-9._~-]. */
    static String decodeKey(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                out.write(Integer.parseInt(encoded, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@link TextConsole#ask}, saying what a hang-up on these requests likely means. */
    private void ask(InetSocketAddress server, String command, TextConsole.Reader reader) {
        try {
            TextConsole.ask(server, command, timeout, reader);
        } catch (StoreException e) {
            if (e.getCause() instanceof EOFException) {
                throw new StoreException(e.kind(), e.getMessage() + PROXY_HINT, e);
            }
            throw e;
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "interrupted", e);
        }
    }
}
