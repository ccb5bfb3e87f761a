package io.memfis.fs;

import io.memfis.layout.Keys;
import io.memfis.store.Store;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where file content lives. A file of at most {@code partSize} bytes is stored whole under
 * the content key of each of its names, the key nginx asks for. A larger file is stored in
 * parts of {@code partSize} bytes under keys of its inode number, so that a rename moves
 * none of them; nginx cannot serve it. A stored part may be shorter than its share of the
 * file: the rest reads as zeros. A part never written is a hole: not stored, and the
 * file's record leaves it out of its part ranges, so that it reads as zeros too.
 */
final class Contents {

    /** The most parts a file may have: with 1 MiB parts, files up to 4 TiB (holes cost nothing). */
    static final long MAX_PARTS = 1L << 22;

    private final Kv kv;
    private final Keys keys;
    private final int partSize;

    Contents(Kv kv, Keys keys, int partSize) {
        this.kv = kv;
        this.keys = keys;
        this.partSize = partSize;
    }

    int partSize() {
        return partSize;
    }

    long maxFileSize() {
        return MAX_PARTS * partSize;
    }

    boolean isWhole(long size) {
        return size <= partSize;
    }

    long partCount(long size) {
        return isWhole(size) ? 0 : (size + partSize - 1) / partSize;
    }

    /** The whole content of a small file as stored under {@code path}, or null when missing. */
    byte[] readWhole(String path) {
        return kv.getBytes(keys.content(path));
    }

    /** Starts reading a small file's content, before its record says whether it has any. */
    CompletableFuture<Store.Item> readWholeAsync(String path) {
        return kv.getAsync(keys.content(path));
    }

    /** Starts storing a small file's content under every name it has, all at once. */
    CompletableFuture<Void> writeWhole(Collection<String> paths, byte[] content) {
        List<CompletableFuture<Long>> writes = new ArrayList<>(paths.size());
        for (String p : paths) {
            writes.add(kv.setAsync(keys.content(p), content));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    void deleteWhole(Collection<String> paths) {
        List<String> keyList = new ArrayList<>(paths.size());
        for (String p : paths) {
            keyList.add(keys.content(p));
        }
        kv.deleteAll(keyList);
    }

    /** Copies a small file's content from one name to another. */
    void copyWhole(String from, String to) {
        byte[] content = readWhole(from);
        if (content != null) {
            kv.set(keys.content(to), content);
        }
    }

    CompletableFuture<Store.Item> readPart(long ino, long part) {
        return kv.getAsync(keys.dataPart(ino, part));
    }

    CompletableFuture<Long> writePart(long ino, long part, byte[] bytes) {
        return kv.store().set(keys.dataPart(ino, part), bytes);
    }

    /** Deletes the parts of inode {@code ino} whose bits are set. */
    void deleteParts(long ino, BitSet parts) {
        List<String> keyList = new ArrayList<>();
        for (int p = parts.nextSetBit(0); p >= 0; p = parts.nextSetBit(p + 1)) {
            keyList.add(keys.dataPart(ino, p));
            if (keyList.size() == 1024) {
                kv.deleteAll(keyList);
                keyList.clear();
            }
        }
        kv.deleteAll(keyList);
    }

    <T> T await(CompletableFuture<T> future) {
        return kv.await(future);
    }
}
