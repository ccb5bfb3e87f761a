package io.memfis.fs;

/**
 * A filesystem operation refused with an errno. Expected refusals (ENOENT, EEXIST, ...) are
 * frequent, so they carry no stack trace; EIO keeps the cause that explains it.
 */
public class FsException extends RuntimeException {

    private final Errno errno;

    public FsException(Errno errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    public FsException(Errno errno, String message, Throwable cause) {
        super(message, cause, false, true);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    public static FsException of(Errno errno, String path) {
        return new FsException(errno, errno.name() + ": " + path);
    }
}
