package io.memfis.fuse;

import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The bit fields of libfuse 2's {@code struct fuse_file_info}, which jnr-fuse declares but
 * places wrongly: after {@code int flags; unsigned long fh_old; int writepage;} comes one
 * 32-bit word whose bit 0 is {@code direct_io} (on x86-64, at byte 20; {@code fh} follows
 * at 24, where jnr-fuse has it too).
 */
final class FileInfoBits {

    private static final int BITS_OFFSET = 20;
    private static final int DIRECT_IO = 1;

    private FileInfoBits() {
    }

    /** Reads and writes of this open file bypass the page cache and the cached size. */
    static void setDirectIo(FuseFileInfo fi) {
        Pointer p = Struct.getMemory(fi);
        p.putInt(BITS_OFFSET, p.getInt(BITS_OFFSET) | DIRECT_IO);
    }

    static boolean isDirectIo(FuseFileInfo fi) {
        return (Struct.getMemory(fi).getInt(BITS_OFFSET) & DIRECT_IO) != 0;
    }
}
