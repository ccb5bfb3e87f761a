package io.memfis.tools;

import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.size_t;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The metadata calls of the local filesystem that Java does not offer as they are: a
 * symlink's target byte for byte, lchown, chmod with the set-id and sticky bits,
 * nanosecond times on a symlink, extended attributes of any namespace, fifos and devices.
 * Paths go to the kernel as UTF-8, as memfis stores names.
 */
final class LocalFiles {

    /** Linux's AT_FDCWD and AT_SYMLINK_NOFOLLOW. */
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    /** The few libc functions needed, bound with jnr-ffi (which jnr-fuse brings). */
    public interface LibC {
        @SaveError
        int symlink(@In byte[] target, @In byte[] path);

        @SaveError
        int lchown(@In byte[] path, int uid, int gid);

        @SaveError
        int chmod(@In byte[] path, int mode);

        @SaveError
        int mknod(@In byte[] path, int mode, @dev_t long dev);

        @SaveError
        int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);

        @SaveError
        int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, @size_t long size, int flags);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());
    private static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);

    private LocalFiles() {
    }

    static void symlink(String target, Path path) throws IOException {
        check(LIBC.symlink(c(target), c(path.toString())), "symlink", path);
    }

    /** The owner of the file itself, never of what a symlink points to. */
    static void lchown(Path path, int uid, int gid) throws IOException {
        check(LIBC.lchown(c(path.toString()), uid, gid), "chown", path);
    }

    static void chmod(Path path, int mode) throws IOException {
        check(LIBC.chmod(c(path.toString()), mode), "chmod", path);
    }

    /** A fifo, socket or device node: {@code mode} with its S_IFMT bits. */
    static void mknod(Path path, int mode, long rdev) throws IOException {
        check(LIBC.mknod(c(path.toString()), mode, rdev), "mknod", path);
    }

    /** Access and modification times in nanoseconds since the epoch, of a symlink itself too. */
    static void setTimes(Path path, long atimeNanos, long mtimeNanos) throws IOException {
        long[] times = {Math.floorDiv(atimeNanos, 1_000_000_000L), Math.floorMod(atimeNanos, 1_000_000_000L),
                Math.floorDiv(mtimeNanos, 1_000_000_000L), Math.floorMod(mtimeNanos, 1_000_000_000L)};
        check(LIBC.utimensat(AT_FDCWD, c(path.toString()), times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    static void setXattr(Path path, String name, byte[] value) throws IOException {
        check(LIBC.lsetxattr(c(path.toString()), c(name), value, value.length, 0), "setxattr " + name, path);
    }

    /** Whether a failure of {@link #lchown} means only that this user may not give files away. */
    static boolean notPermitted(IOException e) {
        return e instanceof LocalFailure f && (f.errno == Errno.EPERM.intValue());
    }

    private static byte[] c(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static void check(int rc, String call, Path path) throws IOException {
        if (rc != 0) {
            int errno = RUNTIME.getLastError();
            Errno e = Errno.valueOf(errno);
            throw new LocalFailure(errno, call + " " + path + ": " + (e == null ? "errno " + errno : e.description()));
        }
    }

    /** A libc call failed, with its errno. */
    static final class LocalFailure extends IOException {
        final int errno;

        LocalFailure(int errno, String message) {
            super(message);
            this.errno = errno;
        }
    }
}
