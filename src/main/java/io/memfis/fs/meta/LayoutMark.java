package io.memfis.fs.meta;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.kv.Codec;
import io.memfis.fs.kv.Kv;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Keys;

/**
 * Marks a namespace of an older layout with the current one before this mount writes the
 * first item that only the current layout has (an extended attribute item naming its
 * inode). memfis versions of the older layout read such an item as corrupt: with the mark
 * they refuse the namespace at mount, in one line, instead of answering EIO file by file.
 * A namespace that never gets such an item stays as it was, mountable by them.
 */
final class LayoutMark {

    private final Kv kv;
    private final Keys keys;
    private volatile boolean current;

    /** {@code read}: the marker as this mount read it when it opened the namespace. */
    LayoutMark(Kv kv, Keys keys, FormatMarker read) {
        this.kv = kv;
        this.keys = keys;
        this.current = read.layout() >= FormatMarker.CURRENT_LAYOUT;
    }

    /** Called before writing an item of the current layout's form: the marker says that layout (once per mount). */
    void beforeCurrentForm() {
        if (current) {
            return;
        }
        kv.modify(keys.format(), Codec.FORMAT, null, marker -> {
            if (marker == null) {
                throw new FsException(Errno.EIO, "namespace " + keys.prefix() + " lost its format marker");
            }
            return marker.layout() >= FormatMarker.CURRENT_LAYOUT ? marker : marker.atCurrentLayout();
        });
        current = true;
    }
}
