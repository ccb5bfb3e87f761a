package io.memfis.load;

import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;

/**
 * What loading does with one entry, given what the namespace holds at its path: the
 * rsync-like decision shared by the load and by {@code --dry-run}. Content is sent again
 * only when size or mtime differ; access times alone never cause a change.
 */
enum Action {
    /** Nothing at the path: create it. */
    CREATE("create"),
    /** Nothing at the path, and it is a later name of a file loaded already: link it. */
    LINK("link"),
    /** Something of another kind (or another file) is there: remove it, then create or link. */
    REPLACE("replace"),
    /** The same regular file with another size or mtime: send its content again. */
    UPDATE("update"),
    /** The same entry with another owner, mode or (not for files) mtime. */
    ATTRIBUTES("attributes"),
    /** The same entry: nothing to send (bar extended attributes, compared separately). */
    UNCHANGED("unchanged");

    final String word;

    Action(String word) {
        this.word = word;
    }

    /**
     * @param have    what the namespace holds at the path, or null
     * @param linkIno for a later name of a hard-linked file, the inode its earlier name has
     *                in the namespace; -1 when it is copied on its own
     */
    static Action of(Source c, Attributes have, long linkIno) {
        boolean linking = linkIno >= 0;
        if (have == null) {
            return linking ? LINK : CREATE;
        }
        if (have.type() != c.type) {
            return REPLACE;
        }
        return switch (c.type) {
            case DIRECTORY -> ownerOrMode(c, have) || have.mtime() != c.mtime ? ATTRIBUTES : UNCHANGED;
            case FILE -> {
                if (linking) {
                    yield have.ino() == linkIno ? UNCHANGED : REPLACE;
                }
                if (have.size() != c.size || have.mtime() != c.mtime) {
                    yield UPDATE;
                }
                yield ownerOrMode(c, have) ? ATTRIBUTES : UNCHANGED;
            }
            case SYMLINK -> !c.target.equals(have.target()) ? REPLACE
                    : have.uid() != c.uid || have.gid() != c.gid || have.mtime() != c.mtime ? ATTRIBUTES : UNCHANGED;
            default -> have.rdev() != c.rdev ? REPLACE
                    : ownerOrMode(c, have) || have.mtime() != c.mtime ? ATTRIBUTES : UNCHANGED;
        };
    }

    private static boolean ownerOrMode(Source c, Attributes have) {
        return have.uid() != c.uid || have.gid() != c.gid || have.mode() != c.mode;
    }

    /** Whether the entry's extended attributes need comparing: only files and directories have user ones. */
    static boolean mayHaveXattrs(FileType type) {
        return type == FileType.FILE || type == FileType.DIRECTORY;
    }
}
