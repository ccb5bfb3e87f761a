package io.memfis.fs.data;

import io.memfis.fs.Errno;
import io.memfis.fs.FallocateModes;
import io.memfis.fs.FsException;
import io.memfis.fs.OpenFlags;
import io.memfis.fs.ReadBuffer;
import io.memfis.fs.Times;
import io.memfis.layout.Attributes;
import io.memfis.layout.PartRanges;
import io.memfis.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Open files: reading and writing through {@link OpenFile}s, and saving them on flush,
 * fsync and release. Between two saves a file's changes live only in this mount.
 */
public final class FileIo {

    private static final Logger log = LoggerFactory.getLogger(FileIo.class);

    private final Records records;
    private final Contents contents;
    private final OpenFiles openFiles = new OpenFiles();
    private final Times times;
    private final Leftovers leftovers;
    /** Saves finished (or failed) so far: see {@link #withoutSaveBetween}. */
    private final AtomicLong saves = new AtomicLong();
    /** Files a writeback queue holds open until it has stored them: their other handles' releases save nothing. */
    private final Set<OpenFile> heldForWriteback = ConcurrentHashMap.newKeySet();

    public FileIo(Records records, Contents contents, Times times) {
        this.records = records;
        this.contents = contents;
        this.times = times;
        this.leftovers = new Leftovers(contents);
    }

    /**
     * The first step of opening an existing file for reading: its content asked for before
     * its record is read afresh, both in flight together; null when not worth asking (not
     * for reading, or the file is open here already and shares that open state).
     *
     * @param cached the file's attributes as this mount's cache has them, or null
     */
    public CompletableFuture<Store.Item> prefetch(String path, Attributes cached, int flags) {
        if ((cached == null || !isOpen(cached.ino())) && (flags & OpenFlags.O_ACCMODE) != OpenFlags.O_WRONLY && (flags & OpenFlags.O_TRUNC) == 0) {
            return contents.readWholeAsync(path);
        }
        return null;
    }

    /**
     * Opens an existing file, with the attributes of its record read afresh (close-to-open:
     * the name may hold another file by now) and what {@link #prefetch} asked for.
     */
    public long open(String path, Attributes stored, int flags, CompletableFuture<Store.Item> prefetched) {
        Attributes found = current(stored);
        long size = stored.size();
        CompletableFuture<Store.Item> content = prefetched;
        if (content == null && !contents.isWhole(size) && !isOpen(stored.ino()) && (flags & OpenFlags.O_TRUNC) == 0) {
            content = contents.readWholeAsync(path); // stored whole compressed, or in parts: its item says
        }
        CompletableFuture<Store.Item> whole = content;
        long fh = openFiles.open(stored.ino(), flags, found, ino -> new OpenFile(ino, size, stored.parts(), contents, whole));
        if ((flags & OpenFlags.O_TRUNC) != 0) {
            OpenFile f = openFiles.get(fh).file();
            synchronized (f) {
                f.truncate(path, 0, times.now());
            }
        }
        return fh;
    }

    /** Opens a file just created: empty, and its content stored on the first flush even if nothing is written. */
    public long openNew(long ino, int flags) {
        return openFiles.open(ino, flags, null, i -> {
            OpenFile f = new OpenFile(i, 0, PartRanges.ALL, contents, null);
            f.markNew();
            return f;
        });
    }

    /**
     * Starts storing the whole content (at most one part) of a file just made complete under
     * its one name, {@code path}, as its first close would: it is open nowhere.
     */
    public CompletableFuture<Void> storeComplete(String path, byte[] content) {
        return contents.writeWhole(List.of(path), content);
    }

