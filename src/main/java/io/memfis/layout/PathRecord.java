package io.memfis.layout;

/**
 * What is stored under a path's record key. A file with one name keeps its attributes
 * here ({@code attributes} not null); a file with several names (hard links) keeps them in
 * its node, and each name's record only refers to it ({@code attributes} null).
 *
 * @param ino        the inode number, in both forms
 * @param attributes the attributes, or null when they live in node {@code ino}
 * @param page       the page of the parent directory's listing that holds this name
 */
public record PathRecord(long ino, Attributes attributes, int page) {

    public static PathRecord inline(Attributes attributes, int page) {
        return new PathRecord(attributes.ino(), attributes, page);
    }

    public static PathRecord inNode(long ino, int page) {
        return new PathRecord(ino, null, page);
    }

    /** True when the attributes live in the node of a file with several names. */
    public boolean isInNode() {
        return attributes == null;
    }

    public PathRecord withPage(int newPage) {
        return new PathRecord(ino, attributes, newPage);
    }
}
