package io.memfis.mount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memfis.layout.Keys;
import io.memfis.store.Store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every key of a namespace with its value, the namespace prefix stripped, for comparing two
 * namespaces that should hold the same tree. Inode numbers are the one thing two copies may
 * number differently: {@link #renumbered} rewrites one namespace's numbers into another's,
 * matched through the records of the same paths.
 */
final class NamespaceDump {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INO_KEY = Pattern.compile("^%(node|data)\\.(\\d+)(.*)$");

    /** Suffix after the prefix (as "/a%attr", "%node.12") to value. */
    final Map<String, byte[]> values;

    private NamespaceDump(Map<String, byte[]> values) {
        this.values = values;
    }

    static NamespaceDump of(Store store, String namespace) {
        Keys keys = Keys.of(namespace);
        List<String> all = new ArrayList<>();
        for (String k : store.keys(keys.prefix())) {
            if (keys.owns(k)) {
                all.add(k);
            }
        }
        Map<String, byte[]> values = new TreeMap<>();
        for (int i = 0; i < all.size(); i += 500) {
            Map<String, Store.Item> items = store.await(store.getAll(all.subList(i, Math.min(all.size(), i + 500))));
            items.forEach((k, item) -> values.put(k.substring(keys.prefix().length()), item.value()));
        }
        return new NamespaceDump(values);
    }

    /** The inode number of each path record that has one, by key. */
    Map<String, Long> inodesByRecordKey() {
        Map<String, Long> out = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.endsWith("%attr")) {
                out.put(k, json(v).get("ino").asLong());
            }
        });
        return out;
    }

    /** This dump with its inode numbers replaced as {@code map} says, in keys and in values. */
    NamespaceDump renumbered(Map<Long, Long> map) {
        Map<String, byte[]> out = new TreeMap<>();
        values.forEach((k, v) -> {
            Matcher m = INO_KEY.matcher(k);
            String key = k;
            if (m.matches()) {
                key = "%" + m.group(1) + "." + mapped(map, Long.parseLong(m.group(2))) + m.group(3);
            }
            JsonNode value = k.endsWith("%attr") || k.startsWith("%node.") || k.endsWith("%xattr") ? json(v) : null;
            if (value != null && value.path("ino").isIntegralNumber()) {
                // records, nodes, and extended attributes (which name their file)
                ((ObjectNode) value).put("ino", mapped(map, value.get("ino").asLong()));
                v = bytes(value);
            }
            out.put(key, v);
        });
        return new NamespaceDump(out);
    }

    private static long mapped(Map<Long, Long> map, long ino) {
        Long to = map.get(ino);
        if (to == null) {
            throw new AssertionError("inode " + ino + " is used by no path record");
        }
        return to;
    }

    static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a value is a record or node, whose times are compared field by field. */
    static boolean hasTimes(String key, byte[] value) {
        if (!(key.endsWith("%attr") || (key.startsWith("%node.") && !key.endsWith("%xattr")))) {
            return false;
        }
        JsonNode n = json(value);
        return n.has("ctime");
    }
}
