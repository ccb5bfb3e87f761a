package io.memfis.layout;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A file's extended attributes, all in one item, with the inode number of the file they
 * belong to: an item that an earlier file left under the same key (a crash, or an unlink
 * racing the set of its first attribute) is then told apart from the file's own, which
 * another mount may have written before this mount's copy of the record says so.
 *
 * @param ino    the file's inode number; {@link #UNKNOWN_INO} in items written before it was kept
 * @param values the attributes by name, in the order they were set
 */
public record ExtendedAttributes(long ino, Map<String, byte[]> values) {

    /** What an item written before the inode number was kept says: nobody's in particular. */
    public static final long UNKNOWN_INO = 0;

    public ExtendedAttributes {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Whether this item holds the attributes of the file numbered {@code ino}; an item of
     * unknown owner is believed when the file's record says it has some ({@code recordSaysSome}).
     */
    public boolean belongsTo(long fileIno, boolean recordSaysSome) {
        return ino == UNKNOWN_INO ? recordSaysSome : ino == fileIno;
    }
}
