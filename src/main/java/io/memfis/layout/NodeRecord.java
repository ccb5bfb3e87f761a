package io.memfis.layout;

import java.util.List;

/** The node of a file with several names: its attributes and every path that names it. */
public record NodeRecord(Attributes attributes, List<String> paths) {

    public NodeRecord {
        paths = List.copyOf(paths);
    }
}
