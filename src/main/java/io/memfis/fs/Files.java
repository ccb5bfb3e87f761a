package io.memfis.fs;

import io.memfis.layout.Attributes;
import io.memfis.layout.PartRanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.memfis.store.Store;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Open files: reading and writing through {@link OpenFile}s, and saving them on flush,
 * fsync and release. Between two saves a file's changes live only in this mount.
 */
final class Files {

    private static final Logger log = LoggerFactory.getLogger(Files.class);

    /** Linux's open flags: O_TRUNC reaches open with {@code atomic_o_trunc}. */
    static final int O_ACCMODE = 03;
    static final int O_WRONLY = 01;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;

    private final Catalog catalog;
    private final Contents contents;
    private final OpenFiles openFiles = new OpenFiles();
    private final KernelView kernel = new KernelView();
    private final Times times;
    private final Leftovers leftovers;
    /** Files a writeback queue holds open until it has stored them: their other handles' releases save nothing. */
    private final java.util.Set<OpenFile> heldForWriteback = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Files(Catalog catalog, Contents contents, Times times) {
        this.catalog = catalog;
        this.contents = contents;
        this.times = times;
        this.leftovers = new Leftovers(contents);
    }

    /**
     * Opens an existing file. Its record is read afresh (close-to-open): the name may hold
     * another file by now. For reading, its content is asked for in the same breath, unless
     * the file is open here already and shares that open state.
     */
    long open(String path, int flags) {
        Entry cached = catalog.peek(path);
        CompletableFuture<Store.Item> content = null;
        if ((cached == null || !isOpen(cached.ino())) && (flags & O_ACCMODE) != O_WRONLY && (flags & O_TRUNC) == 0) {
            content = contents.readWholeAsync(path);
        }
        Entry e = catalog.findFresh(path);
        if (e == null) {
            throw FsException.of(Errno.ENOENT, path);
        }
        if (e.attributes().isDirectory()) {
            throw FsException.of(Errno.EISDIR, path);
        }
        boolean kernelStale = kernel.differs(path, current(e));
        long size = e.attributes().size();
        if (content == null && !contents.isWhole(size) && !isOpen(e.ino()) && (flags & O_TRUNC) == 0) {
            content = contents.readWholeAsync(path); // stored whole compressed, or in parts: its item says
        }
        CompletableFuture<Store.Item> prefetched = content;
        long fh = openFiles.open(e.ino(), flags, kernelStale, ino -> new OpenFile(ino, size, e.attributes().parts(), contents, prefetched));
        if ((flags & O_TRUNC) != 0) {
            OpenFile f = openFiles.get(fh).file();
            synchronized (f) {
                f.truncate(path, 0, times.now());
            }
        }
        return fh;
    }

    /** Opens a file just created: empty, and its content stored on the first flush even if nothing is written. */
    long openNew(Entry created, int flags) {
        kernel.wrote(created.path(), 0);
        return openFiles.open(created.ino(), flags, false, ino -> {
            OpenFile f = new OpenFile(ino, 0, PartRanges.ALL, contents, null);
            f.markNew();
            return f;
        });
    }

