package io.memfis.fuse;

import io.memfis.fs.Errno;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.fs.OpenFlags;
import io.memfis.layout.Attributes;
import io.memfis.store.Stores;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.FuseOperations;
import ru.serce.jnrfuse.struct.Timespec;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FUSE adapter's translations, called as libfuse calls them but without mounting: the
 * native structs are built in memory, the filesystem below is an in-memory {@link MemFs}.
 */
class MemfisFuseTest {

    private static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getSystemRuntime();
    private static final Instant NOW = Instant.parse("2024-05-06T07:08:09.123456789Z");
    private static final long NOW_NANOS = NOW.getEpochSecond() * 1_000_000_000L + NOW.getNano();
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;

    private final Stores.InMemory store = Stores.inMemory(1024);
    private final MemFs fs = MemFs.open(store, FsOptions.defaults("adapter").withHealthInterval(Duration.ZERO)
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
    private final MemfisFuse fuse = new MemfisFuse(fs, null);

    @AfterEach
    void close() {
        fs.close();
        store.close();
    }

    @Test
    void libfuseIsToldThatUtimensUnderstandsUtimeOmit() {
        FuseOperations ops = new FuseOperations(RUNTIME);
        OperationFlags.setUtimeOmitOk(ops);
        // libfuse 2.9's struct: 38 function pointers up to bmap, then the word of flag bits
        int flags = Struct.getMemory(ops).getInt(38L * RUNTIME.addressSize());
        assertEquals(1 << 2, flags, "flag_utime_omit_ok is bit 2, nothing else set");
        assertTrue(OperationFlags.utimeOmitOk(ops));
    }

    @Test
    void utimeOmitLeavesThatTimeAndUtimeNowIsTheFilesystemsNow() {
        file("/f", "x");
        fs.utimens("/f", 1_000_000_001L, 2_000_000_002L);

        assertEquals(0, fuse.utimens("/f", times(UTIME_OMIT, 0, 5, 123)));
        Attributes a = fs.getattr("/f");
        assertEquals(1_000_000_001L, a.atime(), "atime omitted");
        assertEquals(5_000_000_123L, a.mtime(), "mtime set");
        assertEquals(NOW_NANOS, a.ctime(), "ctime is the change's time");

        assertEquals(0, fuse.utimens("/f", times(7, 1, UTIME_OMIT, 0)));
        a = fs.getattr("/f");
        assertEquals(7_000_000_001L, a.atime(), "atime set");
        assertEquals(5_000_000_123L, a.mtime(), "mtime omitted");

        assertEquals(0, fuse.utimens("/f", times(UTIME_OMIT, 0, UTIME_NOW, 0)));
        a = fs.getattr("/f");
        assertEquals(7_000_000_001L, a.atime(), "atime omitted");
        assertEquals(NOW_NANOS, a.mtime(), "UTIME_NOW");

        assertEquals(-Errno.ENOENT.number(), fuse.utimens("/missing", times(1, 0, 2, 0)));
    }

    @Test
    void chownOfMinusOneLeavesThatId() {
        file("/f", "x");
        assertEquals(0, fuse.chown("/f", 0xFFFFFFFFL, 42));
        assertEquals(1000, fs.getattr("/f").uid(), "uid -1 as libfuse passes it (unsigned)");
        assertEquals(42, fs.getattr("/f").gid());
        assertEquals(0, fuse.chown("/f", 7, -1));
        assertEquals(7, fs.getattr("/f").uid());
        assertEquals(42, fs.getattr("/f").gid(), "gid -1");
    }

    @Test
    void xattrBuffersFollowLinuxsSizeConvention() {
        file("/f", "x");
        byte[] value = "a value".getBytes(StandardCharsets.UTF_8);
        Pointer in = Memory.allocateDirect(RUNTIME, value.length);
        in.put(0, value, 0, value.length);
        assertEquals(0, fuse.setxattr("/f", "user.k", in, value.length, 0));

        Pointer out = Memory.allocateDirect(RUNTIME, 64);
        assertEquals(value.length, fuse.getxattr("/f", "user.k", out, 0), "size 0 asks for the length");
        assertEquals(-Errno.ERANGE.number(), fuse.getxattr("/f", "user.k", out, value.length - 1), "one byte short");
        assertEquals(value.length, fuse.getxattr("/f", "user.k", out, 64));
        byte[] got = new byte[value.length];
        out.get(0, got, 0, got.length);
        assertEquals("a value", new String(got, StandardCharsets.UTF_8));

        int listLength = "user.k\0".length();
        assertEquals(listLength, fuse.listxattr("/f", out, 0));
        assertEquals(-Errno.ERANGE.number(), fuse.listxattr("/f", out, listLength - 1));
        assertEquals(listLength, fuse.listxattr("/f", out, 64));
        assertEquals(-Errno.ENODATA.number(), fuse.getxattr("/f", "user.none", out, 64));
    }

    @Test
    void openPassesItsFlagsAndSetsTheHandle() {
        file("/f", "some content");
        FuseFileInfo fi = fileInfo(OpenFlags.O_WRONLY | OpenFlags.O_TRUNC);
        assertEquals(0, fuse.open("/f", fi));
        assertEquals(0, fuse.release("/f", fi));
        assertEquals(0, stat("/f").st_size.longValue(), "O_TRUNC reaches open (atomic_o_trunc)");

        file("/g", "abc");
        fi = fileInfo(OpenFlags.O_WRONLY | OpenFlags.O_APPEND);
        assertEquals(0, fuse.open("/g", fi));
        byte[] more = "def".getBytes(StandardCharsets.UTF_8);
        Pointer buf = Memory.allocateDirect(RUNTIME, more.length);
        buf.put(0, more, 0, more.length);
        assertEquals(3, fuse.write("/g", buf, 3, 0, fi), "written at offset 0, but O_APPEND");
        assertEquals(0, fuse.release("/g", fi));

        fi = fileInfo(0);
        assertEquals(0, fuse.open("/g", fi));
        Pointer read = Memory.allocateDirect(RUNTIME, 16);
        assertEquals(6, fuse.read("/g", read, 16, 0, fi));
        byte[] got = new byte[6];
        read.get(0, got, 0, 6);
        assertEquals("abcdef", new String(got, StandardCharsets.UTF_8));
        assertEquals(0, fuse.release("/g", fi));

        assertEquals(-Errno.ENOENT.number(), fuse.open("/missing", fileInfo(0)));
    }

    @Test
    void whatTheFilesystemRefusesBecomesItsErrnoAndAnUnknownHandleIsEbadf() {
        assertEquals(-Errno.ENOENT.number(), fuse.getattr("/missing", FileStat.of(Memory.allocateDirect(RUNTIME, 256))));
        fs.mkdir("/d", 0755, 0, 0);
        file("/d/f", "x");
        assertEquals(-Errno.ENOTEMPTY.number(), fuse.rmdir("/d"));
        assertEquals(-Errno.ENOTDIR.number(), fuse.rmdir("/d/f"));
        FuseFileInfo unknown = fileInfo(0);
        unknown.fh.set(987654);
        assertEquals(-Errno.EBADF.number(), fuse.read("/d/f", Memory.allocateDirect(RUNTIME, 8), 8, 0, unknown));
    }

    @Test
    void getattrFillsTheKernelsStat() {
        file("/f", "hello");
        fs.chmod("/f", 0640);
        FileStat st = stat("/f");
        assertEquals(FileStat.S_IFREG | 0640, st.st_mode.intValue());
        assertEquals(5, st.st_size.longValue());
        assertEquals(1, st.st_nlink.intValue());
        assertEquals(NOW.getEpochSecond(), st.st_mtim.tv_sec.get());
        assertEquals(NOW.getNano(), st.st_mtim.tv_nsec.longValue());
    }

    private void file(String path, String content) {
        long fh = fs.create(path, 0644, 1000, 100, 0302);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        fs.write(fh, path, 0, bytes, bytes.length);
        fs.release(fh, path);
    }

    private FileStat stat(String path) {
        FileStat st = FileStat.of(Memory.allocateDirect(RUNTIME, 256));
        assertEquals(0, fuse.getattr(path, st));
        return st;
    }

    /** libfuse's {@code struct timespec tv[2]}: atime, then mtime. */
    private static Timespec[] times(long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        Pointer memory = Memory.allocateDirect(RUNTIME, 32);
        Timespec atime = Timespec.of(memory);
        Timespec mtime = Timespec.of(memory.slice(16));
        atime.tv_sec.set(atimeSec == UTIME_OMIT || atimeSec == UTIME_NOW ? 0 : atimeSec);
        atime.tv_nsec.set(atimeSec == UTIME_OMIT || atimeSec == UTIME_NOW ? atimeSec : atimeNsec);
        mtime.tv_sec.set(mtimeSec == UTIME_OMIT || mtimeSec == UTIME_NOW ? 0 : mtimeSec);
        mtime.tv_nsec.set(mtimeSec == UTIME_OMIT || mtimeSec == UTIME_NOW ? mtimeSec : mtimeNsec);
        return new Timespec[] {atime, mtime};
    }

    private static FuseFileInfo fileInfo(int flags) {
        FuseFileInfo fi = FuseFileInfo.of(Memory.allocateDirect(RUNTIME, 64));
        fi.flags.set(flags);
        return fi;
    }
}
