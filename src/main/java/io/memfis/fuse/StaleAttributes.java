package io.memfis.fuse;

import io.memfis.fs.MemFs;
import jnr.constants.platform.OpenFlags;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes the kernel drop the attributes it cached for names of this mount. libfuse 2's
 * high-level API gives each name its own kernel inode (hard links included) and offers no
 * way to invalidate one: after {@code ln a b} the kernel would show {@code a}'s old link
 * count and ctime until the attribute timeout. So memfis asks the kernel which inode
 * (FUSE node id) it holds for the name, from its own dentry cache only, and sends libfuse's
 * low-level inode invalidation for it: the next {@code stat} of that name asks memfis.
 *
 * <p>The name is resolved with {@code openat2(O_PATH, RESOLVE_CACHED)}, which never sends
 * a request to this filesystem (so it cannot wait on the operation that calls it) and
 * fails when a component is not cached or due for revalidation; then the kernel holds no
 * attributes for the name that a lookup would not refresh. Its node id comes from
 * {@code name_to_handle_at}: FUSE's file handle is the node id and generation.
 */
final class StaleAttributes {

    private static final Logger log = LoggerFactory.getLogger(StaleAttributes.class);

    /** Linux's openat2 system call number, the same on every architecture. */
    private static final long SYS_OPENAT2 = 437;
    /** Linux's O_PATH (the same on x86-64 and arm64): a handle on the name, nothing opened. */
    private static final long O_PATH = 010000000;
    private static final long RESOLVE_CACHED = 0x20;
    private static final int AT_EMPTY_PATH = 0x1000;
    /** FILEID_INO64_GEN and FILEID_INO64_GEN_PARENT: FUSE's handles, node id first. */
    private static final int FUSE_HANDLE = 0x81;
    private static final int FUSE_HANDLE_WITH_PARENT = 0x82;
    private static final int HANDLE_BYTES = 64;

    /** What of libfuse 2 this needs; jnr-fuse does not bind them. */
    public interface LibFuse {
        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer session, Pointer channel);

        int fuse_lowlevel_notify_inval_inode(Pointer channel, long ino, long offset, long length);
    }

    /** What of the C library this needs. */
    public interface LibC {
        long syscall(long number, int dirfd, @In byte[] path, @In Pointer how, long size);

        int name_to_handle_at(int dirfd, @In byte[] path, Pointer handle, Pointer mountId, int flags);

        int close(int fd);
    }

    private final String mountPoint;
    private final LibFuse fuse;
    private final LibC libc;
    private final jnr.ffi.Runtime runtime;
    private volatile Pointer channel;

    private StaleAttributes(Path mountPoint, LibFuse fuse, LibC libc) {
        this.mountPoint = mountPoint.toString();
        this.fuse = fuse;
        this.libc = libc;
        this.runtime = jnr.ffi.Runtime.getRuntime(libc);
    }

    /** The one of a mount of {@code fs} at {@code mountPoint}, told of every change to a hard-linked file's names. */
    static StaleAttributes wiredTo(MemFs fs, Path mountPoint) {
        StaleAttributes stale = new StaleAttributes(mountPoint, LibraryLoader.create(LibFuse.class).load("fuse"),
                LibraryLoader.create(LibC.class).load("c"));
        fs.onLinkedNamesChanged(stale::forget);
        return stale;
    }

    /** Binds to the channel of the running mount: from libfuse's init, which knows its {@code struct fuse}. */
    void bind(Pointer fuseHandle) {
        Pointer session = fuse.fuse_get_session(fuseHandle);
        channel = session == null ? null : fuse.fuse_session_next_chan(session, null);
    }

    /**
     * The kernel forgets the attributes it cached for each of {@code paths} (memfis paths).
     * Never throws: the change it follows is made, whatever happens here.
     */
    void forget(List<String> paths) {
        Pointer ch = channel;
        if (ch == null) {
            return;
        }
        for (String path : paths) {
            try {
                long node = cachedNodeId(path);
                if (node > 0) {
                    int rc = fuse.fuse_lowlevel_notify_inval_inode(ch, node, -1, 0);
                    if (rc != 0 && rc != -2) { // -ENOENT: the kernel has just let the inode go
                        log.debug("invalidating {} (node {}): {}", path, node, rc);
                    }
                }
            } catch (Throwable t) {
                log.warn("{} may show old attributes until --attr-timeout: {}", path, t.toString());
            }
        }
    }

    /** The kernel's node id for {@code path} if its dentry cache holds the name, else 0. */
    private long cachedNodeId(String path) {
        Pointer how = Memory.allocateDirect(runtime, 24);
        how.putLong(0, O_PATH | OpenFlags.O_NOFOLLOW.longValue() | OpenFlags.O_CLOEXEC.longValue());
        how.putLong(8, 0);
        how.putLong(16, RESOLVE_CACHED);
        int fd = (int) libc.syscall(SYS_OPENAT2, -100, cString(path.equals("/") ? mountPoint : mountPoint + path),
                how, 24);
        if (fd < 0) {
            return 0; // not cached (EAGAIN), gone (ENOENT): nothing cached to drop
        }
        try {
            Pointer handle = Memory.allocateDirect(runtime, 8 + HANDLE_BYTES);
            handle.putInt(0, HANDLE_BYTES);
            Pointer mountId = Memory.allocateDirect(runtime, 4);
            if (libc.name_to_handle_at(fd, cString(""), handle, mountId, AT_EMPTY_PATH) != 0) {
                return 0;
            }
            int type = handle.getInt(4);
            if ((type != FUSE_HANDLE && type != FUSE_HANDLE_WITH_PARENT) || handle.getInt(0) < 8) {
                return 0;
            }
            return (Integer.toUnsignedLong(handle.getInt(8)) << 32) | Integer.toUnsignedLong(handle.getInt(12));
        } finally {
            libc.close(fd);
        }
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }
}
