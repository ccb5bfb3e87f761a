package io.memfis.cli;

import java.io.PrintWriter;

/**
 * A line on the terminal that says how far a long command got, rewritten in place. Only on
 * a terminal, and only once the command has run a second: short runs print nothing.
 */
final class ProgressLine {

    private static final long DELAY_NANOS = 1_000_000_000L;
    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long last;
    private boolean shown;

    ProgressLine(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** True when both standard output and error go to a terminal. */
    static boolean onTerminal() {
        return System.console() != null;
    }

    void update(String text) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - start < DELAY_NANOS || now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        err.print("\r\033[K" + text);
        err.flush();
        shown = true;
    }

    /** Clears the line, before other output or at the end. */
    void clear() {
        if (shown) {
            err.print("\r\033[K");
            err.flush();
            shown = false;
        }
    }
}
