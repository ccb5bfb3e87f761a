package io.memfis.store;

/** The store could not do what was asked: unreachable, an error answer, or too slow. */
public class StoreException extends RuntimeException {

    /** What went wrong, so that callers can choose an errno. */
    public enum Kind {
        /** No answer within the time bound, or no connection. */
        UNAVAILABLE,
        /** The server is out of memory and does not evict (memcached {@code -M}). */
        OUT_OF_MEMORY,
        /** The value is larger than one item may be. */
        TOO_LARGE,
        /** Any other error answer. */
        FAILED
    }

    private final Kind kind;

    public StoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
