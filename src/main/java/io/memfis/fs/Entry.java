package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.NodeRecord;
import io.memfis.layout.PathRecord;

/**
 * A path as found in the store: its record and, for a file with several names, its node.
 *
 * @param node null unless the record refers to a node
 */
record Entry(String path, Versioned<PathRecord> record, Versioned<NodeRecord> node) {

    Attributes attributes() {
        return node != null ? node.value().attributes() : record.value().attributes();
    }

    long ino() {
        return record.value().ino();
    }

    boolean isShared() {
        return record.value().isShared();
    }

    int page() {
        return record.value().page();
    }
}
