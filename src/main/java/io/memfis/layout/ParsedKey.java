package io.memfis.layout;

/**
 * A key of one namespace read back by {@link Keys#parse}: what it holds, and the path or
 * inode it belongs to. The inverse of the builders of {@link Keys}.
 *
 * @param kind     what the key holds
 * @param path     for a key of a path ({@link Kind#ofPath}, or an unknown suffix after a
 *                 path) whose key is not hashed: the path, unescaped; otherwise null
 * @param pathHash for a key of a path too long for its key: the 40 hex digits of its hash
 *                 (a path cannot be had back from them); otherwise null
 * @param ino      the inode of a node, a node's extended attributes or a part; otherwise -1
 * @param number   the page of a listing, or the part of a file; otherwise -1
 * @param unknown  for {@link Kind#UNKNOWN}: the suffix after a path that no kind has, or,
 *                 when no path was found, all of the key after the namespace; otherwise null
 */
public record ParsedKey(Kind kind, String path, String pathHash, long ino, long number, String unknown) {

    /** What a key holds, one constant per key of the layout ({@link Keys}). */
    public enum Kind {
        CONTENT, RECORD, DIR_PAGE, XATTRS, FORMAT, INODE_COUNTER, FREED_COUNTER, POOL, NODE, NODE_XATTRS,
        DATA_PART, UNKNOWN;

        /** Whether a key of this kind belongs to a path (content, record, listing page, extended attributes). */
        public boolean ofPath() {
            return this == CONTENT || this == RECORD || this == DIR_PAGE || this == XATTRS;
        }

        /** Whether a key of this kind holds content (a file's bytes or one part), as opposed to metadata. */
        public boolean content() {
            return this == CONTENT || this == DATA_PART;
        }
    }

    static ParsedKey ofPath(Kind kind, String path, String pathHash, long page) {
        return new ParsedKey(kind, path, pathHash, -1, page, null);
    }

    static ParsedKey ofInode(Kind kind, long ino, long part) {
        return new ParsedKey(kind, null, null, ino, part, null);
    }

    static ParsedKey of(Kind kind) {
        return new ParsedKey(kind, null, null, -1, -1, null);
    }

    static ParsedKey unknown(String path, String pathHash, String unknown) {
        return new ParsedKey(Kind.UNKNOWN, path, pathHash, -1, -1, unknown);
    }
}
