package io.memfis.fs;

/**
 * A filesystem operation refused with an errno. Expected refusals (ENOENT, EEXIST, ...) are
 * frequent, so they carry no stack trace; EIO keeps the cause that explains it.
 */
public class FsException extends RuntimeException {

    private final Errno errno;
    /** memcached did not answer (no answer in time, connection lost): the same call later may succeed. */
    private final boolean unanswered;

    public FsException(Errno errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
        this.unanswered = false;
    }

    public FsException(Errno errno, String message, Throwable cause) {
        this(errno, message, cause, false);
    }

    private FsException(Errno errno, String message, Throwable cause, boolean unanswered) {
        super(message, cause, false, true);
        this.errno = errno;
        this.unanswered = unanswered;
    }

    /** EIO because memcached did not answer: unlike a refusal (full, too large), it may pass. */
    public static FsException unanswered(String message, Throwable cause) {
        return new FsException(Errno.EIO, message, cause, true);
    }

    /** Whether {@code t}, or one of its causes, is an {@link #unanswered} failure. */
    public static boolean isUnanswered(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof FsException f && f.unanswered) {
                return true;
            }
        }
        return false;
    }

    public Errno errno() {
        return errno;
    }

    public static FsException of(Errno errno, String path) {
        return new FsException(errno, errno.name() + ": " + path);
    }
}
