package io.memfis.fs.data;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.layout.Attributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/** The files open in this mount: handle numbers to handles, and one {@link OpenFile} per inode. */
public final class OpenFiles {

    /**
     * What {@code open} returned: the shared file, the flags it was opened with, and the
     * attributes the file had then (null for a file the handle created).
     */
    record Handle(OpenFile file, int flags, Attributes found) {
    }

    private final Map<Long, Handle> handles = new ConcurrentHashMap<>();
    private final Map<Long, OpenFile> byInode = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);

    /**
     * Opens inode {@code ino}, sharing its {@link OpenFile} if it is open already. A file
     * whose last handle is being released (under its lock) is not shared: once that is done
     * it is closed, and a fresh one takes its place.
     */
    long open(long ino, int flags, Attributes found, LongFunction<OpenFile> opener) {
        OpenFile file;
        while (true) {
            file = byInode.computeIfAbsent(ino, opener::apply);
            synchronized (file) {
                if (file.retain()) {
                    break;
                }
            }
            byInode.remove(ino, file);
        }
        long fh = nextHandle.getAndIncrement();
        handles.put(fh, new Handle(file, flags, found));
        return fh;
    }

    Handle get(long fh) {
        Handle h = handles.get(fh);
        if (h == null) {
            throw new FsException(Errno.EBADF, "no open file with handle " + fh);
        }
        return h;
    }

    /** The open file of inode {@code ino}, or null. */
    OpenFile ofInode(long ino) {
        return byInode.get(ino);
    }

    /**
     * Closes a handle; returns its file, and forgets (closes) the file when this was its
     * last handle. Callers hold no lock but the file's: this takes none that another
     * thread could hold while it waits for the file's.
     */
    OpenFile close(long fh) {
        Handle h = handles.remove(fh);
        if (h == null) {
            throw new FsException(Errno.EBADF, "no open file with handle " + fh);
        }
        OpenFile file = h.file();
        synchronized (file) {
            if (file.releaseOne()) {
                byInode.remove(file.ino(), file);
            }
        }
        return file;
    }

    List<Handle> all() {
        return new ArrayList<>(handles.values());
    }
}
