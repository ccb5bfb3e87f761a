package io.memfis.fs.meta;

import java.util.ArrayList;
import java.util.List;

/**
 * What a rename has copied so far: the old keys, deleted once the new name is in place, and
 * what it wrote (keys, names changed in the nodes of hard-linked files below a directory),
 * taken back when it fails before the old name is gone.
 */
public final class RenameCopy {

    /** A node whose list of names had {@code from} replaced by {@code to}. */
    record RenamedNode(long ino, String from, String to) {
    }

    private final List<String> oldKeys = new ArrayList<>();
    private final List<String> written = new ArrayList<>();
    private final List<RenamedNode> nodes = new ArrayList<>();

    void copiedFrom(String oldKey) {
        oldKeys.add(oldKey);
    }

    void wrote(String newKey) {
        written.add(newKey);
    }

    void renamedInNode(long ino, String from, String to) {
        nodes.add(new RenamedNode(ino, from, to));
    }

    List<String> oldKeys() {
        return oldKeys;
    }

    List<String> written() {
        return written;
    }

    List<RenamedNode> nodes() {
        return nodes;
    }
}
