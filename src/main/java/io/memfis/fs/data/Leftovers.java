package io.memfis.fs.data;

import io.memfis.fs.FsException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Parts that belong to no file any more and that this mount stored: those of a write or
 * save that failed (memcached full, or not answering), beyond the size the record has, and
 * those of a file removed while it was open here. They are deleted at once; what cannot be
 * deleted (memcached gone) is kept here and tried again until it goes, and what is still
 * left at unmount is named in the log, for {@code memfis check --repair}.
 */
public final class Leftovers {

    private static final Logger log = LoggerFactory.getLogger(Leftovers.class);

    private record Range(long ino, BitSet parts) {
        @Override
        public String toString() {
            return parts.cardinality() + " parts (" + parts.nextSetBit(0) + " to " + (parts.length() - 1)
                    + ") of inode " + ino;
        }
    }

    private final Contents contents;
    private final Queue<Range> pending = new ConcurrentLinkedQueue<>();

    Leftovers(Contents contents) {
        this.contents = contents;
    }

    /** Deletes the parts of inode {@code ino} whose bits are set, now or later. */
    void delete(long ino, BitSet parts) {
        if (parts.isEmpty()) {
            return;
        }
        Range r = new Range(ino, parts);
        FsException failure = tryDelete(r);
        if (failure != null) {
            log.warn("could not delete {}, left by a failed write ({}); trying again", r, failure.getMessage());
            pending.add(r);
        }
    }

    /** Tries again what could not be deleted; from the mount's periodic check. */
    void retry() {
        for (Iterator<Range> it = pending.iterator(); it.hasNext(); ) {
            Range r = it.next();
            if (tryDelete(r) == null) {
                it.remove();
                log.info("deleted {}, left by a failed write", r);
            }
        }
    }

    /** At unmount: a last try, and what stays is named. */
    void close() {
        retry();
        for (Range r : pending) {
            log.warn("{} stay in memcached, left by a failed write: 'memfis check --repair' removes them", r);
        }
    }

    /** Null when deleted, else why not. */
    private FsException tryDelete(Range r) {
        try {
            contents.deleteParts(r.ino(), r.parts());
            return null;
        } catch (FsException e) {
            return e;
        }
    }
}
