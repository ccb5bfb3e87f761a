package io.memfis.tools;

import io.memfis.layout.Attributes;

import java.util.List;

/**
 * A file that is not a directory, as the walk found it: its attributes (from its record, or
 * from its node when it has several names) and every name that refers to it.
 */
final class FileInode {

    final long ino;
    final Attributes attributes;
    final boolean shared;
    final List<String> names;

    private FileInode(long ino, Attributes attributes, boolean shared, List<String> names) {
        this.ino = ino;
        this.attributes = attributes;
        this.shared = shared;
        this.names = List.copyOf(names);
    }

    static FileInode single(String path, Attributes attributes) {
        return new FileInode(attributes.ino(), attributes, false, List.of(path));
    }

    static FileInode linked(Attributes attributes, List<String> names) {
        return new FileInode(attributes.ino(), attributes, true, names);
    }

    String firstName() {
        return names.get(0);
    }
}
