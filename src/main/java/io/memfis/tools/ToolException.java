package io.memfis.tools;

/** A tool could not do its work at all: no such namespace, a layout it does not know, a target that is not empty. */
public final class ToolException extends RuntimeException {

    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
