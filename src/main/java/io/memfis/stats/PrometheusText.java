package io.memfis.stats;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** A mount's counters in Prometheus's text exposition format (version 0.0.4). */
final class PrometheusText {

    private PrometheusText() {
    }

    static String of(JsonNode s) {
        StringBuilder out = new StringBuilder();
        JsonNode ops = s.path("ops");
        perOp(out, ops, "memfis_fuse_operations_total", "counter", "FUSE operations answered", "count", 1);
        perOp(out, ops, "memfis_fuse_errors_total", "counter", "FUSE operations that returned an error", "errors", 1);
        perOp(out, ops, "memfis_fuse_operation_seconds_total", "counter", "time spent answering FUSE operations", "ns", 1e-9);
        perOp(out, ops, "memfis_fuse_operation_worst_seconds", "gauge", "the longest FUSE operation of the last second", "worst_ns", 1e-9);
        JsonNode m = s.path("memcached");
        single(out, "memfis_memcached_requests_total", "counter", "memcached requests sent", m.path("requests").asLong());
        single(out, "memfis_memcached_errors_total", "counter", "memcached requests answered with an error", m.path("errors").asLong());
        single(out, "memfis_memcached_timeouts_total", "counter", "memcached requests without an answer in time or connection",
                m.path("timeouts").asLong());
        single(out, "memfis_read_bytes_total", "counter", "bytes read from the mount", s.path("bytes_read").asLong());
        single(out, "memfis_written_bytes_total", "counter", "bytes written to the mount", s.path("bytes_written").asLong());
        single(out, "memfis_open_files", "gauge", "files open on the mount", s.path("open_files").asLong());
        header(out, "memfis_cache_lookups_total", "counter", "lookups answered from the mount's cache or not");
        JsonNode c = s.path("cache");
        for (String cache : new String[] {"names", "links"}) {
            out.append("memfis_cache_lookups_total{cache=\"").append(cache).append("\",result=\"hit\"} ")
                    .append(c.path(cache).path("hits").asLong()).append('\n');
            out.append("memfis_cache_lookups_total{cache=\"").append(cache).append("\",result=\"miss\"} ")
                    .append(c.path(cache).path("misses").asLong()).append('\n');
        }
        header(out, "memfis_opens_total", "counter", "opens of existing files, by whether the kernel kept its cached pages");
        out.append("memfis_opens_total{pages=\"kept\"} ").append(c.path("pages").path("kept").asLong()).append('\n');
        out.append("memfis_opens_total{pages=\"dropped\"} ").append(c.path("pages").path("dropped").asLong()).append('\n');
        return out.toString();
    }

    private static void perOp(StringBuilder out, JsonNode ops, String name, String type, String help, String field, double scale) {
        header(out, name, type, help);
        for (Iterator<Map.Entry<String, JsonNode>> it = ops.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            long v = e.getValue().path(field).asLong();
            out.append(name).append("{op=\"").append(e.getKey()).append("\"} ")
                    .append(scale == 1 ? Long.toString(v) : String.format(Locale.ROOT, "%.9f", v * scale)).append('\n');
        }
    }

    private static void single(StringBuilder out, String name, String type, String help, long value) {
        header(out, name, type, help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
