package io.memfis.cli;

import io.memfis.load.Loader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressBarTest {

    @Test
    void showsEntriesBytesRateAndTimeLeft() {
        Loader.Snapshot half = new Loader.Snapshot(1000, 100L << 20, 500, 50L << 20, 40L << 20, 2_000_000_000L);
        assertEquals("[##########..........] 500/1000 entries  50.0 MiB/100.0 MiB  20.0 MiB/s  0:02 left",
                ProgressBar.text(half));
    }

    @Test
    void timeLeftComesFromEntriesAndBytesAlike() {
        // all entries but few bytes done: a large file is still on its way
        Loader.Snapshot s = new Loader.Snapshot(10, 1000L << 20, 9, 100L << 20, 100L << 20, 60_000_000_000L);
        assertEquals("[##########..........] 9/10 entries  100.0 MiB/1000.0 MiB  1.7 MiB/s  1:00 left", ProgressBar.text(s));
        Loader.Snapshot slow = new Loader.Snapshot(10, 0, 1, 0, 0, 3_600_000_000_000L);
        assertEquals("[##..................] 1/10 entries  0 B/0 B  0 B/s  9:00:00 left", ProgressBar.text(slow));
    }

    @Test
    void whileScanningThereIsNoTotalYet() {
        assertEquals("scanning ... 3 s", ProgressBar.text(new Loader.Snapshot(-1, 0, 0, 0, 0, 3_000_000_000L)));
    }

    @Test
    void bytesInBinaryUnits() {
        assertEquals("1023 B", ProgressBar.bytes(1023));
        assertEquals("1.0 KiB", ProgressBar.bytes(1024));
        assertEquals("1.5 GiB", ProgressBar.bytes(3L << 29));
    }
}
