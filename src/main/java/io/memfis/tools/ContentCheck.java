package io.memfis.tools;

import io.memfis.layout.CorruptValueException;
import io.memfis.layout.GzipContent;
import io.memfis.layout.Keys;
import io.memfis.layout.PartRanges;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The content of regular files against their size. A file of at most one part is stored
 * whole under each of its names; a larger one in parts under its inode number, each part
 * its record's part ranges name present (the others are holes, never stored). Where they disagree, the repair makes the attributes
 * agree with what is stored: the size of the stored content, or, for a file missing a part,
 * the content before the missing part. Content stored gzip-compressed is compared as it
 * reads, decompressed; a file larger than one part is stored whole when its item is
 * compressed.
 */
final class ContentCheck {

    /** Content read at once, at most, in bytes: memory stays small whatever the namespace holds. */
    private static final long BATCH_BYTES = 16L << 20;
    /** Names read at once, at most: empty files weigh nothing against {@link #BATCH_BYTES}. */
    private static final int BATCH_NAMES = 1000;
    private static final int PARTS_AT_ONCE = 16;

    private final Items items;
    private final Keys keys;
    private final Report report;
    private final KeySpace space;
    private final Repairs repairs;
    private final int partSize;
    private final NginxReach nginx;
    private final List<FileInode> batch = new ArrayList<>();
    private long batchBytes;
    private int batchNames;

    ContentCheck(Items items, Keys keys, Report report, KeySpace space, Repairs repairs, int partSize) {
        this.items = items;
        this.keys = keys;
        this.report = report;
        this.space = space;
        this.repairs = repairs;
        this.partSize = partSize;
        this.nginx = new NginxReach(keys, partSize);
    }

    /** Checks {@code files} now. */
    void check(List<FileInode> files) {
        files.forEach(this::add);
        finish();
    }

    /** Checks {@code f}, in a batch with the next files or at {@link #finish}. */
    void add(FileInode f) {
        if (!f.attributes.isFile()) {
            return;
        }
        boolean whole = f.attributes.size() <= partSize || storedWholeCompressed(f);
        for (String name : f.names) {
            // a regular file's own reasons: too large for one item, a key too long
            NginxReach.Unservable why = nginx.check(name, f.attributes, whole);
            if (why != null) {
                report.note(name, "nginx cannot serve it: " + why.explanation());
            }
        }
        if (!whole) {
            checkParts(f);
            return;
        }
        batch.add(f);
        batchBytes += Math.max(1, f.attributes.size()) * f.names.size();
        batchNames += f.names.size();
        if (batchBytes > BATCH_BYTES || batchNames >= BATCH_NAMES) {
            finish();
        }
    }

    /** Checks the files of the batch begun. */
    void finish() {
        checkWhole(batch);
        batch.clear();
        batchBytes = 0;
        batchNames = 0;
    }

    private void checkWhole(List<FileInode> batch) {
        List<String> contentKeys = new ArrayList<>();
        for (FileInode f : batch) {
            f.names.forEach(n -> contentKeys.add(keys.content(n)));
        }
        space.expectAll(contentKeys);
        Map<String, Store.Item> found = items.getItems(contentKeys);
        for (FileInode f : batch) {
            List<byte[]> stored = f.names.stream().map(n -> content(found.get(keys.content(n)), f)).toList();
            checkWhole(f, stored);
        }
    }

    /** Whether a file larger than one part is stored whole, compressed: its first name's item says. */
    private boolean storedWholeCompressed(FileInode f) {
        Store.Item item = items.item(keys.content(f.firstName()));
        return item != null && GzipContent.isCompressed(item.flags());
    }

    /** The content an item holds, decompressed; null for none or for a compressed item that does not decompress. */
    private byte[] content(Store.Item item, FileInode f) {
        try {
            return item == null ? null : GzipContent.content(item.value(), item.flags(),
                    Math.max(partSize, f.attributes.size()));
        } catch (CorruptValueException e) {
            return null;
        }
    }

