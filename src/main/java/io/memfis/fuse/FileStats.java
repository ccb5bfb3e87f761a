package io.memfis.fuse;

import io.memfis.layout.Attributes;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Timespec;

/** Attributes into the kernel's {@code struct stat}. */
final class FileStats {

    /** The I/O size we suggest: cp and others then move 128 KiB per call, FUSE's largest write. */
    static final int BLOCK_SIZE = 128 * 1024;

    private FileStats() {
    }

    /** {@code partSize}: a file's holes take no blocks, and the record counts them in parts. */
    static void fill(Attributes a, FileStat st, int partSize) {
        st.st_mode.set(a.stMode());
        st.st_ino.set(a.ino());
        st.st_nlink.set(a.nlink());
        st.st_uid.set(a.uid());
        st.st_gid.set(a.gid());
        st.st_size.set(a.size());
        st.st_rdev.set(a.rdev());
        st.st_blksize.set(BLOCK_SIZE);
        st.st_blocks.set((a.storedBytes(partSize) + 511) / 512);
        time(st.st_atim, a.atime());
        time(st.st_mtim, a.mtime());
        time(st.st_ctim, a.ctime());
    }

    /** What libfuse 2 takes of a listing entry's stat: the inode number (use_ino) and the type. */
    static void fillListed(Attributes a, FileStat st) {
        st.st_mode.set(a.stMode());
        st.st_ino.set(a.ino());
    }

    private static void time(Timespec t, long nanos) {
        t.tv_sec.set(Math.floorDiv(nanos, 1_000_000_000L));
        t.tv_nsec.set(Math.floorMod(nanos, 1_000_000_000L));
    }

    /** A time from the kernel: UTIME_NOW and UTIME_OMIT become the filesystem's markers. */
    static long nanos(Timespec t, long now, long omit) {
        long nsec = t.tv_nsec.longValue();
        if (nsec == UTIME_NOW) {
            return now;
        }
        if (nsec == UTIME_OMIT) {
            return omit;
        }
        return t.tv_sec.get() * 1_000_000_000L + nsec;
    }

    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
}
