package io.memfis.tools;

import io.memfis.layout.Attributes;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.List;

/**
 * Which server holds each key of a path: its record, its node when it has several names,
 * its content or parts, its listing pages, its extended attributes. For an operator who
 * lost a server and wants to know what went with it; the record is read to know the rest.
 */
public final class Where {

    /** One key of a path and the server that holds it. */
    public record Located(String path, String what, String server, String key) {
        /** {@code PATH  WHAT  SERVER  KEY}, tab-separated. */
        public String line() {
            return path + "\t" + what + "\t" + server + "\t" + key;
        }
    }

    private Where() {
    }

    /**
     * The keys of {@code path} and their servers.
     *
     * @throws ToolException when the path has no record (no such path, or its server lost it)
     */
    public static List<Located> of(Store store, Keys keys, int partSize, String path) {
        Items items = new Items(store);
        List<Located> out = new ArrayList<>();
        String recordKey = keys.record(path);
        out.add(located(store, path, "record", recordKey));
        byte[] raw = items.get(recordKey);
        if (raw == null) {
            throw new ToolException(path + ": no record on memcached " + server(store, recordKey)
                    + " (no such path, or that server lost it)");
        }
        try {
            PathRecord record = Json.decodePathRecord(raw);
            Attributes a = record.attributes();
            String xattrs = keys.xattrs(path);
            if (record.isInNode()) {
                String node = keys.node(record.ino());
                out.add(located(store, path, "node", node));
                byte[] nodeRaw = items.get(node);
                if (nodeRaw == null) {
                    throw new ToolException(path + ": its node " + node + " is missing from memcached " + server(store, node));
                }
                a = Json.decodeNodeRecord(nodeRaw).attributes();
                xattrs = keys.nodeXattrs(record.ino());
            }
            if (a.isDirectory()) {
                for (int page = 0; page < Math.max(1, a.pages()); page++) {
                    out.add(located(store, path, "listing page " + page, keys.dirPage(path, page)));
                }
            } else if (a.isFile() && a.size() <= partSize) {
                out.add(located(store, path, "content", keys.content(path)));
            } else if (a.isFile()) {
                long parts = (a.size() + partSize - 1) / partSize;
                for (long part = 0; part < parts; part++) {
                    out.add(located(store, path, "part " + part, keys.dataPart(a.ino(), part)));
                }
            }
            if (a.xattrs()) {
                out.add(located(store, path, "xattrs", xattrs));
            }
        } catch (CorruptValueException e) {
            throw new ToolException(path + ": its record is not valid: " + e.getMessage());
        }
        return out;
    }

    private static Located located(Store store, String path, String what, String key) {
        return new Located(path, what, server(store, key), key);
    }

    private static String server(Store store, String key) {
        return store.serverName(store.serverOf(key));
    }
}
