package io.memfis.layout;

/** A stored value that does not parse as the layout says it should. */
public class CorruptValueException extends RuntimeException {

    public CorruptValueException(String message, Throwable cause) {
        super(message, cause);
    }

    public CorruptValueException(String message) {
        super(message);
    }
}
