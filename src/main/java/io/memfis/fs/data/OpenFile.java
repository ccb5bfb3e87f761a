package io.memfis.fs.data;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.ReadBuffer;
import io.memfis.layout.GzipContent;
import io.memfis.layout.PartRanges;
import io.memfis.store.Store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The content of a file open in this mount, shared by every handle on it so that a read
 * sees what another handle wrote before it was saved. Writes collect here and are stored
 * once, on flush (close) or fsync; attribute changes made while the file is open (the
 * fchown, fchmod and futimens of {@code cp -a}) collect as a {@link Patch} and are saved
 * with it. A small file is read once per open and kept whole; a large one moves part by
 * part, a few parts in memory at a time, so a file of any size needs the same memory.
 * Callers synchronize on the instance.
 */
public final class OpenFile {

    /** Parts kept in memory at most; a sequential writer or reader needs two or three. */
    private static final int MAX_PARTS_IN_MEMORY = 6;
    /**
     * Unchanged parts kept at most: a reader needs the one it is in and perhaps the last;
     * more would outlive the JVM's young generation and fill the old one.
     */
    private static final int MAX_CLEAN_PARTS = 2;
    /** Part writes in flight at most while streaming a large file out. */
    private static final int MAX_WRITES_IN_FLIGHT = 4;
    /** Parts asked for ahead of a sequential reader: memcached's round trips overlap the copying. */
    private static final int READ_AHEAD = 3;

    private final long ino;
    private final Contents contents;
    private final int partSize;

    private int refs;
    private boolean closed;
    /** The size the record has, as far as this mount knows: stored parts beyond it belong to nothing yet. */
    private long recordSize;
    /** The last name of the file was removed while it was open here: its last release deletes its parts. */
    private boolean unlinked;
    /** A part write that failed: the content is incomplete, and is never saved as the file's. */
    private FsException failedWrite;
    private long size;
    private long storedSize;
    private boolean contentDirty;
    private Patch patch = Patch.NONE;
    /** The record is as this mount's create made it: nothing was saved since. */
    private boolean recordAsMade;

    /** The content of a file of at most one part, when loaded. */
    private byte[] whole;
    /** Whether the store holds content under the names' content keys. */
    private boolean storedWhole;

    private boolean large;
    private final TreeMap<Long, Part> parts = new TreeMap<>();
    /** Parts whose stored value is part of the content as it is now. */
    private final BitSet partsInStore = new BitSet();
    /** Stored parts the content no longer has (after a shrink), to delete on save. */
    private final BitSet staleParts = new BitSet();
    private final Map<Long, CompletableFuture<Store.Item>> prefetched = new HashMap<>();
    /** The part last fetched for a reader: the next one means the reader is sequential. */
    private long lastFetched = -2;
    private final ArrayDeque<CompletableFuture<Long>> writesInFlight = new ArrayDeque<>();

    private static final class Part {
        byte[] bytes;
        int length;
        boolean dirty;

        Part(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }
    }

    /** A read of the content started with the open, for a small file: saves a wait on the first read. */
    private CompletableFuture<Store.Item> prefetchedWhole;

    OpenFile(long ino, long storedSize, PartRanges written, Contents contents, CompletableFuture<Store.Item> prefetchedWhole) {
        this.ino = ino;
        this.contents = contents;
        this.partSize = contents.partSize();
        this.size = storedSize;
        this.storedSize = storedSize;
        this.recordSize = storedSize;
        this.large = !contents.isWhole(storedSize) && !wholeCompressed(contents, prefetchedWhole, storedSize);
        this.storedWhole = !large;
        if (large) {
            partsInStore.or(written.bits(contents.partCount(storedSize)));
        } else {
            this.prefetchedWhole = prefetchedWhole;
        }
    }

    /** Whether a file larger than one part is stored whole compressed: its content item, read at open, says so. */
    private static boolean wholeCompressed(Contents contents, CompletableFuture<Store.Item> item, long size) {
        return item != null && contents.holdsWhole(contents.await(item), size);
    }

    long ino() {
        return ino;
    }

