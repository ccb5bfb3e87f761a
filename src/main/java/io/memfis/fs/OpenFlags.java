package io.memfis.fs;

/**
 * Linux's open flags, as {@link MemFs#open} and {@link MemFs#create} take them: the one place
 * they are defined. The kernel resolves O_CREAT itself; O_TRUNC reaches open with
 * {@code atomic_o_trunc}.
 */
public final class OpenFlags {

    public static final int O_ACCMODE = 03;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;

    private OpenFlags() {
    }
}
