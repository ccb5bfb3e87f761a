package io.memfis.fuse;

import io.memfis.fs.Errno;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.fs.OpenFlags;
import io.memfis.layout.Attributes;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.FuseOperations;
import ru.serce.jnrfuse.struct.Timespec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    /** Armed, every call to the store throws what a bug below the adapter would: no errno of its own. */
    private volatile RuntimeException storeThrows;
    private final MemFs fs = MemFs.open(throwingWhenArmed(store), FsOptions.defaults("adapter")
            .withHealthInterval(Duration.ZERO).withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
    private final OpCounters counters = new OpCounters();
    private final MemfisFuse fuse = new MemfisFuse(fs, null, counters);

    @AfterEach
    void close() {
        storeThrows = null;
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
        assertEquals(0, fuse.setxattr("/f", "user.k", memory(value), value.length, 0));

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
        assertEquals(3, fuse.write("/g", memory("def".getBytes(StandardCharsets.UTF_8)), 3, 0, fi),
                "written at offset 0, but O_APPEND");
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
    void chownOfMinusOneForBothChangesNothingAndChownOfAnIdSetsIt() {
        file("/f", "x");
        assertEquals(0, fuse.chown("/f", -1, 0xFFFFFFFFL));
        assertEquals(1000, fs.getattr("/f").uid());
        assertEquals(100, fs.getattr("/f").gid());
        assertEquals(0, fuse.chown("/f", 0, 0));
        assertEquals(0, fs.getattr("/f").uid(), "0 is root, not 'unchanged'");
        assertEquals(0, fs.getattr("/f").gid());
        assertEquals(-Errno.ENOENT.number(), fuse.chown("/missing", 1, 1));
    }

    @Test
    void anXattrAnswerThatFitsExactlyIsNoError() {
        file("/f", "x");
        byte[] value = "12345".getBytes(StandardCharsets.UTF_8);
        assertEquals(0, fuse.setxattr("/f", "user.a", memory(value), value.length, 0));
        assertEquals(0, fuse.setxattr("/f", "user.bb", memory(value), value.length, 0));
        Pointer out = Memory.allocateDirect(RUNTIME, 64);
        assertEquals(value.length, fuse.getxattr("/f", "user.a", out, value.length), "exactly the value's size");
        int listLength = "user.a\0user.bb\0".length();
        assertEquals(listLength, fuse.listxattr("/f", out, listLength));
        assertEquals(-Errno.ERANGE.number(), fuse.listxattr("/f", out, 1), "far too small");
        assertEquals(-Errno.ERANGE.number(), fuse.getxattr("/f", "user.bb", out, 1));
        assertEquals(1, counters.errors(OpCounters.Op.GETXATTR), "ERANGE counts as a failed getxattr");
    }

    @Test
    void openForReadingAndWritingWritesInPlace() {
        file("/f", "abc");
        assertEquals("abc", read("/f"), "O_RDONLY");
        FuseFileInfo fi = fileInfo(OpenFlags.O_RDWR);
        assertEquals(0, fuse.open("/f", fi));
        assertEquals(1, fuse.write("/f", memory("X".getBytes(StandardCharsets.UTF_8)), 1, 1, fi));
        assertEquals(0, fuse.release("/f", fi));
        assertEquals("aXc", read("/f"), "O_RDWR writes in place, without O_TRUNC nothing else changes");
    }

    /**
     * A RuntimeException from below (a bug, not a refusal) is EIO: one line in the log,
     * naming the operation, the path and the exception; its stack only at DEBUG.
     */
    @Test
    void anUnexpectedExceptionIsEioLoggedOnceWithThePath() {
        file("/f", "x");
        FileStat st = FileStat.of(Memory.allocateDirect(RUNTIME, 256));
        String log = stderrOf(() -> {
            storeThrows = new IllegalStateException("a bug below the adapter");
            assertEquals(-Errno.EIO.number(), fuse.getattr("/not-cached", st));
            assertEquals(-Errno.EIO.number(), fuse.rename("/f", "/g"));
            storeThrows = null;
        });
        List<String> lines = log.lines().filter(l -> !l.contains("DEBUG") && !l.startsWith("\t")
                && !l.startsWith("Caused by") && !l.startsWith("java.lang.IllegalStateException")).toList();
        assertEquals(2, lines.size(), log);
        assertTrue(lines.get(0).contains("getattr /not-cached: unexpected java.lang.IllegalStateException: a bug below"),
                lines.get(0));
        assertTrue(lines.get(1).contains("rename /f -> /g: unexpected"), lines.get(1));
        if (!LoggerFactory.getLogger(MemfisFuse.class).isDebugEnabled()) {
            assertFalse(log.contains("\tat "), "no stack trace below DEBUG: " + log);
        }
        assertEquals(0, fuse.getattr("/f", st), "the store works again, so does the adapter");
        assertEquals(1, counters.errors(OpCounters.Op.GETATTR));
        assertEquals(1, counters.errors(OpCounters.Op.RENAME));
    }

    /** An exception of the adapter's own (here a null struct from native code) is EIO too, not a crash. */
    @Test
    void anExceptionInTheAdaptersOwnTranslationIsEio() {
        file("/f", "x");
        assertEquals(-Errno.EIO.number(), fuse.getattr("/f", null));
        assertEquals(-Errno.EIO.number(), fuse.utimens("/f", new Timespec[0]));
    }

    /**
     * Every operation the adapter implements (jnr-fuse registers those a class declares) is
     * counted under its own name and catches everything, whatever it is given: adding one
     * that skips the wrapper fails here.
     */
    @Test
    void everyOperationIsCountedAndReturnsAnErrnoWhateverItIsGiven() throws Exception {
        List<Method> operations = Arrays.stream(MemfisFuse.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.getName().equals("init")).toList();
        assertEquals(OpCounters.Op.values().length, operations.size(), "one counter per operation");
        stderrOf(() -> { // every call logs its unexpected NullPointerException
            for (Method m : operations) {
                OpCounters.Op op = OpCounters.Op.valueOf(m.getName().toUpperCase(Locale.ROOT));
                Object[] args = Arrays.stream(m.getParameterTypes())
                        .map(t -> t == long.class ? (Object) 0L : t == int.class ? (Object) 0 : null).toArray();
                int result;
                try {
                    result = (int) m.invoke(fuse, args);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(m.getName() + " threw", e);
                }
                // fsyncdir stores what the mount queued whatever the directory: it reads no argument to refuse
                boolean readsArguments = op != OpCounters.Op.FSYNCDIR;
                assertEquals(readsArguments, result < 0, m.getName() + " answered " + result + " to null arguments");
                assertEquals(1, counters.count(op), m.getName());
                assertEquals(readsArguments ? 1 : 0, counters.errors(op), m.getName());
            }
        });
    }

    @Test
    void bytesAndOpenFilesAreCountedByTheWrapper() {
        file("/f", "hello");
        stat("/f");
        FuseFileInfo fi = fileInfo(OpenFlags.O_RDWR);
        assertEquals(0, fuse.open("/f", fi));
        assertEquals(1, counters.openFiles());
        assertEquals(1, counters.pagesKept(), "unchanged since this mount showed it");
        Pointer buf = Memory.allocateDirect(RUNTIME, 16);
        assertEquals(5, fuse.read("/f", buf, 16, 0, fi));
        assertEquals(3, fuse.write("/f", buf, 3, 5, fi));
        assertEquals(-Errno.EBADF.number(), fuse.read("/f", buf, 16, 0, fileInfo(0)), "handle 0: not open");
        assertEquals(0, fuse.release("/f", fi));
        assertEquals(5, counters.bytesRead());
        assertEquals(3, counters.bytesWritten());
        assertEquals(0, counters.openFiles());
        assertEquals(2, counters.count(OpCounters.Op.READ));
        assertEquals(1, counters.errors(OpCounters.Op.READ));
        assertEquals(-Errno.ENOENT.number(), fuse.open("/missing", fileInfo(0)));
        assertEquals(0, counters.openFiles(), "a refused open opens nothing");
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

    private static Pointer memory(byte[] bytes) {
        Pointer p = Memory.allocateDirect(RUNTIME, bytes.length);
        p.put(0, bytes, 0, bytes.length);
        return p;
    }

    private String read(String path) {
        FuseFileInfo fi = fileInfo(OpenFlags.O_RDONLY);
        assertEquals(0, fuse.open(path, fi));
        Pointer buf = Memory.allocateDirect(RUNTIME, 256);
        int n = fuse.read(path, buf, 256, 0, fi);
        assertEquals(0, fuse.release(path, fi));
        byte[] bytes = new byte[n];
        buf.get(0, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** What the log (SLF4J's simple logger, which writes to System.err) says while {@code action} runs. */
    private static String stderrOf(Runnable action) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(before);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    private Store throwingWhenArmed(Store store) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[]{Store.class},
                (proxy, method, args) -> {
                    RuntimeException e = storeThrows;
                    if (e != null) {
                        throw e;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException t) {
                        throw t.getCause();
                    }
                });
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
