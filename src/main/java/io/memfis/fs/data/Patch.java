package io.memfis.fs.data;

import io.memfis.layout.Attributes;
import io.memfis.layout.PartRanges;

import java.util.Objects;

/**
 * Changes to some of a file's attributes, applied to whatever the stored attributes are at
 * the moment of writing, so that a change never reverts a field that someone else changed
 * meanwhile (a link count, another mount's chmod). A null field is left alone.
 */
public record Patch(Long size, Integer mode, Integer uid, Integer gid, Long atime, Long mtime, Long ctime,
             PartRanges parts) {

    static final Patch NONE = new Patch(null, null, null, null, null, null, null, null);
    /** The content is stored whole: no parts, no holes. */
    static final Patch WHOLE = parts(PartRanges.ALL);

    static Patch content(long size, long now) {
        return new Patch(size, null, null, null, null, now, now, null);
    }

    /** The parts a save stored: which of them hold content, which are holes. */
    static Patch parts(PartRanges written) {
        return new Patch(null, null, null, null, null, null, null, written);
    }

    public static Patch mode(int mode, long now) {
        return new Patch(null, mode, null, null, null, null, now, null);
    }

    public static Patch owner(Integer uid, Integer gid, long now) {
        return new Patch(null, null, uid, gid, null, null, now, null);
    }

    public static Patch times(Long atime, Long mtime, long now) {
        return new Patch(null, null, null, null, atime, mtime, now, null);
    }

    boolean isEmpty() {
        return equals(NONE);
    }

    /** This patch followed by {@code later}: the later value wins field by field. */
    Patch then(Patch later) {
        return new Patch(pick(later.size, size), pick(later.mode, mode), pick(later.uid, uid), pick(later.gid, gid),
                pick(later.atime, atime), pick(later.mtime, mtime), pick(later.ctime, ctime), pick(later.parts, parts));
    }

    public Attributes applyTo(Attributes a) {
        if (isEmpty()) {
            return a;
        }
        return new Attributes(a.ino(), a.type(), mode != null ? mode : a.mode(), uid != null ? uid : a.uid(),
                gid != null ? gid : a.gid(), size != null ? size : a.size(), a.nlink(),
                atime != null ? atime : a.atime(), mtime != null ? mtime : a.mtime(),
                ctime != null ? ctime : a.ctime(), a.target(), a.rdev(), a.pages(), a.xattrs(),
                parts != null ? parts : a.parts());
    }

    // equals and hashCode written out: a record's own bootstrap them at their first call,
    // which spun two dozen method handle classes at the first file a process writes
    @Override
    public boolean equals(Object o) {
        return o instanceof Patch p && Objects.equals(size, p.size) && Objects.equals(mode, p.mode)
                && Objects.equals(uid, p.uid) && Objects.equals(gid, p.gid) && Objects.equals(atime, p.atime)
                && Objects.equals(mtime, p.mtime) && Objects.equals(ctime, p.ctime) && Objects.equals(parts, p.parts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, mode, uid, gid, atime, mtime, ctime, parts);
    }

    private static <T> T pick(T later, T earlier) {
        return later != null ? later : earlier;
    }
}
