package io.memfis.fs;

import java.time.Clock;
import java.time.Duration;

/**
 * How a {@link MemFs} behaves.
 *
 * @param namespace      the namespace, as in {@code memfis://NAMESPACE}
 * @param attrTimeout    how long attributes read from memcached are trusted before reading again
 * @param mayFormat      whether an empty namespace may be formatted (mounts: yes; tools: no)
 * @param healthInterval how often the format marker is checked while mounted (zero: never)
 * @param clock          the source of file times
 * @param gzip           whether this writer stores text content gzip-compressed (every reader decompresses)
 */
public record FsOptions(String namespace, Duration attrTimeout, boolean mayFormat, Duration healthInterval,
                        Clock clock, boolean gzip) {

    public FsOptions(String namespace, Duration attrTimeout, boolean mayFormat, Duration healthInterval, Clock clock) {
        this(namespace, attrTimeout, mayFormat, healthInterval, clock, false);
    }

    public static FsOptions defaults(String namespace) {
        return new FsOptions(namespace, Duration.ofSeconds(1), true, Duration.ofSeconds(2), Clock.systemUTC());
    }

    public FsOptions withGzip(boolean compress) {
        return new FsOptions(namespace, attrTimeout, mayFormat, healthInterval, clock, compress);
    }

    public FsOptions withAttrTimeout(Duration timeout) {
        return new FsOptions(namespace, timeout, mayFormat, healthInterval, clock, gzip);
    }

    public FsOptions withMayFormat(boolean may) {
        return new FsOptions(namespace, attrTimeout, may, healthInterval, clock, gzip);
    }

    public FsOptions withHealthInterval(Duration interval) {
        return new FsOptions(namespace, attrTimeout, mayFormat, interval, clock, gzip);
    }

    public FsOptions withClock(Clock newClock) {
        return new FsOptions(namespace, attrTimeout, mayFormat, healthInterval, newClock, gzip);
    }
}