    int read(long fh, String path, long offset, ReadBuffer dst, int length) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            return f.read(path, offset, dst, length);
        }
    }

    long dataFrom(long fh, long offset) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            return f.dataFrom(offset);
        }
    }

    /**
     * Writes at {@code offset}, or at the end for a handle opened with O_APPEND: the kernel
     * computes an append's offset from the size it cached, which another mount may have
     * changed since.
     */
    void write(long fh, String path, long offset, byte[] src, int length) {
        OpenFiles.Handle h = openFiles.get(fh);
        OpenFile f = h.file();
        synchronized (f) {
            f.write(path, (h.flags() & O_APPEND) != 0 ? f.size() : offset, src, length, times.now());
            kernel.wrote(path, f.size());
        }
    }

    void truncate(long fh, String path, long size) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            f.truncate(path, size, times.now());
            kernel.wrote(path, f.size());
        }
    }

    /** Whether, at open, the file had another size or mtime than this mount last showed the kernel for its name. */
    boolean kernelStale(long fh) {
        return openFiles.get(fh).kernelStale();
    }

    /** Truncates a file by path: through its open file if it has one here, else opened for the purpose. */
    void truncate(String path, long size) {
        long fh = open(path, 0);
        try {
            truncate(fh, path, size);
            flush(fh, path);
        } finally {
            release(fh, path);
        }
    }

    void flush(long fh, String path) {
        save(openFiles.get(fh).file(), path);
    }

    /** Closes a handle; the last one saves what is left (it was saved on flush unless that failed). */
    void release(long fh, String path) {
        OpenFile f = openFiles.get(fh).file();
        // the last save and the closing under one lock: a chmod or utime that comes meanwhile
        // (the kernel sends RELEASE after close has returned) waits, finds the file closed
        // and changes the record after this save, never before it nor onto a file forgotten
        synchronized (f) {
            boolean last = f.isLastReference();
            try {
                if (!heldForWriteback.contains(f)) {
                    save(f, path);
                }
            } catch (RuntimeException e) {
                if (last) {
                    // the record keeps its size: the parts stored beyond it belong to nothing
                    discard(f, f.firstUnrecordedPart());
                }
                throw e;
            } finally {
                openFiles.close(fh);
            }
            if (last && f.isUnlinked()) {
                discard(f, 0);
            }
        }
    }

    /**
     * Writeback: a handle of the queue's own on the file of {@code fh}, holding it open, with
     * its unsaved state, until {@link #releaseHeld}; -1 when there is nothing to save or the
     * queue holds it already (that hold saves what was written since).
     */
    long holdForWriteback(long fh) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            if (!f.isDirty() || f.isUnlinked() || heldForWriteback.contains(f)) {
                return -1;
            }
            heldForWriteback.add(f);
            return openFiles.open(f.ino(), O_WRONLY, false, ino -> f);
        }
    }

    long inodeOf(long fh) {
        return openFiles.get(fh).file().ino();
    }

    /** About the memory the file of {@code fh} holds: its content, or the few parts of a large one. */
    long memoryOf(long fh) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            return Math.min(f.size(), (long) contents.partSize() * 6);
        }
    }

    /** Ends a writeback hold: saves what is left unsaved (throws if that fails) and closes the queue's handle. */
    void releaseHeld(long fh, String path) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            heldForWriteback.remove(f);
            release(fh, path);
        }
    }

    /**
     * Writeback: the file's name could not be stored (another mount has it): nothing of this
     * one is saved from now on, and its last release deletes the parts it wrote.
     */
    void abandon(long ino) {
        OpenFile f = openFiles.ofInode(ino);
        if (f != null) {
            synchronized (f) {
                if (!f.isClosed()) {
                    f.markUnlinked();
                }
            }
        }
    }

    /** Deletes the parts of {@code f} from {@code from} on, once its writes in flight are done. */
    private void discard(OpenFile f, long from) {
        f.settle();
        leftovers.delete(f.ino(), f.partsFrom(from));
    }

    /**
     * Deletes the parts of a file whose last name is gone; when it is open here, its last
     * release does, after whatever it still writes.
     */
    void deleteParts(Attributes removed) {
        OpenFile f = openFiles.ofInode(removed.ino());
        BitSet parts = removed.parts().bits(contents.partCount(removed.size()));
        if (f != null) {
            synchronized (f) {
                if (!f.isClosed()) {
                    f.markUnlinked();
                    return;
                }
                parts.or(f.partsFrom(0));
            }
        }
        contents.deleteParts(removed.ino(), parts);
    }

    /** Tries again to delete what failed writes left (memcached did not answer). */
    void retryLeftovers() {
        leftovers.retry();
    }

    /**
     * The attributes of an entry as this mount shows them: with unsaved changes of its open
     * file. What is shown is remembered: the kernel caches it, and clips reads to the size.
     */
    Attributes view(Entry e) {
        Attributes a = current(e);
        kernel.answered(e.path(), a);
        return a;
    }

    private Attributes current(Entry e) {
        OpenFile f = openFiles.ofInode(e.ino());
        return f == null ? e.attributes() : withOpenState(f, e.attributes());
    }

    private static Attributes withOpenState(OpenFile f, Attributes stored) {
        synchronized (f) {
            return f.isClosed() ? stored : f.patch().applyTo(stored).withSize(f.size()).withParts(f.writtenParts());
        }
    }

    Attributes attributes(long fh, String path) {
        Attributes a = withOpenState(openFiles.get(fh).file(), catalog.require(path).attributes());
        kernel.answered(path, a);
        return a;
    }

    /**
     * Adds an attribute change to the file's open state, to be saved with it; false when not
     * open here, or closed meanwhile: its last save is done, and the change must go to the
     * record.
     */
    boolean patchIfOpen(Entry e, Patch patch) {
        OpenFile f = openFiles.ofInode(e.ino());
        if (f == null) {
            return false;
        }
        synchronized (f) {
            if (f.isClosed()) {
                return false;
            }
            f.addPatch(patch);
        }
        return true;
    }

    /** Saves the file of {@code e} if it is open here with unsaved changes (before its keys are copied). */
    void saveIfOpen(Entry e) {
        OpenFile f = openFiles.ofInode(e.ino());
        if (f != null) {
            save(f, e.path());
        }
    }

    boolean isOpen(long ino) {
        return openFiles.ofInode(ino) != null;
    }

    /** At unmount: says what was left unsaved (the kernel flushes and releases every file before). */
    void saveAll() {
        for (OpenFiles.Handle h : openFiles.all()) {
            synchronized (h.file()) {
                if (h.file().isDirty()) {
                    log.warn("inode {} still open with unsaved changes at unmount", h.file().ino());
                }
            }
        }
        leftovers.close();
    }

    private void save(OpenFile f, String path) {
        synchronized (f) {
            // a file removed while open has no name to be saved under: its last release deletes it
            if (!f.isDirty() || f.isUnlinked()) {
                return;
            }
            Entry e = catalog.require(path);
            // a file with several names: its names as they are now, another mount may have added one
            List<String> names = e.isShared() ? catalog.freshNode(e.ino()).value().paths() : List.of(path);
            // content and attributes go out together: one wait for both
            OpenFile.Saving content = f.saveContent(names);
            Patch patch = f.patch();
            Catalog.PendingUpdate attributes = patch.isEmpty() ? null : catalog.startUpdate(path, patch::applyTo);
            content.finish();
            if (attributes != null) {
                attributes.finish();
                f.patchSaved(patch);
            }
            f.recorded();
        }
    }
}
