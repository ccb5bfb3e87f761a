package io.memfis.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * One sample of {@code memfis stats}: what changed between two snapshots of a mount's
 * counters, per second, next to the totals.
 */
public final class Sample {

    private final ObjectNode json;

    private Sample(ObjectNode json) {
        this.json = json;
    }

    /** The sample between snapshots {@code before} and {@code after}, taken at {@code now}. */
    public static Sample between(JsonNode before, JsonNode after, Instant now) {
        double seconds = Math.max(1e-9, (after.path("uptime_ns").asLong() - before.path("uptime_ns").asLong()) / 1e9);
        ObjectNode s = MountStats.JSON.createObjectNode();
        s.put("time", now.toString());
        s.put("mount", after.path("mount").asText());
        s.put("source", after.path("source").asText());
        s.put("interval_s", round(seconds));
        ObjectNode ops = s.putObject("ops");
        for (Iterator<Map.Entry<String, JsonNode>> it = after.path("ops").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode a = e.getValue();
            JsonNode b = before.path("ops").path(e.getKey());
            long count = a.path("count").asLong() - b.path("count").asLong();
            if (a.path("count").asLong() == 0) {
                continue;
            }
            ObjectNode one = ops.putObject(e.getKey());
            one.put("per_s", round(count / seconds));
            one.put("mean_us", count == 0 ? 0 : round((a.path("ns").asLong() - b.path("ns").asLong()) / 1e3 / count));
            one.put("worst_us", round(a.path("worst_ns").asLong() / 1e3));
            one.put("errors", a.path("errors").asLong() - b.path("errors").asLong());
            one.put("total", a.path("count").asLong());
        }
        JsonNode ma = after.path("memcached");
        JsonNode mb = before.path("memcached");
        ObjectNode m = s.putObject("memcached");
        m.put("requests_per_s", round((ma.path("requests").asLong() - mb.path("requests").asLong()) / seconds));
        m.put("requests", ma.path("requests").asLong());
        m.put("errors", ma.path("errors").asLong());
        m.put("timeouts", ma.path("timeouts").asLong());
        for (String field : new String[] {"bytes_read", "bytes_written"}) {
            s.put(field + "_per_s", round((after.path(field).asLong() - before.path(field).asLong()) / seconds));
            s.put(field, after.path(field).asLong());
        }
        s.put("open_files", after.path("open_files").asLong());
        s.set("cache", after.path("cache").deepCopy());
        return new Sample(s);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    public ObjectNode json() {
        return json;
    }

    public String toJsonLine() {
        return json.toString();
    }
}
