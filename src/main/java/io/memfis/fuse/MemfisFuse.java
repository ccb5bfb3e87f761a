package io.memfis.fuse;

import io.memfis.fs.DirEntry;
import io.memfis.fs.FsStats;
import io.memfis.fs.MemFs;
import io.memfis.fuse.OpCounters.Op;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import jnr.ffi.Pointer;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The FUSE side of memfis: each operation translates its arguments, calls {@link MemFs},
 * and turns whatever happens into a return code. Each runs inside {@link #run}, which
 * catches everything (nothing is thrown back into native code), maps it to an errno
 * ({@link Errnos}) and counts the operation in {@link OpCounters}.
 */
final class MemfisFuse extends FuseStubFS {

    private static final Logger log = LoggerFactory.getLogger(MemfisFuse.class);

    private static final long UNCHANGED_ID = 0xFFFFFFFFL;

    private final MemFs fs;
    /** What this mount last told the kernel of each name: whether an open must bypass its cache. */
    private final KernelView kernel = new KernelView();
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[FileStats.BLOCK_SIZE]);
    private final ThreadLocal<FileStat> entryStats = ThreadLocal.withInitial(() -> {
        FileStat st = new FileStat(jnr.ffi.Runtime.getSystemRuntime());
        jnr.ffi.Struct.getMemory(st);
        return st;
    });

    private final StaleAttributes stale;
    private final OpCounters counters;

    /**
     * @param stale    how to make the kernel drop attributes it cached for a name; null: never
     * @param counters where every operation is counted
     */
    MemfisFuse(MemFs fs, StaleAttributes stale, OpCounters counters) {
        this.fs = fs;
        this.stale = stale;
        this.counters = counters;
        bindWithoutAllocating();
        OperationFlags.setUtimeOmitOk(fuseOperations);
    }

    /**
     * Mounts at {@code mountPoint} with libfuse's {@code args} and serves on JVM threads
     * ({@link JvmThreadsLoop}) until unmounted.
     */
    void serve(Path mountPoint, boolean debug, String[] args) {
        List<String> argv = new java.util.ArrayList<>(List.of("memfis", "-f"));
        if (debug) {
            argv.add("-d");
        }
        argv.add(mountPoint.toString());
        argv.addAll(List.of(args));
        JvmThreadsLoop.run(fuseOperations, argv.toArray(String[]::new));
    }

    /** libfuse calls init first, in its loop: the moment to learn the channel to the kernel. */
    @Override
    public Pointer init(Pointer conn) {
        try {
            if (stale != null) {
                stale.bind(getContext().fuse.get());
            }
        } catch (Throwable t) {
            log.warn("names of hard-linked files may show old attributes until --attr-timeout: {}", t.toString());
        }
        return null;
    }

    /**
     * jnr-fuse wraps each call's native structs in new Java objects (a {@code FileStat} is
     * some thirty of them): on the hottest operations this thread's own wrapper is pointed at
     * the call's memory instead. Set before mounting, over what jnr-fuse's constructor set.
     */
    private void bindWithoutAllocating() {
        jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
        ThreadLocal<FileStat> stats = ThreadLocal.withInitial(() -> new FileStat(runtime));
        ThreadLocal<FuseFileInfo> infos = ThreadLocal.withInitial(
                () -> FuseFileInfo.of(jnr.ffi.Memory.allocateDirect(runtime, 64)));
        fuseOperations.getattr.set((path, stbuf) -> getattr(path, at(stats, stbuf)));
        fuseOperations.fgetattr.set((path, stbuf, fi) -> fgetattr(path, at(stats, stbuf), at(infos, fi)));
        fuseOperations.read.set((path, buf, size, offset, fi) -> read(path, buf, size, offset, at(infos, fi)));
        fuseOperations.write.set((path, buf, size, offset, fi) -> write(path, buf, size, offset, at(infos, fi)));
        fuseOperations.open.set((path, fi) -> open(path, at(infos, fi)));
        fuseOperations.create.set((path, mode, fi) -> create(path, mode, at(infos, fi)));
        fuseOperations.flush.set((path, fi) -> flush(path, at(infos, fi)));
        fuseOperations.release.set((path, fi) -> release(path, at(infos, fi)));
    }

    /** What an operation does between its arguments and its answer: 0, a count of bytes, or a negative errno. */
    @FunctionalInterface
    private interface Operation {
        int run();
    }

    /**
     * Every operation's one way out: what it answers, or the errno of what it threw
     * (FsException: its own; anything else: EIO, logged once with {@code path}), counted
     * under {@code op} with its time.
     */
    private int run(Op op, String path, Operation operation) {
        long start = System.nanoTime();
        int result;
        try {
            result = operation.run();
        } catch (Throwable t) {
            result = Errnos.of(t, op.label(), path, log);
        }
        return counters.done(op, start, result);
    }

    private static <T extends jnr.ffi.Struct> T at(ThreadLocal<T> wrapper, Pointer memory) {
        T struct = wrapper.get();
        struct.useMemory(memory);
        return struct;
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return run(Op.GETATTR, path, () -> {
            FileStats.fill(answered(path, fs.getattr(path)), stat, fs.format().partSize());
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return run(Op.FGETATTR, path, () -> {
            FileStats.fill(answered(path, fs.fgetattr(fi.fh.get(), path)), stat, fs.format().partSize());
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        return run(Op.READDIR, path, () -> {
            List<DirEntry> entries = fs.readdir(path);
            fill(filler, buf, ".", null);
            fill(filler, buf, "..", null);
            // libfuse 2 gives the kernel no attributes from a listing (no READDIRPLUS): each
            // name's lookup tells it, and is remembered in the kernel's view then
            for (DirEntry e : entries) {
                fill(filler, buf, e.name(), e.attributes());
            }
            return 0;
        });
    }

    /** {@code a}, remembered as what the kernel now caches for {@code path}. */
    private Attributes answered(String path, Attributes a) {
        kernel.answered(path, a);
        return a;
    }

    /**
     * libfuse copies what it needs of the entry's stat at once (its inode number and type):
     * one stat per thread serves every entry.
     */
    private void fill(FuseFillDir filler, Pointer buf, String name, Attributes a) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        Pointer stat = null;
        if (a != null) {
            FileStat st = entryStats.get();
            FileStats.fillListed(a, st);
            stat = jnr.ffi.Struct.getMemory(st);
        }
        filler.apply(buf, ByteBuffer.wrap(terminated), stat, 0L);
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return run(Op.MKDIR, path, () -> {
            FuseContext c = getContext();
            fs.mkdir(path, (int) mode & 07777, (int) c.uid.get(), (int) c.gid.get());
            return 0;
        });
    }

    @Override
    public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
        return run(Op.MKNOD, path, () -> {
            FuseContext c = getContext();
            FileType type = FileType.ofMode(mode);
            fs.mknod(path, type == null ? FileType.FILE : type, (int) mode & 07777, rdev,
                    (int) c.uid.get(), (int) c.gid.get());
            return 0;
        });
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return run(Op.CREATE, path, () -> {
            FuseContext c = getContext();
            fi.fh.set(fs.create(path, (int) mode & 07777, (int) c.uid.get(), (int) c.gid.get(), fi.flags.get()));
            kernel.wrote(path, 0);
            return 0;
        });
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return run(Op.OPEN, path, () -> {
            long fh = fs.open(path, fi.flags.get());
            fi.fh.set(fh);
            boolean stalePages = kernel.differs(path, fs.openedWith(fh));
            if (stalePages) {
                // the kernel clips reads to the size it cached, and may keep old pages: let them through
                FileInfoBits.setDirectIo(fi);
            }
            counters.pages(!stalePages);
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return run(Op.READ, path, () -> {
            return fs.read(fi.fh.get(), path, offset, new NativeReadBuffer(buf), (int) size);
        });
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return run(Op.WRITE, path, () -> {
            byte[] bytes = buffer((int) size);
            buf.get(0, bytes, 0, (int) size);
            kernel.wrote(path, fs.write(fi.fh.get(), path, offset, bytes, (int) size));
            return (int) size;
        });
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return run(Op.FLUSH, path, () -> {
            fs.flush(fi.fh.get(), path);
            return 0;
        });
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return run(Op.FSYNC, path, () -> {
            fs.fsync(fi.fh.get(), path);
            return 0;
        });
    }

    /** fsync of a directory: what a writeback mount queued is stored first, or its failure told (EIO). */
    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        return run(Op.FSYNCDIR, path, () -> {
            fs.sync();
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return run(Op.RELEASE, path, () -> {
            fs.release(fi.fh.get(), path);
            return 0;
        });
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return run(Op.TRUNCATE, path, () -> {
            fs.truncate(path, size);
            kernel.wrote(path, size);
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return run(Op.FTRUNCATE, path, () -> {
            fs.ftruncate(fi.fh.get(), path, size);
            kernel.wrote(path, size);
            return 0;
        });
    }

    @Override
    public int fallocate(String path, int mode, @off_t long offset, @off_t long length, FuseFileInfo fi) {
        return run(Op.FALLOCATE, path, () -> {
            kernel.wrote(path, fs.fallocate(fi.fh.get(), path, mode, offset, length));
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return run(Op.UNLINK, path, () -> {
            fs.unlink(path);
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return run(Op.RMDIR, path, () -> {
            fs.rmdir(path);
            return 0;
        });
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return run(Op.RENAME, oldpath + " -> " + newpath, () -> {
            fs.rename(oldpath, newpath);
            return 0;
        });
    }

    @Override
    public int link(String oldpath, String newpath) {
        return run(Op.LINK, oldpath + " -> " + newpath, () -> {
            fs.link(oldpath, newpath);
            return 0;
        });
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return run(Op.SYMLINK, newpath, () -> {
            FuseContext c = getContext();
            fs.symlink(oldpath, newpath, (int) c.uid.get(), (int) c.gid.get());
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return run(Op.READLINK, path, () -> {
            byte[] target = fs.readlink(path).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return run(Op.CHMOD, path, () -> {
            fs.chmod(path, (int) mode);
            return 0;
        });
    }

    @Override
    public int chown(String path, @uid_t long uid, @gid_t long gid) {
        return run(Op.CHOWN, path, () -> {
            fs.chown(path, id(uid), id(gid));
            return 0;
        });
    }

    private static int id(long id) {
        return id == UNCHANGED_ID || id == -1 ? -1 : (int) id;
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return run(Op.UTIMENS, path, () -> {
            fs.utimens(path, FileStats.nanos(timespec[0], MemFs.NOW, MemFs.OMIT),
                    FileStats.nanos(timespec[1], MemFs.NOW, MemFs.OMIT));
            return 0;
        });
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return run(Op.SETXATTR, path, () -> {
            byte[] bytes = new byte[(int) size];
            value.get(0, bytes, 0, bytes.length);
            fs.setxattr(path, name, bytes, flags);
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return run(Op.GETXATTR, path, () -> {
            byte[] found = fs.findXattr(path, name);
            return found == null ? -io.memfis.fs.Errno.ENODATA.number() : sized(found, value, size);
        });
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return run(Op.LISTXATTR, path, () -> {
            java.io.ByteArrayOutputStream names = new java.io.ByteArrayOutputStream();
            for (String n : fs.listxattr(path)) {
                names.writeBytes(n.getBytes(StandardCharsets.UTF_8));
                names.write(0);
            }
            return sized(names.toByteArray(), list, size);
        });
    }

    /** The xattr convention: size 0 asks for the length; a buffer too small is ERANGE. */
    private static int sized(byte[] bytes, Pointer buf, long size) {
        if (size == 0) {
            return bytes.length;
        }
        if (size < bytes.length) {
            return -io.memfis.fs.Errno.ERANGE.number();
        }
        buf.put(0, bytes, 0, bytes.length);
        return bytes.length;
    }

    @Override
    public int removexattr(String path, String name) {
        return run(Op.REMOVEXATTR, path, () -> {
            fs.removexattr(path, name);
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        return run(Op.STATFS, path, () -> {
            FsStats s = fs.statfs();
            stbuf.f_bsize.set(s.blockSize());
            stbuf.f_frsize.set(s.blockSize());
            stbuf.f_blocks.set(s.blocks());
            stbuf.f_bfree.set(s.blocksFree());
            stbuf.f_bavail.set(s.blocksFree());
            stbuf.f_files.set(s.files());
            stbuf.f_ffree.set(s.filesFree());
            stbuf.f_favail.set(s.filesFree());
            stbuf.f_namemax.set(s.nameMax());
            return 0;
        });
    }

    @Override
    public int access(String path, int mask) {
        return run(Op.ACCESS, path, () -> {
            fs.access(path);
            return 0;
        });
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return run(Op.OPENDIR, path, () -> {
            fs.getattr(path);
            return 0;
        });
    }

    private byte[] buffer(int size) {
        byte[] b = buffers.get();
        if (b.length < size) {
            b = new byte[size];
            buffers.set(b);
        }
        return b;
    }
}