    public int read(long fh, String path, long offset, ReadBuffer dst, int length) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            return f.read(path, offset, dst, length);
        }
    }

    public long dataFrom(long fh, long offset) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            return f.dataFrom(offset);
        }
    }

    /**
     * Writes at {@code offset}, or at the end for a handle opened with O_APPEND: the kernel
     * computes an append's offset from the size it cached, which another mount may have
     * changed since.
     *
     * @return the file's size after the write
     */
    public long write(long fh, String path, long offset, byte[] src, int length) {
        OpenFiles.Handle h = openFiles.get(fh);
        OpenFile f = h.file();
        synchronized (f) {
            f.write(path, (h.flags() & OpenFlags.O_APPEND) != 0 ? f.size() : offset, src, length, times.now());
            return f.size();
        }
    }

    public void truncate(long fh, String path, long size) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            f.truncate(path, size, times.now());
        }
    }

    /**
     * fallocate(2) through handle {@code fh}, its mode checked by {@link FallocateModes#check}:
     * grows the file to the range's end as a hole unless told to keep the size, and zeros the
     * range for a punch hole or a zero range. Returns the file's size after.
     */
    public long fallocate(long fh, String path, int mode, long offset, long length) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            long now = times.now();
            if (FallocateModes.grows(mode) && offset + length > f.size()) {
                f.truncate(path, offset + length, now);
            }
            if (FallocateModes.zeroes(mode)) {
                f.zero(path, offset, length, now);
            }
            return f.size();
        }
    }

    /** The attributes the file had when handle {@code fh} opened it (null for a file this handle created). */
    public Attributes openedWith(long fh) {
        return openFiles.get(fh).found();
    }

    public void flush(long fh, String path) {
        save(openFiles.get(fh).file(), path);
    }

    /** Closes a handle; the last one saves what is left (it was saved on flush unless that failed). */
    public void release(long fh, String path) {
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
    public long holdForWriteback(long fh) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            if (!f.isDirty() || f.isUnlinked() || heldForWriteback.contains(f)) {
                return -1;
            }
            heldForWriteback.add(f);
            return openFiles.open(f.ino(), OpenFlags.O_WRONLY, null, ino -> f);
        }
    }

    public long inodeOf(long fh) {
        return openFiles.get(fh).file().ino();
    }

    /** About the memory the file of {@code fh} holds: its content, or the few parts of a large one. */
    public long memoryOf(long fh) {
        OpenFile f = openFiles.get(fh).file();
        synchronized (f) {
            return Math.min(f.size(), (long) contents.partSize() * 6);
        }
    }

    /** Ends a writeback hold: saves what is left unsaved (throws if that fails) and closes the queue's handle. */
    public void releaseHeld(long fh, String path) {
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
    public void abandon(long ino) {
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
    public void deleteParts(Attributes removed) {
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
    public void retryLeftovers() {
        leftovers.retry();
    }

    /** The attributes of a file as this mount shows them: {@code stored} with the unsaved changes of its open file. */
    public Attributes current(Attributes stored) {
        OpenFile f = openFiles.ofInode(stored.ino());
        return f == null ? stored : withOpenState(f, stored);
    }

    /**
     * What {@code read} gives, read again when a save finished meanwhile: a record read
     * before a save and an open file looked at after it (by {@link #current} or
     * {@link #attributes}) have neither the changes the save stored (they left the open file)
     * nor the record it wrote. A chmod or utime right after close() met the release that
     * way, and its own reply (libfuse answers a setattr with a getattr) gave the kernel the
     * old mode and mtime to keep for the attribute timeout.
     */
    public <T> T withoutSaveBetween(Supplier<T> read) {
        while (true) {
            long before = saves.get();
            T value = read.get();
            if (saves.get() == before) {
                return value;
            }
        }
    }

    private static Attributes withOpenState(OpenFile f, Attributes stored) {
        synchronized (f) {
            return f.isClosed() ? stored : f.patch().applyTo(stored).withSize(f.size()).withParts(f.writtenParts());
        }
    }

    /** The attributes of an open file: {@code stored}, its record's, with its unsaved changes. */
    public Attributes attributes(long fh, Attributes stored) {
        return withOpenState(openFiles.get(fh).file(), stored);
    }

    /**
     * Adds an attribute change to the file's open state, to be saved with it; false when not
     * open here, or closed meanwhile: its last save is done, and the change must go to the
     * record.
     */
    public boolean patchIfOpen(long ino, Patch patch) {
        OpenFile f = openFiles.ofInode(ino);
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

    /** Saves file {@code ino} (at {@code path}) if it is open here with unsaved changes (before its keys are copied). */
    public void saveIfOpen(long ino, String path) {
        OpenFile f = openFiles.ofInode(ino);
        if (f != null) {
            save(f, path);
        }
    }

    boolean isOpen(long ino) {
        return openFiles.ofInode(ino) != null;
    }

    /** At unmount: says what was left unsaved (the kernel flushes and releases every file before). */
    public void saveAll() {
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
            startSave(f, path).finish();
        }
    }

    /**
     * Saves several files (writeback: those whose names were just stored), the stores of all
     * in flight together, then waits for each: one wait for all, where saving them one by one
     * woke a thread and waited a round trip per file.
     *
     * @return per file (in order), null when saved, else why not
     */
    public RuntimeException[] flushAll(List<Long> fhs, List<String> paths) {
        RuntimeException[] failures = new RuntimeException[fhs.size()];
        saveFrom(fhs, paths, 0, failures);
        return failures;
    }

    /** Starts the save of file {@code i} under its lock, saves the rest meanwhile, then finishes it, still under its lock. */
    private void saveFrom(List<Long> fhs, List<String> paths, int i, RuntimeException[] failures) {
        if (i == fhs.size()) {
            return;
        }
        OpenFile f;
        try {
            f = openFiles.get(fhs.get(i)).file();
        } catch (RuntimeException e) {
            failures[i] = e;
            saveFrom(fhs, paths, i + 1, failures);
            return;
        }
        synchronized (f) {
            PendingSave started = null;
            try {
                started = startSave(f, paths.get(i));
            } catch (RuntimeException e) {
                failures[i] = e;
            }
            saveFrom(fhs, paths, i + 1, failures);
            if (started != null) {
                try {
                    started.finish();
                } catch (RuntimeException e) {
                    failures[i] = e;
                }
            }
        }
    }

    /** A save in flight: {@link #finish} waits for its stores and marks the file saved. */
    @FunctionalInterface
    private interface PendingSave {
        void finish();
    }

    /** Sends what a save of {@code f} stores, without waiting; the caller holds the lock of {@code f} until it finishes. */
    private PendingSave startSave(OpenFile f, String path) {
        // a file removed while open has no name to be saved under: its last release deletes it
        if (!f.isDirty() || f.isUnlinked()) {
            return () -> { };
        }
        CompletableFuture<Void> content;
        Patch patch;
        Records.Pending attributes;
        try {
            content = f.saveContent(records.names(path));
            patch = f.patch();
            // content and attributes go out together: one wait for both
            attributes = f.changesRecord(patch) ? records.update(path, patch::applyTo, content) : () -> contents.await(content);
        } catch (RuntimeException e) {
            saves.incrementAndGet();
            throw e;
        }
        return () -> {
            try {
                attributes.finish();
                f.patchSaved(patch);
                f.contentSaved();
                f.recorded();
            } finally {
                saves.incrementAndGet();
            }
        };
    }
}
