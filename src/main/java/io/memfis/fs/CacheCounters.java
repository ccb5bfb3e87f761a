package io.memfis.fs;

import java.util.concurrent.atomic.LongAdder;

/**
 * How often this mount's own cache answered a lookup without asking memcached: path records
 * (a name and, for most files, its attributes) and the nodes of hard-linked files.
 */
public final class CacheCounters {

    private final LongAdder nameHits = new LongAdder();
    private final LongAdder nameMisses = new LongAdder();
    private final LongAdder nodeHits = new LongAdder();
    private final LongAdder nodeMisses = new LongAdder();

    public void name(boolean hit) {
        (hit ? nameHits : nameMisses).increment();
    }

    public void node(boolean hit) {
        (hit ? nodeHits : nodeMisses).increment();
    }

    public long nameHits() {
        return nameHits.sum();
    }

    public long nameMisses() {
        return nameMisses.sum();
    }

    public long nodeHits() {
        return nodeHits.sum();
    }

    public long nodeMisses() {
        return nodeMisses.sum();
    }
}
