package io.memfis.fs.meta;

import io.memfis.fs.NameBytes;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which records to read together with a lookup that finds none cached. A walk (find -ls,
 * ls -lR, du, rsync) looks up a directory's names one after the other in the order its
 * listing gave them; the listing fetched their records, but a directory of 100,000 names
 * takes longer to walk than the attribute timeout keeps them, and each lookup after that
 * waited for memcached alone (a round trip per name, most of the mount's CPU). So a lookup
 * that misses in a directory this mount listed reads the names that follow it too, in one
 * request: one name at first (a lone lookup costs what it did), then four times as many
 * at each miss that follows the last one closely, up to {@link #MAX_WINDOW}, as the
 * kernel's read-ahead grows. Each name is still read from memcached within the attribute
 * timeout of the lookup that answers it; the order is only a guess of what comes next, so
 * a listing that has changed since costs a wasted read, never a wrong answer.
 */
final class LookupAhead {

    /** Names read together at most. */
    static final int MAX_WINDOW = 256;
    /** A name's entry in an order's index, about. */
    private static final int INDEX_BYTES = 56;

    /** Listing orders, least recently listed first; guarded by this. */
    private final Map<String, Order> orders = new LinkedHashMap<>();
    /** The bytes of those orders; guarded by this. */
    private long kept;
    /**
     * The most bytes of names and indexes kept over all directories: by bytes, since a count
     * sized for short names let long ones fill a small heap. A twelfth of the heap, about 15
     * MB in the launcher's: a directory of 100,000 short names and some fifty of a thousand.
     */
    private final long maxBytes;

    LookupAhead() {
        this(NameBytes.heapShare(12));
    }

    LookupAhead(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** {@code dir} was just listed with {@code names}, in this order (the list is not changed after). */
    void listed(String dir, List<String> names) {
        synchronized (this) {
            Order before = orders.remove(dir);
            if (before != null) {
                kept -= before.bytes;
            }
            if (names.size() < 2) {
                return;
            }
            Order order = new Order(names);
            if (order.bytes > maxBytes) {
                return;
            }
            orders.put(dir, order);
            kept += order.bytes;
            for (Iterator<Order> oldest = orders.values().iterator(); kept > maxBytes; ) {
                kept -= oldest.next().bytes;
                oldest.remove();
            }
        }
    }

    /**
     * The names of {@code dir} to read for a lookup of {@code name} that found nothing
     * cached: {@code name} first, then those that follow it in the last listing.
     */
    List<String> with(String dir, String name) {
        Order order;
        synchronized (this) {
            order = orders.get(dir);
        }
        return order == null ? List.of(name) : order.from(name);
    }

    /** A directory's names in listing order, and where the last miss in it was. */
    private static final class Order {
        private final List<String> names;
        /** What the names and their index take. */
        private final long bytes;
        /** Each name's place, built at the first miss: a listing walked within the timeout needs none. */
        private Map<String, Integer> index;
        private int last = -1;
        private int window = 1;

        Order(List<String> names) {
            this.names = names;
            this.bytes = NameBytes.of(names) + (long) INDEX_BYTES * names.size();
        }

        synchronized List<String> from(String name) {
            if (index == null) {
                index = new HashMap<>(names.size() * 2);
                for (int i = 0; i < names.size(); i++) {
                    index.putIfAbsent(names.get(i), i);
                }
            }
            Integer at = index.get(name);
            if (at == null) {
                return List.of(name);
            }
            // a miss just past what the last one read: the walk goes on, read further ahead
            boolean following = last >= 0 && at > last && at - last <= 2 * window;
            window = following ? Math.min(MAX_WINDOW, window * 4) : 1;
            last = at;
            return names.subList(at, Math.min(names.size(), at + window));
        }
    }
}
