package io.memfis.fuse;

import java.util.Locale;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a mount's FUSE operations did, counted where they are answered: per kind, how many,
 * how many failed, their time in total and the worst since last asked; bytes moved, files
 * opened and closed, and whether an open kept the kernel's cached pages. Striped adders: a
 * count costs a few nanoseconds and no lock, against microseconds for the operation.
 */
public final class OpCounters {

    /** The operations memfis answers, as {@code memfis stats} names them. */
    public enum Op {
        GETATTR, FGETATTR, READDIR, OPENDIR, ACCESS, STATFS, MKDIR, MKNOD, CREATE, OPEN, READ, WRITE, FLUSH,
        FSYNC, FSYNCDIR, RELEASE, TRUNCATE, FTRUNCATE, FALLOCATE, UNLINK, RMDIR, RENAME, LINK, SYMLINK, READLINK, CHMOD, CHOWN,
        UTIMENS, SETXATTR, GETXATTR, LISTXATTR, REMOVEXATTR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int KINDS = Op.values().length;

    private final LongAdder[] counts = adders(KINDS);
    private final LongAdder[] errors = adders(KINDS);
    private final LongAdder[] nanos = adders(KINDS);
    private final LongAccumulator[] worst = new LongAccumulator[KINDS];
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder released = new LongAdder();
    private final LongAdder pagesKept = new LongAdder();
    private final LongAdder pagesBypassed = new LongAdder();

    public OpCounters() {
        for (int i = 0; i < KINDS; i++) {
            worst[i] = new LongAccumulator(Math::max, 0);
        }
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /**
     * Counts one operation that started at {@code startNanos} and answered {@code result}
     * (with what it says of bytes moved and files opened and closed); returns it.
     */
    int done(Op op, long startNanos, int result) {
        long took = System.nanoTime() - startNanos;
        int i = op.ordinal();
        counts[i].increment();
        nanos[i].add(took);
        worst[i].accumulate(took);
        if (result < 0) {
            errors[i].increment();
        }
        switch (op) {
            case READ -> bytesRead.add(Math.max(result, 0));
            case WRITE -> bytesWritten.add(Math.max(result, 0));
            case OPEN, CREATE -> opened.add(result == 0 ? 1 : 0);
            case RELEASE -> released.increment(); // the kernel forgets the handle whatever we answer
            default -> {
            }
        }
        return result;
    }

    /** An open of an existing file: {@code kept} when the kernel's cached pages of it stay valid. */
    void pages(boolean kept) {
        (kept ? pagesKept : pagesBypassed).increment();
    }

    void released() {
        released.increment();
    }

    public long count(Op op) {
        return counts[op.ordinal()].sum();
    }

    public long errors(Op op) {
        return errors[op.ordinal()].sum();
    }

    public long nanos(Op op) {
        return nanos[op.ordinal()].sum();
    }

    /** The longest {@code op} took since the last call, in nanoseconds; starts afresh. */
    public long takeWorst(Op op) {
        return worst[op.ordinal()].getThenReset();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    public long openFiles() {
        return opened.sum() - released.sum();
    }

    /** Opens that kept the kernel's cached pages of the file (unchanged since this mount last showed it). */
    public long pagesKept() {
        return pagesKept.sum();
    }

    /** Opens that bypassed the kernel's cache: the file changed elsewhere (direct I/O). */
    public long pagesBypassed() {
        return pagesBypassed.sum();
    }
}
