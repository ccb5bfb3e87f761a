package io.memfis.fs;

import com.sun.security.auth.module.UnixSystem;

/**
 * A user and group, as numbers: who owns what a process creates without being told, such
 * as the root directory of a namespace it formats.
 */
public record Owner(int uid, int gid) {

    /** The user and group this process runs as, as a file it created on a local disk would show. */
    public static Owner ofThisProcess() {
        UnixSystem me = new UnixSystem();
        return new Owner((int) me.getUid(), (int) me.getGid());
    }

    @Override
    public String toString() {
        return uid + ":" + gid;
    }
}