    private void checkWhole(FileInode f, List<byte[]> stored) {
        long size = f.attributes.size();
        int ref = -1;
        for (int i = 0; i < stored.size() && ref < 0; i++) {
            if (stored.get(i) != null && stored.get(i).length == size) {
                ref = i;
            }
        }
        for (int i = 0; i < stored.size() && ref < 0; i++) {
            if (stored.get(i) != null) {
                ref = i;
            }
        }
        if (ref < 0) {
            if (size > 0) {
                report.problem(f.firstName(), "its content (" + size + " bytes) is missing (evicted?)",
                        "set its size to 0: the content is lost", () -> {
                            writeWhole(f, new byte[0]);
                            repairs.editFile(f, a -> a.withSize(0));
                        });
            }
            return;
        }
        byte[] content = stored.get(ref);
        String refName = f.names.get(ref);
        if (content.length != size) {
            report.problem(refName, "size " + size + ", but its stored content has " + content.length
                    + " bytes (a crash while saving it?)", "set its size to " + content.length, () -> {
                        writeWhole(f, content);
                        repairs.editFile(f, a -> a.withSize(content.length));
                    });
            return;
        }
        for (int i = 0; i < stored.size(); i++) {
            byte[] mine = stored.get(i);
            String name = f.names.get(i);
            if (mine == null && size > 0 || mine != null && !Arrays.equals(mine, content)) {
                report.problem(name, mine == null ? "its content is missing under this name, but " + refName + " has it"
                        : "its content differs from that of " + refName + ", another name of the same file",
                        "copied from " + refName, () -> items.set(keys.content(name), content));
            }
        }
    }

    /** Writes a small file's content under those of its names that do not have it already. */
    private void writeWhole(FileInode f, byte[] content) {
        for (String n : f.names) {
            byte[] now = items.get(keys.content(n));
            if (now == null || !Arrays.equals(now, content)) {
                items.set(keys.content(n), content);
            }
        }
    }

    /**
     * The parts the record says were written must all be there; the others are holes, not
     * stored, and not asked for. Truncating before a missing part keeps what is stored before it.
     */
    private void checkParts(FileInode f) {
        long size = f.attributes.size();
        long count = (size + partSize - 1) / partSize;
        BitSet written = f.attributes.parts().bits(count);
        long missing = -1;
        byte[] first = null;
        byte[] previous = null;
        long previousIndex = -1;
        for (int from = written.nextSetBit(0); from >= 0 && missing < 0; ) {
            List<Integer> indexes = new ArrayList<>();
            List<String> partKeys = new ArrayList<>();
            for (int i = from; i >= 0 && indexes.size() < PARTS_AT_ONCE; i = written.nextSetBit(i + 1)) {
                indexes.add(i);
                partKeys.add(keys.dataPart(f.ino, i));
                from = i;
            }
            from = written.nextSetBit(from + 1);
            Map<String, byte[]> found = items.getAll(partKeys);
            for (int j = 0; j < partKeys.size() && missing < 0; j++) {
                byte[] part = found.get(partKeys.get(j));
                int i = indexes.get(j);
                if (part == null) {
                    missing = i;
                } else {
                    first = i == 0 ? part : first;
                    previous = part;
                    previousIndex = i;
                }
            }
        }
        for (int i = written.nextSetBit(0); i >= 0; i = written.nextSetBit(i + 1)) {
            space.expect(keys.dataPart(f.ino, i));
        }
        if (missing < 0) {
            return;
        }
        long k = missing;
        if (previousIndex != k - 1) {
            previous = null;
        }
        // the content before part k: up to the end of part k - 1 as stored, or all of a hole before k
        long kept = k == 0 ? 0 : previous == null ? k * partSize
                : k == 2 && previous.length == 0 && first != null ? first.length
                : (k - 1) * partSize + previous.length;
        byte[] whole = kept <= partSize ? Arrays.copyOf(first == null ? new byte[0] : first, (int) kept) : null;
        if (whole != null) {
            f.names.forEach(n -> space.expect(keys.content(n)));
        }
        report.problem(f.firstName(), "part " + k + " of its " + count + " parts is missing (evicted?)",
                "truncated to the " + kept + " bytes stored before the missing part", () -> {
                    if (whole != null) {
                        writeWhole(f, whole);
                        repairs.editFile(f, a -> a.withSize(kept).withParts(PartRanges.ALL));
                        deleteParts(f.ino, written);
                    } else {
                        int newCount = (int) ((kept + partSize - 1) / partSize);
                        BitSet still = written.get(0, newCount);
                        repairs.editFile(f, a -> a.withSize(kept).withParts(PartRanges.of(still, newCount)));
                        BitSet gone = (BitSet) written.clone();
                        gone.clear(0, newCount);
                        deleteParts(f.ino, gone);
                    }
                });
    }

    private void deleteParts(long ino, BitSet parts) {
        List<String> gone = new ArrayList<>();
        for (int i = parts.nextSetBit(0); i >= 0; i = parts.nextSetBit(i + 1)) {
            gone.add(keys.dataPart(ino, i));
        }
        items.deleteAll(gone);
    }
}
