package io.memfis.cli;

import io.memfis.load.Loader;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress display for a terminal, redrawn a few times a second: entries and
 * bytes done of the total, the rate and the time left. Cleared when done.
 */
final class ProgressBar implements AutoCloseable {

    private static final long REDRAW_MILLIS = 250;
    private static final int BAR_WIDTH = 20;

    private final Loader.Progress progress;
    private final PrintWriter err;
    private final Thread thread;
    private volatile boolean running = true;

    private ProgressBar(Loader.Progress progress, PrintWriter err) {
        this.progress = progress;
        this.err = err;
        this.thread = new Thread(this::loop, "memfis-progress");
        thread.setDaemon(true);
    }

    /** A bar when stdin and stdout are a terminal, else nothing (a summary line is printed anyway). */
    static ProgressBar startIfTerminal(Loader.Progress progress, PrintWriter err) {
        ProgressBar bar = new ProgressBar(progress, err);
        if (System.console() != null) {
            bar.thread.start();
        }
        return bar;
    }

    private void loop() {
        while (running) {
            err.print("\r" + line(progress) + "\u001b[K");
            err.flush();
            try {
                Thread.sleep(REDRAW_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        err.print("\r\u001b[K");
        err.flush();
    }

    static String line(Loader.Progress p) {
        int total = p.totalEntries();
        double seconds = p.elapsedNanos() / 1e9;
        if (total < 0) {
            return String.format(Locale.ROOT, "scanning ... %.0f s", seconds);
        }
        double entries = total == 0 ? 1 : (double) p.entriesDone() / total;
        double bytes = p.totalBytes() == 0 ? entries : (double) p.bytesDone() / p.totalBytes();
        double done = (entries + bytes) / 2;
        int filled = (int) Math.round(done * BAR_WIDTH);
        String left = done <= 0 ? "--:--" : clock(seconds * (1 - done) / done);
        return String.format(Locale.ROOT, "[%s%s] %d/%d entries  %s/%s  %s/s  %s left",
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), p.entriesDone(), total,
                bytes(p.bytesDone()), bytes(p.totalBytes()), bytes((long) (p.bytesSent() / Math.max(seconds, 0.001))), left);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