    long size() {
        return size;
    }

    /** Adds a reference: false when the file is closed already (its last handle was released). */
    boolean retain() {
        if (closed) {
            return false;
        }
        refs++;
        return true;
    }

    /** Drops one reference: true when it was the last, and the file is closed from now on. */
    boolean releaseOne() {
        if (--refs <= 0) {
            closed = true;
        }
        return closed;
    }

    /** Whether the handle being released is the last one. */
    boolean isLastReference() {
        return refs == 1;
    }

    /**
     * Whether the file was closed: its state was saved for the last time (or the save
     * failed), so a change attached to it now would be lost. A closed file never reopens.
     */
    boolean isClosed() {
        return closed;
    }

    /** The record now has the size of the content here and every change saved (a save finished). */
    void recorded() {
        recordSize = size;
        recordAsMade = false;
    }

    void markUnlinked() {
        unlinked = true;
    }

    boolean isUnlinked() {
        return unlinked;
    }

    /** The first part that the record's size does not cover. */
    long firstUnrecordedPart() {
        return contents.partCount(recordSize);
    }

    /** The parts from {@code index} on that this file may have in the store. */
    BitSet partsFrom(long index) {
        BitSet mine = (BitSet) partsInStore.clone();
        mine.or(staleParts);
        mine.clear(0, (int) Math.min(index, Integer.MAX_VALUE));
        return mine;
    }

    /** The parts written, stored or not yet: those the file's blocks count. */
    PartRanges writtenParts() {
        if (!large) {
            return PartRanges.ALL;
        }
        BitSet written = (BitSet) partsInStore.clone();
        parts.keySet().forEach(i -> written.set((int) (long) i));
        return PartRanges.of(written, contents.partCount(size));
    }

    /** The first offset from {@code offset} on that may hold data: a hole's parts are all zeros. */
    long dataFrom(long offset) {
        if (!large || offset >= size) {
            return Math.min(offset, size);
        }
        long index = offset / partSize;
        long next = partsInStore.nextSetBit((int) index);
        Long inMemory = parts.ceilingKey(index);
        if (inMemory != null && (next < 0 || inMemory < next)) {
            next = inMemory;
        }
        return next < 0 ? size : Math.min(size, Math.max(offset, next * partSize));
    }

    /** Waits for every part write in flight, failed or not: what is deleted next must not be written after. */
    void settle() {
        while (!writesInFlight.isEmpty()) {
            try {
                contents.await(writesInFlight.removeFirst());
            } catch (FsException e) {
                // the write failed: nothing of it to wait for
            }
        }
    }

    boolean isDirty() {
        return contentDirty || !patch.isEmpty();
    }

    /** A new file: its empty content must be stored even if nothing is written. */
    void markNew() {
        prefetchedWhole = null;
        whole = new byte[0];
        storedWhole = false;
        contentDirty = true;
        recordAsMade = true;
    }

    /**
     * Whether saving {@code saved} changes the file's record: not when the record is as its
     * create made it and {@code saved} only says the content is stored whole, as a new
     * record says already ({@code : > f}, {@code touch f}: its content the only request).
     */
    boolean changesRecord(Patch saved) {
        return !saved.isEmpty() && !(recordAsMade && saved.equals(Patch.WHOLE));
    }

    Patch patch() {
        return patch;
    }

    void addPatch(Patch change) {
        patch = patch.then(change);
    }

    /** Forgets the patch that was just saved, unless it changed meanwhile. */
    void patchSaved(Patch saved) {
        if (patch.equals(saved)) {
            patch = Patch.NONE;
        }
    }

