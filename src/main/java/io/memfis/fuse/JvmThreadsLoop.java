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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * libfuse 2's loop, run on threads of the JVM. libfuse's own loop serves on native threads
 * it makes, and jffi attaches such a thread to the JVM before each callback and detaches it
 * after, until the thread has served 1,000 of them: some 45 µs each, on the first ten
 * thousand requests of every mount (a third of the CPU of a fresh mount's {@code find -ls}
 * of /usr/share/doc). A JVM thread calls back attached as it is.
 * <p>
 * One thread reads requests while they are answered quickly: the thread that answered one
 * reads the next, which a client waiting for its answers has usually sent by then, so that
 * no thread is woken for it. libfuse's multi-threaded loop keeps a thread waiting in
 * read(2) at all times, and the kernel wakes the one that waited longest, another thread
 * for every request: a context switch per request (six per create of an empty file) that
 * cost more CPU than the request itself. A request that takes longer than
 * {@link #SLOW_NANOS} (one that waits for memcached, an fsync, a create behind the memory
 * cap) lets another thread read the next: a watcher, one of the idle threads, looks every
 * {@link #TICK_NANOS} while requests come and sleeps while none do. Another process's
 * request thus waits behind a slow one two milliseconds at most, and an operation
 * that waits for another one (a close for its release) gets it served.
 */
final class JvmThreadsLoop {

    /** A request that takes longer lets another thread read the next one. */
    static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How often the watcher looks for a slow request while requests come. */
    private static final long TICK_NANOS = SLOW_NANOS;
    /** Threads idle past which one that is done ends (libfuse's number of waiting threads). */
    private static final int MAX_IDLE = 10;
    private static final int EINTR = 4;
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
    private final ReentrantLock lock = new ReentrantLock();
    /** Idle threads other than the watcher wait here for a turn (to read or to watch). */
    private final Condition idle = lock.newCondition();
    /** The watcher waits here, a tick at a time or, while no request comes, until one does. */
    private final Condition watch = lock.newCondition();
    /** {@link #run} waits here for the last thread to end. */
    private final Condition over = lock.newCondition();
    // guarded by lock: threads reading, idle (not counting the watcher), in all; the watcher's state
    private int readers;
    private int idleThreads;
    private int threads;
    private boolean watching;
    private boolean watcherAsleep;
    private boolean exited;
    /** Requests received so far: the watcher sleeps when a tick saw none. */
    private long received;
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicInteger names = new AtomicInteger();

    /** A serving thread: when it began the request it is on (0: none). Guarded by lock. */
    private static final class Worker {
        long since;
    }

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
        lock.lock();
        try {
            // one to read, one to watch
            startThread();
            startThread();
            while (threads > 0) {
                over.awaitUninterruptibly(); // the loop ends when the kernel ends the mount, not before
            }
        } finally {
            lock.unlock();
        }
    }

    /** Starts a serving thread; called holding {@link #lock}. */
    private void startThread() {
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
        Worker me = new Worker();
        lock.lock();
        try {
            workers.add(me);
        } finally {
            lock.unlock();
        }
        try {
            while (takeTurn(me)) {
                buf.putLong(0, bufferSize);
                buf.putInt(8, 0);
                buf.putAddress(16, memory.address());
                buf.putInt(24, 0);
                buf.putLong(32, 0);
                from.putAddress(0, channel.address());
                int res = lib.fuse_session_exited(session) == 0 ? lib.fuse_session_receive_buf(session, buf, from) : 0;
                if (!received(me, res)) {
                    continue;
                }
                lib.fuse_session_process_buf(session, buf, from.getPointer(0));
            }
        } finally {
            lock.lock();
            try {
                workers.remove(me);
                threads--;
                over.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * After a read of the kernel's: true when {@code res} is a request to serve (the thread
     * is busy with it from now); false to read again (EINTR) or after the end of the mount.
     */
    private boolean received(Worker me, int res) {
        lock.lock();
        try {
            readers--;
            if (res == -EINTR) {
                return false;
            }
            if (res <= 0) {
                exit();
                return false;
            }
            received++;
            me.since = System.nanoTime();
            if (watcherAsleep) {
                watcherAsleep = false;
                watch.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The kernel ended the mount: every thread ends once done with its request. */
    private void exit() {
        if (!exited) {
            exited = true;
            lib.fuse_session_exit(session);
            idle.signalAll();
            watch.signalAll();
        }
    }

    /**
     * Waits until the calling thread may read the next request (true): at once when no
     * other thread reads; else it idles, or watches while no thread does. False when the
     * thread is to end: the mount ended, or enough threads idle.
     */
    private boolean takeTurn(Worker me) {
        lock.lock();
        try {
            me.since = 0;
            while (!exited) {
                if (readers == 0) {
                    readers++;
                    return true;
                }
                if (!watching) {
                    if (watchForSlow()) {
                        readers++;
                        if (idleThreads == 0) {
                            startThread(); // the next watcher
                        }
                        return true;
                    }
                    continue;
                }
                if (idleThreads >= MAX_IDLE) {
                    return false;
                }
                idleThreads++;
                idle.awaitUninterruptibly();
                idleThreads--;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The watcher's wait, holding {@link #lock}: true when a request has taken longer than
     * {@link #SLOW_NANOS} and no thread reads the next (the watcher then does), false when
     * the mount ended. Asleep while no request comes.
     */
    private boolean watchForSlow() {
        watching = true;
        try {
            long seen = -1;
            while (!exited) {
                long now = System.nanoTime();
                boolean busy = false;
                for (Worker w : workers) {
                    if (w.since != 0) {
                        busy = true;
                        if (now - w.since >= SLOW_NANOS && readers == 0) {
                            return true;
                        }
                    }
                }
                if (!busy && received == seen) {
                    watcherAsleep = true;
                    watch.awaitUninterruptibly();
                    watcherAsleep = false;
                } else {
                    seen = received;
                    tick();
                }
            }
            return false;
        } finally {
            watching = false;
            idle.signal(); // an idle thread watches now
        }
    }

    private void tick() {
        try {
            watch.awaitNanos(TICK_NANOS);
        } catch (InterruptedException e) {
            // nobody interrupts serving threads; the watch goes on until the mount ends
        }
    }
}
