package io.memfis.fuse;

import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * The bit fields of libfuse 2's {@code struct fuse_operations}, which jnr-fuse declares
 * only as padding (one byte a bit, never set): after the {@code bmap} pointer comes one
 * 32-bit word whose bit 0 is {@code flag_nullpath_ok}, bit 1 {@code flag_nopath} and bit 2
 * {@code flag_utime_omit_ok}. libfuse copies the struct when mounting, so the bit must be
 * written into jnr-fuse's memory of it before then.
 */
final class OperationFlags extends Struct {

    /**
     * Without this bit libfuse's high-level API drops a {@code utimensat} that sets only one
     * time ({@code touch -m}, {@code tar -x}: the other is UTIME_OMIT); with it, each time
     * reaches {@code utimens} as a value, UTIME_NOW or UTIME_OMIT.
     */
    private static final int UTIME_OMIT_OK = 1 << 2;

    /** Only to reach jnr-ffi's member offsets, which it keeps for subclasses of {@link Struct}. */
    private OperationFlags() {
        super(jnr.ffi.Runtime.getSystemRuntime());
    }

    /** Tells libfuse that {@code utimens} understands UTIME_OMIT and UTIME_NOW. */
    static void setUtimeOmitOk(FuseOperations ops) {
        jnr.ffi.Pointer p = Struct.getMemory(ops); // inside a Struct, Pointer is Struct.Pointer
        long word = ops.flag_nullpath_ok.offset();
        p.putInt(word, p.getInt(word) | UTIME_OMIT_OK);
    }

    /** Whether the bit is set: for tests. */
    static boolean utimeOmitOk(FuseOperations ops) {
        return (Struct.getMemory(ops).getInt(ops.flag_nullpath_ok.offset()) & UTIME_OMIT_OK) != 0;
    }
}
