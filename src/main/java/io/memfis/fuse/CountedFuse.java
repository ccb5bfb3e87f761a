package io.memfis.fuse;

import io.memfis.fs.MemFs;
import io.memfis.fuse.OpCounters.Op;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * {@link MemfisFuse} with its operations counted: each override times the adapter's own
 * answer and counts it in {@link OpCounters}, so the adapter stays translation only. It
 * overrides exactly the operations the adapter implements (jnr-fuse registers with libfuse
 * only the methods a class overrides without {@code @NotImplemented}).
 */
final class CountedFuse extends MemfisFuse {

    private final OpCounters c;

    CountedFuse(MemFs fs, StaleAttributes stale, OpCounters counters) {
        super(fs, stale);
        this.c = counters;
    }

    @Override
    public int getattr(String path, FileStat stat) {
        return c.done(Op.GETATTR, System.nanoTime(), super.getattr(path, stat));
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return c.done(Op.FGETATTR, System.nanoTime(), super.fgetattr(path, stat, fi));
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        return c.done(Op.READDIR, System.nanoTime(), super.readdir(path, buf, filler, offset, fi));
    }

    @Override
    public int mkdir(String path, long mode) {
        return c.done(Op.MKDIR, System.nanoTime(), super.mkdir(path, mode));
    }

    @Override
    public int mknod(String path, long mode, long rdev) {
        return c.done(Op.MKNOD, System.nanoTime(), super.mknod(path, mode, rdev));
    }

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        long start = System.nanoTime();
        int r = super.create(path, mode, fi);
        if (r == 0) {
            c.opened();
        }
        return c.done(Op.CREATE, start, r);
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        long start = System.nanoTime();
        int r = super.open(path, fi);
        if (r == 0) {
            c.opened();
            c.pages(!FileInfoBits.isDirectIo(fi));
        }
        return c.done(Op.OPEN, start, r);
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        long start = System.nanoTime();
        int r = super.read(path, buf, size, offset, fi);
        c.read(r);
        return c.done(Op.READ, start, r);
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        long start = System.nanoTime();
        int r = super.write(path, buf, size, offset, fi);
        c.written(r);
        return c.done(Op.WRITE, start, r);
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return c.done(Op.FLUSH, System.nanoTime(), super.flush(path, fi));
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return c.done(Op.FSYNC, System.nanoTime(), super.fsync(path, isdatasync, fi));
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        long start = System.nanoTime();
        int r = super.release(path, fi);
        c.released();
        return c.done(Op.RELEASE, start, r);
    }

    @Override
    public int truncate(String path, long size) {
        return c.done(Op.TRUNCATE, System.nanoTime(), super.truncate(path, size));
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        return c.done(Op.FTRUNCATE, System.nanoTime(), super.ftruncate(path, size, fi));
    }

    @Override
    public int unlink(String path) {
        return c.done(Op.UNLINK, System.nanoTime(), super.unlink(path));
    }

    @Override
    public int rmdir(String path) {
        return c.done(Op.RMDIR, System.nanoTime(), super.rmdir(path));
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return c.done(Op.RENAME, System.nanoTime(), super.rename(oldpath, newpath));
    }

    @Override
    public int link(String oldpath, String newpath) {
        return c.done(Op.LINK, System.nanoTime(), super.link(oldpath, newpath));
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return c.done(Op.SYMLINK, System.nanoTime(), super.symlink(oldpath, newpath));
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        return c.done(Op.READLINK, System.nanoTime(), super.readlink(path, buf, size));
    }

    @Override
    public int chmod(String path, long mode) {
        return c.done(Op.CHMOD, System.nanoTime(), super.chmod(path, mode));
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return c.done(Op.CHOWN, System.nanoTime(), super.chown(path, uid, gid));
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return c.done(Op.UTIMENS, System.nanoTime(), super.utimens(path, timespec));
    }

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        return c.done(Op.SETXATTR, System.nanoTime(), super.setxattr(path, name, value, size, flags));
    }

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        return c.done(Op.GETXATTR, System.nanoTime(), super.getxattr(path, name, value, size));
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        return c.done(Op.LISTXATTR, System.nanoTime(), super.listxattr(path, list, size));
    }

    @Override
    public int removexattr(String path, String name) {
        return c.done(Op.REMOVEXATTR, System.nanoTime(), super.removexattr(path, name));
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        return c.done(Op.STATFS, System.nanoTime(), super.statfs(path, stbuf));
    }

    @Override
    public int access(String path, int mask) {
        return c.done(Op.ACCESS, System.nanoTime(), super.access(path, mask));
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return c.done(Op.OPENDIR, System.nanoTime(), super.opendir(path, fi));
    }
}
