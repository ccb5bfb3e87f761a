package io.memfis.fs.meta;

import io.memfis.fs.kv.Versioned;
import io.memfis.layout.Attributes;
import io.memfis.layout.NodeRecord;
import io.memfis.layout.PathRecord;

/**
 * A path as found in the store: its record and, for a file with several names, its node.
 *
 * @param node null unless the record refers to a node
 */
public record Entry(String path, Versioned<PathRecord> record, Versioned<NodeRecord> node) {

    public Attributes attributes() {
        return node != null ? node.value().attributes() : record.value().attributes();
    }

    public long ino() {
        return record.value().ino();
    }

    public boolean isInNode() {
        return record.value().isInNode();
    }

    int page() {
        return record.value().page();
    }
}
