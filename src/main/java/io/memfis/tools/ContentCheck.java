package io.memfis.tools;

import io.memfis.layout.Keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The content of regular files against their size. A file of at most one part is stored
 * whole under each of its names; a larger one in parts under its inode number, each part
 * present (a hole is an empty part). Where they disagree, the repair makes the attributes
 * agree with what is stored: the size of the stored content, or, for a file missing a part,
 * the content before the missing part.
 */
final class ContentCheck {

    /** Content read at once, at most, in bytes: memory stays small whatever the namespace holds. */
    private static final long BATCH_BYTES = 16L << 20;
    /** Names read at once, at most: empty files weigh nothing against {@link #BATCH_BYTES}. */
    static final int BATCH_NAMES = 1000;
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
        for (String name : f.names) {
            // a regular file's own reasons: too large for one item, a key too long
            NginxReach.Unservable why = nginx.check(name, f.attributes);
            if (why != null) {
                report.note(name, "nginx cannot serve it: " + why.explanation());
            }
        }
        if (f.attributes.size() > partSize) {
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
        Map<String, byte[]> found = items.getAll(contentKeys);
        for (FileInode f : batch) {
            List<byte[]> stored = f.names.stream().map(n -> found.get(keys.content(n))).toList();
            checkWhole(f, stored);
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

    private void checkParts(FileInode f) {
        long size = f.attributes.size();
        long count = (size + partSize - 1) / partSize;
        long missing = -1;
        byte[] first = null;
        byte[] beforeMissing = null;
        for (long from = 0; from < count && missing < 0; from += PARTS_AT_ONCE) {
            List<String> partKeys = new ArrayList<>();
            for (long i = from; i < Math.min(count, from + PARTS_AT_ONCE); i++) {
                partKeys.add(keys.dataPart(f.ino, i));
            }
            Map<String, byte[]> found = items.getAll(partKeys);
            for (int j = 0; j < partKeys.size() && missing < 0; j++) {
                byte[] part = found.get(partKeys.get(j));
                if (part == null) {
                    missing = from + j;
                } else {
                    first = first == null ? part : first;
                    beforeMissing = part;
                }
            }
        }
        for (long i = 0; i < count; i++) {
            space.expect(keys.dataPart(f.ino, i));
        }
        if (missing < 0) {
            return;
        }
        long k = missing;
        long kept = k <= 1 || k == 2 && beforeMissing.length == 0 ? (first == null ? 0 : first.length)
                : (k - 1) * partSize + beforeMissing.length;
        byte[] whole = kept <= partSize ? (first == null ? new byte[0] : first) : null;
        if (whole != null) {
            f.names.forEach(n -> space.expect(keys.content(n)));
        }
        report.problem(f.firstName(), "part " + k + " of its " + count + " parts is missing (evicted?)",
                "truncated to the " + kept + " bytes stored before the missing part", () -> {
                    if (whole != null) {
                        writeWhole(f, whole);
                        repairs.editFile(f, a -> a.withSize(kept));
                        deleteParts(f.ino, 0, count);
                    } else {
                        repairs.editFile(f, a -> a.withSize(kept));
                        deleteParts(f.ino, k, count);
                    }
                });
    }

    private void deleteParts(long ino, long from, long to) {
        List<String> gone = new ArrayList<>();
        for (long i = from; i < to; i++) {
            gone.add(keys.dataPart(ino, i));
        }
        items.deleteAll(gone);
    }
}
