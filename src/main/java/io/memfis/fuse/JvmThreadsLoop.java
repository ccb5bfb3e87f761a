package io.memfis.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.struct.FuseOperations;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * libfuse 2's multi-threaded loop, run on threads of the JVM. libfuse's own loop serves on
 * native threads it makes, and jffi attaches such a thread to the JVM before each callback
 * and detaches it after, until the thread has served 1,000 of them: some 45 µs each, on the
 * first ten thousand requests of every mount (a third of the CPU of a fresh mount's
 * {@code find -ls} of /usr/share/doc). A JVM thread calls back attached as it is. As in
 * libfuse's loop, a thread starts when none is left waiting for a request (an operation may
 * wait for another one, a close for its release), and ends when more than ten wait.
 */
final class JvmThreadsLoop {

    /** Threads waiting for a request past which one that is done ends (libfuse's number). */
    private static final int MAX_WAITING = 10;
    private static final int EINTR = 4;
    private static final int FUSE_FORGET = 2;
    private static final int FUSE_BATCH_FORGET = 42;
    /** struct fuse_buf on 64-bit Linux: size_t size, int flags, void *mem, int fd, off_t pos. */
    private static final int FUSE_BUF_SIZE = 40;

    /** The parts of libfuse 2's API that its own loop uses. */
    public interface LibFuseLoop {
        Pointer fuse_setup(int argc, String[] argv, FuseOperations op, @size_t long opSize,
                           PointerByReference mountpoint, IntByReference multithreaded, Pointer userData);

        void fuse_teardown(Pointer fuse, Pointer mountpoint);

        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer se, Pointer ch);

        @size_t long fuse_chan_bufsize(Pointer ch);

        int fuse_session_receive_buf(Pointer se, Pointer buf, Pointer ch);

        void fuse_session_process_buf(Pointer se, Pointer buf, Pointer ch);

        int fuse_session_exited(Pointer se);

        void fuse_session_exit(Pointer se);
    }

    private final LibFuseLoop lib;
    private final Pointer session;
    private final Pointer channel;
    private final long bufferSize;
    private final Object lock = new Object();
    /** Threads waiting for a request, and threads in all; guarded by {@link #lock}. */
    private int waiting;
    private int threads;
    private final AtomicInteger names = new AtomicInteger();

    private JvmThreadsLoop(LibFuseLoop lib, Pointer session) {
        this.lib = lib;
        this.session = session;
        this.channel = lib.fuse_session_next_chan(session, null);
        this.bufferSize = lib.fuse_chan_bufsize(channel);
    }

    /**
     * Mounts with {@code argv} (as fuse_main takes it, in the foreground), serves until
     * unmounted, and unmounts.
     *
     * @throws IllegalStateException when libfuse refuses to mount (it says why on stderr)
     */
    static void run(FuseOperations operations, String[] argv) {
        LibFuseLoop lib = load();
        PointerByReference mountPoint = new PointerByReference();
        Pointer fuse = lib.fuse_setup(argv.length, argv, operations, Struct.size(operations), mountPoint,
                new IntByReference(), null);
        if (fuse == null) {
            throw new IllegalStateException("libfuse could not mount");
        }
        try {
            new JvmThreadsLoop(lib, lib.fuse_get_session(fuse)).serveUntilUnmounted();
        } finally {
            lib.fuse_teardown(fuse, mountPoint.getValue());
        }
    }

    private static LibFuseLoop load() {
        try {
            return LibraryLoader.create(LibFuseLoop.class).failImmediately().load("fuse");
        } catch (LinkageError e) {
            return LibraryLoader.create(LibFuseLoop.class).failImmediately().load("libfuse.so.2");
        }
    }

    private void serveUntilUnmounted() {
        synchronized (lock) {
            startThread();
            while (threads > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    // the loop ends when the kernel ends the mount, not before
                }
            }
        }
    }

    /** Starts a thread that waits for requests; called holding {@link #lock}. */
    private void startThread() {
        waiting++;
        threads++;
        Thread t = new Thread(this::serve, "memfis-fuse-" + names.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    private void serve() {
        Runtime runtime = Runtime.getSystemRuntime();
        Pointer memory = Memory.allocateDirect(runtime, (int) bufferSize);
        Pointer buf = Memory.allocateDirect(runtime, FUSE_BUF_SIZE);
        Pointer from = Memory.allocateDirect(runtime, runtime.addressSize());
        try {
            while (lib.fuse_session_exited(session) == 0) {
                buf.putLong(0, bufferSize);
                buf.putInt(8, 0);
                buf.putAddress(16, memory.address());
                buf.putInt(24, 0);
                buf.putLong(32, 0);
                from.putAddress(0, channel.address());
                int res = lib.fuse_session_receive_buf(session, buf, from);
                if (res == -EINTR) {
                    continue;
                }
                if (res <= 0) {
                    lib.fuse_session_exit(session);
                    break;
                }
                // forgets come in bursts and answer nothing: no thread for them (as libfuse)
                int opcode = memory.getInt(4);
                boolean forget = opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET;
                if (!forget) {
                    synchronized (lock) {
                        waiting--;
                        if (waiting == 0) {
                            startThread();
                        }
                    }
                }
                lib.fuse_session_process_buf(session, buf, from.getPointer(0));
                if (!forget) {
                    synchronized (lock) {
                        waiting++;
                        if (waiting > MAX_WAITING) {
                            break;
                        }
                    }
                }
            }
        } finally {
            synchronized (lock) {
                waiting--;
                threads--;
                lock.notifyAll();
            }
        }
    }
}
