package io.memfis.fs;

import io.memfis.layout.Attributes;

/**
 * The kernel checks permissions itself (default_permissions), except in one place: a
 * create that finds the name taken by another mount opens that file instead, and the
 * kernel, believing it created it, checks nothing. This is that check, for that case.
 */
final class Permissions {

    private Permissions() {
    }

    /**
     * Fails with EACCES unless uid/gid may open the file with these flags. Supplementary
     * groups are not known here, so a caller who could only use them is refused (retrying
     * the open then goes through the kernel's full check).
     */
    static void checkOpen(Attributes a, int uid, int gid, int flags, String path) {
        if (uid == 0) {
            return;
        }
        int accmode = flags & OpenFlags.O_ACCMODE;
        int wanted = (accmode == OpenFlags.O_WRONLY ? 0 : 4) | (accmode == OpenFlags.O_RDONLY ? 0 : 2)
                | ((flags & OpenFlags.O_TRUNC) != 0 ? 2 : 0);
        int shift = uid == a.uid() ? 6 : gid == a.gid() ? 3 : 0;
        int granted = (a.mode() >> shift) & 7;
        if ((granted & wanted) != wanted) {
            throw FsException.of(Errno.EACCES, path);
        }
    }
}
