package io.memfis.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memfis.fs.CacheCounters;
import io.memfis.fuse.OpCounters;
import io.memfis.fuse.OpCounters.Op;

import java.nio.file.Path;

/**
 * A mount's counters since it started, as one JSON object (what its socket answers). The
 * worst latency of each operation is that of the last whole second: {@link #roll} starts a
 * new second.
 */
public final class MountStats {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Path mountPoint;
    private final String source;
    private final OpCounters ops;
    private final CountingStore store;
    private final CacheCounters cache;
    private final long startNanos = System.nanoTime();
    private final long[] worstLastSecond = new long[Op.values().length];

    public MountStats(Path mountPoint, String source, OpCounters ops, CountingStore store, CacheCounters cache) {
        this.mountPoint = mountPoint;
        this.source = source;
        this.ops = ops;
        this.store = store;
        this.cache = cache;
    }

    Path mountPoint() {
        return mountPoint;
    }

    /** Ends a second: its worst latencies become the ones reported. */
    synchronized void roll() {
        for (Op op : Op.values()) {
            worstLastSecond[op.ordinal()] = ops.takeWorst(op);
        }
    }

    synchronized ObjectNode snapshot() {
        ObjectNode s = JSON.createObjectNode();
        s.put("mount", mountPoint.toString());
        s.put("source", source);
        s.put("uptime_ns", System.nanoTime() - startNanos);
        ObjectNode o = s.putObject("ops");
        for (Op op : Op.values()) {
            ObjectNode one = o.putObject(op.label());
            one.put("count", ops.count(op));
            one.put("errors", ops.errors(op));
            one.put("ns", ops.nanos(op));
            one.put("worst_ns", worstLastSecond[op.ordinal()]);
        }
        ObjectNode m = s.putObject("memcached");
        m.put("requests", store.requests());
        m.put("errors", store.errors());
        m.put("timeouts", store.timeouts());
        s.put("bytes_read", ops.bytesRead());
        s.put("bytes_written", ops.bytesWritten());
        s.put("open_files", ops.openFiles());
        ObjectNode c = s.putObject("cache");
        pair(c.putObject("names"), "hits", cache.nameHits(), "misses", cache.nameMisses());
        pair(c.putObject("links"), "hits", cache.nodeHits(), "misses", cache.nodeMisses());
        pair(c.putObject("pages"), "kept", ops.pagesKept(), "dropped", ops.pagesBypassed());
        return s;
    }

    private static void pair(ObjectNode n, String a, long x, String b, long y) {
        n.put(a, x);
        n.put(b, y);
    }
}
