package io.memfis.cli;

import io.memfis.load.Loader;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The progress of a load on a terminal, as a {@link ProgressLine} redrawn by a thread of its
 * own: a bar, entries and bytes done of the total, the rate and the time left.
 */
final class ProgressBar implements AutoCloseable {

    /**
     * The locale of the numbers commands print: Locale.US writes them as Locale.ROOT does
     * (ASCII digits, a point), and it is the one locale for which Formatter loads no locale
     * data (about 80 classes: a few hundredths of a second of a short command's start).
     */
    static final Locale NUMBERS = Locale.US;

    private static final long REDRAW_MILLIS = 250;
    private static final int BAR_WIDTH = 20;

    private final Loader.Progress progress;
    private final ProgressLine line;
    private final Thread thread;
    private volatile boolean running = true;

    private ProgressBar(Loader.Progress progress, PrintWriter err) {
        this.progress = progress;
        this.line = new ProgressLine(err, true);
        this.thread = new Thread(this::loop, "memfis-progress");
        thread.setDaemon(true);
    }

    /** A bar when standard output and error are a terminal, else nothing (a summary is printed anyway). */
    static ProgressBar startIfTerminal(Loader.Progress progress, PrintWriter err) {
        ProgressBar bar = new ProgressBar(progress, err);
        if (ProgressLine.onTerminal()) {
            bar.thread.start();
        }
        return bar;
    }

    private void loop() {
        while (running) {
            line.update(text(progress.snapshot()));
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
        line.clear();
    }

    static String text(Loader.Snapshot p) {
        int total = p.totalEntries();
        double seconds = p.elapsedNanos() / 1e9;
        if (total < 0) {
            return String.format(NUMBERS, "scanning ... %.0f s", seconds);
        }
        double entries = total == 0 ? 1 : (double) p.entriesDone() / total;
        double bytes = p.totalBytes() == 0 ? entries : (double) p.bytesDone() / p.totalBytes();
        double done = (entries + bytes) / 2;
        int filled = (int) Math.round(done * BAR_WIDTH);
        String left = done <= 0 ? "--:--" : clock(seconds * (1 - done) / done);
        return String.format(NUMBERS, "[%s%s] %d/%d entries  %s/%s  %s/s  %s left",
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
        return String.format(NUMBERS, "%.1f %s", v, units[u]);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(NUMBERS, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(NUMBERS, "%d:%02d", s / 60, s % 60);
    }
}