    int read(String path, long offset, ReadBuffer dst, int length) {
        if (offset >= size || length <= 0) {
            return 0;
        }
        int n = (int) Math.min(length, size - offset);
        if (!large) {
            loadWhole(path);
            int have = (int) Math.max(0, Math.min(n, whole.length - offset));
            dst.put(0, whole, (int) offset, have);
            dst.zero(have, n - have);
            return n;
        }
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            long index = pos / partSize;
            int within = (int) (pos % partSize);
            int chunk = Math.min(n - done, partSize - within);
            Part part = partForRead(index);
            int have = part == null ? 0 : Math.max(0, Math.min(chunk, part.length - within));
            if (have > 0) {
                dst.put(done, part.bytes, within, have);
            }
            if (have < chunk) {
                dst.zero(done + have, chunk - have);
            }
            done += chunk;
        }
        return n;
    }

    void write(String path, long offset, byte[] src, int length, long now) {
        long end = offset + length;
        if (offset < 0 || end > contents.maxFileSize()) {
            throw new FsException(Errno.EFBIG, "write beyond the largest file memfis stores ("
                    + contents.maxFileSize() + " bytes): " + path);
        }
        if (!large && contents.isWhole(Math.max(size, end))) {
            loadWhole(path);
            if (whole.length < end) {
                whole = Arrays.copyOf(whole, (int) Math.min(partSize, Math.max(end, (long) whole.length * 2)));
            }
            System.arraycopy(src, 0, whole, (int) offset, length);
        } else {
            becomeLarge(path);
            int done = 0;
            while (done < length) {
                long pos = offset + done;
                long index = pos / partSize;
                int within = (int) (pos % partSize);
                int chunk = Math.min(length - done, partSize - within);
                Part part = partForWrite(index, within == 0 && chunk == partSize);
                if (part.bytes.length < within + chunk) {
                    part.bytes = Arrays.copyOf(part.bytes, Math.min(partSize, Math.max(within + chunk, part.bytes.length * 2)));
                }
                System.arraycopy(src, done, part.bytes, within, chunk);
                part.length = Math.max(part.length, within + chunk);
                part.dirty = true;
                done += chunk;
                if (part.length == partSize && within + chunk == partSize) {
                    // a sequential writer finished this part: send it now, keep memory flat
                    parts.remove(index);
                    writeOut(index, part);
                }
            }
            trimParts();
        }
        size = Math.max(size, end);
        contentDirty = true;
        addPatch(Patch.content(size, now));
    }

    void truncate(String path, long newSize, long now) {
        if (newSize < 0) {
            throw FsException.of(Errno.EINVAL, path);
        }
        if (newSize > contents.maxFileSize()) {
            throw new FsException(Errno.EFBIG, "size beyond the largest file memfis stores: " + path);
        }
        if (newSize == 0) {
            failedWrite = null; // nothing of the lost write is left to miss
            whole = new byte[0];
            large = false;
            dropPartsFrom(0);
        } else if (contents.isWhole(newSize)) {
            if (large) {
                Part first = partForRead(0);
                whole = new byte[(int) newSize];
                if (first != null) {
                    System.arraycopy(first.bytes, 0, whole, 0, (int) Math.min(newSize, first.length));
                }
                large = false;
                dropPartsFrom(0);
            } else {
                loadWhole(path);
                if (newSize < size) {
                    Arrays.fill(whole, (int) newSize, (int) Math.min(size, whole.length), (byte) 0);
                } else if (whole.length < newSize) {
                    // reads and a later shrink expect the buffer to cover the whole size
                    whole = Arrays.copyOf(whole, (int) newSize);
                }
            }
        } else {
            becomeLarge(path);
            if (newSize < size) {
                long last = (newSize - 1) / partSize;
                dropPartsFrom(last + 1);
                int keep = (int) (newSize - last * partSize);
                Part part = partForRead(last);
                if (part != null && part.length > keep) {
                    Arrays.fill(part.bytes, keep, part.length, (byte) 0);
                    part.length = keep;
                    part.dirty = true;
                }
            }
        }
        size = newSize;
        contentDirty = true;
        addPatch(Patch.content(size, now));
    }

    /**
     * Zeros {@code [offset, offset + length)} within the file's size (fallocate's punch hole
     * and zero range): a part the range covers whole becomes a hole, which stores nothing;
     * a part it crosses gets zeros there. The size stays.
     */
    void zero(String path, long offset, long length, long now) {
        long end = Math.min(size, offset + length);
        if (offset >= end) {
            return;
        }
        if (!large && contents.isWhole(size)) {
            loadWhole(path);
            int to = (int) Math.min(end, whole.length); // beyond the buffer reads as zeros already
            if (offset < to) {
                Arrays.fill(whole, (int) offset, to, (byte) 0);
            }
        } else {
            becomeLarge(path);
            long firstWhole = (offset + partSize - 1) / partSize;
            long endWhole = end == size ? contents.partCount(size) : end / partSize;
            if (firstWhole < endWhole) {
                dropParts(firstWhole, endWhole);
            }
            long head = offset / partSize;
            long tail = (end - 1) / partSize;
            // the parts between head and tail are whole in the range, dropped above
            for (long i : head == tail ? new long[]{head} : new long[]{head, tail}) {
                if (i < firstWhole || i >= endWhole) {
                    zeroWithin(i, offset - i * partSize, end - i * partSize);
                }
            }
        }
        contentDirty = true;
        addPatch(Patch.content(size, now));
    }

    /** Zeros part {@code index} from {@code from} to {@code to} (offsets in the part, clipped to it). */
    private void zeroWithin(long index, long from, long to) {
        Part part = partForRead(index);
        int a = (int) Math.max(0, from);
        int b = part == null ? 0 : (int) Math.min(to, part.length);
        if (a < b) {
            Arrays.fill(part.bytes, a, b, (byte) 0);
            part.dirty = true;
        }
    }

    private static final CompletableFuture<Void> NOTHING = CompletableFuture.completedFuture(null);

    /** The size of a small file's content sent whole by {@link #saveContent}, until {@link #contentSaved}; -1 if none. */
    private long sentWhole = -1;

    /**
     * Stores the content if it changed: whole under every name in {@code names} for a small
     * file (sent, not waited for: the caller overlaps it with the record's update, then
     * waits for the future answered and calls {@link #contentSaved}), else the parts not yet
     * stored, and removes what the file no longer has. A hole stores nothing: the record's
     * part ranges (added to the patch) say which parts were written.
     */
    CompletableFuture<Void> saveContent(Collection<String> names) {
        sentWhole = -1;
        if (failedWrite != null) {
            throw new FsException(failedWrite.errno(), "inode " + ino + " lost a write: " + failedWrite.getMessage());
        }
        if (!contentDirty) {
            return NOTHING;
        }
        if (large && contents.mayCompressWhole(names, size) && saveCompressedWhole(names)) {
            addPatch(Patch.WHOLE); // as a small file
            return NOTHING;
        }
        if (!large) {
            loadWhole(names.iterator().next());
            CompletableFuture<Void> writes = contents.writeWhole(names,
                    whole.length == size ? whole : Arrays.copyOf(whole, (int) size));
            addPatch(Patch.WHOLE);
            sentWhole = size;
            return writes;
        } else {
            long count = contents.partCount(size);
            for (Map.Entry<Long, Part> e : parts.entrySet()) {
                if (e.getValue().dirty && e.getKey() < count) {
                    writeOut(e.getKey(), e.getValue());
                }
            }
            PartRanges written = writtenRanges(count);
            awaitWrites(0);
            deleteStaleParts();
            addPatch(Patch.parts(written));
            if (storedWhole) {
                contents.deleteWhole(names);
                storedWhole = false;
            }
        }
        storedSize = size;
        contentDirty = false;
        return NOTHING;
    }

    /** A whole content sent by {@link #saveContent} is stored (its future completed): records what the store now holds. */
    void contentSaved() {
        if (sentWhole < 0) {
            return;
        }
        storedWhole = true;
        dropPartsFrom(0);
        deleteStaleParts();
        storedSize = sentWhole;
        sentWhole = -1;
        contentDirty = false;
    }

    /**
     * Stores a file larger than one part whole, compressed, if that fits one item: the content
     * is compressed part by part (from memory, else from the store, holes as zeros), and the
     * parts are deleted once the whole item is stored. False, with nothing changed in the
     * store, when it does not fit.
     */
    private boolean saveCompressedWhole(Collection<String> names) {
        awaitWrites(0);
        GzipContent.Stream gz = contents.compressor(size);
        long count = contents.partCount(size);
        boolean fits = true;
        for (long i = 0; i < count && fits; i++) {
            int share = (int) Math.min(partSize, size - i * partSize);
            Part part = parts.get(i);
            byte[] bytes = part == null ? null : part.bytes;
            int length = part == null ? 0 : Math.min(part.length, share);
            if (part == null && partsInStore.get((int) i)) {
                Store.Item item = contents.await(contents.readPart(ino, i));
                if (item == null) {
                    throw new FsException(Errno.EIO, "part " + i + " of inode " + ino
                            + " is missing from memcached (evicted, or memcached restarted)");
                }
                bytes = item.value();
                length = Math.min(bytes.length, share);
            }
            fits = (length == 0 || gz.add(bytes, 0, length)) && gz.addZeros(share - length);
        }
        byte[] gzipped = gz.finish();
        if (!fits || gzipped == null) {
            return false;
        }
        contents.await(contents.writeCompressed(names, gzipped));
        staleParts.or(partsInStore);
        partsInStore.clear();
        deleteStaleParts();
        parts.clear();
        prefetched.clear();
        whole = null;
        large = false;
        storedWhole = true;
        storedSize = size;
        contentDirty = false;
        return true;
    }

    /** Forgets parts from {@code index} on; those in the store become stale. */
    private void dropPartsFrom(long index) {
        dropParts(index, Long.MAX_VALUE);
    }

    /** Forgets parts {@code from} (inclusive) to {@code to} (exclusive): they become a hole; those in the store stale. */
    private void dropParts(long from, long to) {
        parts.subMap(from, true, to, false).clear();
        prefetched.keySet().removeIf(i -> i >= from && i < to);
        int first = (int) from;
        int end = (int) Math.min(to, partsInStore.length());
        for (int i = partsInStore.nextSetBit(first); i >= 0 && i < end; i = partsInStore.nextSetBit(i + 1)) {
            staleParts.set(i);
        }
        if (first < end) {
            partsInStore.clear(first, end);
        }
    }

    /**
     * The parts written, as the record keeps them; a file written in more pieces than a
     * record holds stores its shortest holes as empty parts until it fits.
     */
    private PartRanges writtenRanges(long count) {
        PartRanges written = PartRanges.of(partsInStore, count);
        while (written.rangeCount() > PartRanges.MAX_RANGES) {
            long[] b = written.bounds();
            int shortest = 1;
            for (int i = 1; i + 1 < b.length; i += 2) {
                shortest = b[i + 1] - b[i] < b[shortest + 1] - b[shortest] ? i : shortest;
            }
            for (long p = b[shortest]; p < b[shortest + 1]; p++) {
                writeOut(p, new Part(new byte[0], 0));
            }
            written = PartRanges.of(partsInStore, count);
        }
        return written;
    }

    /** Deletes the stale parts that were not written again. */
    private void deleteStaleParts() {
        staleParts.andNot(partsInStore);
        if (!staleParts.isEmpty()) {
            contents.deleteParts(ino, staleParts);
        }
        staleParts.clear();
    }

    private void loadWhole(String path) {
        if (whole != null) {
            return;
        }
        if (storedSize == 0) {
            whole = new byte[0];
            return;
        }
        byte[] stored;
        if (prefetchedWhole != null) {
            Store.Item item = contents.await(prefetchedWhole);
            prefetchedWhole = null;
            stored = item == null ? null : contents.content(path, item, storedSize);
        } else {
            stored = contents.readWhole(path, storedSize);
        }
        if (stored == null) {
            throw new FsException(Errno.EIO, "content of " + path + " (" + storedSize
                    + " bytes) is missing from memcached (evicted, or memcached restarted)");
        }
        whole = stored.length == storedSize ? stored : Arrays.copyOf(stored, (int) storedSize);
    }

    /** Switches a file held whole to parts: its content becomes part 0 (and more, if it was stored whole compressed). */
    private void becomeLarge(String path) {
        if (large) {
            return;
        }
        loadWhole(path);
        int length = (int) Math.min(size, whole.length);
        byte[] content = whole;
        whole = null;
        large = true;
        // an empty file becomes all hole: it stores no part
        for (int from = 0, i = 0; from < length; from += partSize, i++) {
            int n = Math.min(partSize, length - from);
            Part part = new Part(length <= partSize ? content : Arrays.copyOfRange(content, from, from + n), n);
            part.dirty = true;
            parts.put((long) i, part);
        }
        trimParts();
    }

    private Part partForRead(long index) {
        Part part = parts.get(index);
        if (part != null) {
            return part;
        }
        if (!partsInStore.get((int) index)) {
            return null;
        }
        CompletableFuture<Store.Item> pending = prefetched.remove(index);
        Store.Item item = contents.await(pending != null ? pending : contents.readPart(ino, index));
        if (item == null) {
            throw new FsException(Errno.EIO, "part " + index + " of inode " + ino
                    + " is missing from memcached (evicted, or memcached restarted)");
        }
        part = new Part(item.value(), item.value().length);
        // make room before adding: trimming after could drop this very part (clean, lowest),
        // and a caller that writes to it would then change a part no longer kept
        trimParts();
        parts.put(index, part);
        long ahead = index == lastFetched + 1 ? READ_AHEAD : 1;
        lastFetched = index;
        for (long next = index + 1; next <= index + ahead; next++) {
            if (partsInStore.get((int) next) && !parts.containsKey(next) && !prefetched.containsKey(next)) {
                prefetched.put(next, contents.readPart(ino, next));
            }
        }
        return part;
    }

    private Part partForWrite(long index, boolean overwritesAll) {
        Part part = parts.get(index);
        if (part == null) {
            part = overwritesAll || !partsInStore.get((int) index) ? null : partForRead(index);
            if (part == null) {
                part = new Part(new byte[0], 0);
                parts.put(index, part);
                prefetched.remove(index);
            }
        }
        return part;
    }

    private void writeOut(long index, Part part) {
        byte[] bytes = part.bytes.length == part.length ? part.bytes : Arrays.copyOf(part.bytes, part.length);
        if (part.bytes.length == part.length) {
            part.bytes = bytes;
        }
        writesInFlight.add(contents.writePart(ino, index, bytes));
        partsInStore.set((int) index);
        part.dirty = false;
        awaitWrites(MAX_WRITES_IN_FLIGHT);
    }

    private void awaitWrites(int leaveInFlight) {
        while (writesInFlight.size() > leaveInFlight) {
            try {
                contents.await(writesInFlight.removeFirst());
            } catch (FsException e) {
                failedWrite = failedWrite != null ? failedWrite : e;
                throw e;
            }
        }
    }

    /** Keeps at most a few parts in memory: drops the lowest clean ones first, else sends the lowest dirty one. */
    private void trimParts() {
        int clean = 0;
        for (Part p : parts.values()) {
            clean += p.dirty ? 0 : 1;
        }
        for (Iterator<Part> it = parts.values().iterator(); clean > MAX_CLEAN_PARTS && it.hasNext(); ) {
            if (!it.next().dirty) {
                it.remove();
                clean--;
            }
        }
        while (parts.size() > MAX_PARTS_IN_MEMORY) {
            Iterator<Map.Entry<Long, Part>> it = parts.entrySet().iterator();
            Map.Entry<Long, Part> victim = null;
            while (it.hasNext()) {
                Map.Entry<Long, Part> e = it.next();
                if (!e.getValue().dirty) {
                    victim = e;
                    break;
                }
            }
            if (victim == null) {
                victim = parts.firstEntry();
                writeOut(victim.getKey(), victim.getValue());
            }
            parts.remove(victim.getKey());
        }
        if (prefetched.size() > READ_AHEAD) {
            List<Long> stale = new ArrayList<>(prefetched.keySet());
            stale.sort(null);
            for (int i = 0; i < stale.size() - READ_AHEAD; i++) {
                prefetched.remove(stale.get(i));
            }
        }
    }
}
