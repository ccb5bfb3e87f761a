package io.memfis.fs;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a {@link MemFs} behaves.
 *
 * @param namespace      the namespace, as in {@code memfis://NAMESPACE}
 * @param attrTimeout    how long attributes read from memcached are trusted before reading again
 * @param mayFormat      whether an empty namespace may be formatted (mounts: yes; tools: no)
 * @param healthInterval how often the format marker is checked while mounted (zero: never)
 * @param clock          the source of file times
 * @param owner          who owns the root directory of a namespace this formats: by default the
 *                       user who runs memfis, so that a fresh mount is theirs to write into
 * @param gzip           whether this writer stores text content gzip-compressed (every reader decompresses)
 * @param ticker         nanoseconds from an arbitrary origin, as {@link System#nanoTime}: the one
 *                       source of elapsed time for everything that goes stale (caches, statfs,
 *                       the namespace watch), so that a test moves it rather than waits
 */
public record FsOptions(String namespace, Duration attrTimeout, boolean mayFormat, Duration healthInterval,
                        Clock clock, Owner owner, boolean gzip, LongSupplier ticker) {

    public static FsOptions defaults(String namespace) {
        return new FsOptions(namespace, Duration.ofSeconds(1), true, Duration.ofSeconds(2), Clock.systemUTC(),
                Owner.ofThisProcess(), false, System::nanoTime);
    }

    public FsOptions withAttrTimeout(Duration timeout) {
        return new FsOptions(namespace, timeout, mayFormat, healthInterval, clock, owner, gzip, ticker);
    }

    public FsOptions withMayFormat(boolean may) {
        return new FsOptions(namespace, attrTimeout, may, healthInterval, clock, owner, gzip, ticker);
    }

    public FsOptions withHealthInterval(Duration interval) {
        return new FsOptions(namespace, attrTimeout, mayFormat, interval, clock, owner, gzip, ticker);
    }

    public FsOptions withClock(Clock newClock) {
        return new FsOptions(namespace, attrTimeout, mayFormat, healthInterval, newClock, owner, gzip, ticker);
    }

    public FsOptions withOwner(Owner newOwner) {
        return new FsOptions(namespace, attrTimeout, mayFormat, healthInterval, clock, newOwner, gzip, ticker);
    }

    public FsOptions withGzip(boolean compress) {
        return new FsOptions(namespace, attrTimeout, mayFormat, healthInterval, clock, owner, compress, ticker);
    }

    public FsOptions withTicker(LongSupplier newTicker) {
        return new FsOptions(namespace, attrTimeout, mayFormat, healthInterval, clock, owner, gzip, newTicker);
    }
}
