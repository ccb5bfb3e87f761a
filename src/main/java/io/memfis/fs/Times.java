package io.memfis.fs;

import java.time.Clock;
import java.time.Instant;

/** File times in nanoseconds since the epoch, from an injectable clock. */
public final class Times {

    private final Clock clock;

    Times(Clock clock) {
        this.clock = clock;
    }

    public long now() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
