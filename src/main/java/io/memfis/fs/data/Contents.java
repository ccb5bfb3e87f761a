package io.memfis.fs.data;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import io.memfis.fs.kv.Kv;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.GzipContent;
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
 *
 * <p>A whole file's item may hold its content gzip-compressed ({@link GzipContent}): every
 * read decompresses such an item; a writer with {@code gzip} compresses what its rule says.
 * A file larger than one part whose compressed form fits one item is then stored whole too;
 * a content item with the gzip flag is what says so, for a file of that size.
 */
public final class Contents {

    /** The most parts a file may have: with 1 MiB parts, files up to 4 TiB (holes cost nothing). */
    public static final long MAX_PARTS = 1L << 22;
    /**
     * The largest file stored whole compressed, in parts: a reader holds it whole in memory,
     * so it stays a few MiB whatever the ratio.
     */
    static final int MAX_COMPRESSED_WHOLE_PARTS = 8;

    private final Kv kv;
    private final Keys keys;
    private final int partSize;
    private final boolean gzip;

    public Contents(Kv kv, Keys keys, int partSize, boolean gzip) {
        this.kv = kv;
        this.keys = keys;
        this.partSize = partSize;
        this.gzip = gzip;
    }

    int partSize() {
        return partSize;
    }

    long maxFileSize() {
        return MAX_PARTS * partSize;
    }

    public boolean isWhole(long size) {
        return size <= partSize;
    }

    long partCount(long size) {
        return isWhole(size) ? 0 : (size + partSize - 1) / partSize;
    }

    /** The whole content of a file of {@code size} bytes as stored under {@code path}, or null when missing. */
    byte[] readWhole(String path, long size) {
        Store.Item item = kv.await(kv.getAsync(keys.content(path)));
        return item == null ? null : content(path, item, size);
    }

    /** The content an item read from {@code path}'s content key holds: decompressed if it is compressed. */
    byte[] content(String path, Store.Item item, long size) {
        try {
            return GzipContent.content(item.value(), item.flags(), Math.max(size, partSize));
        } catch (CorruptValueException e) {
            throw new FsException(Errno.EIO, "content of " + path + ": " + e.getMessage(), e);
        }
    }

    /** Whether a file of {@code size} bytes whose content key holds {@code item} is stored whole. */
    public boolean holdsWhole(Store.Item item, long size) {
        return isWhole(size) || item != null && GzipContent.isCompressed(item.flags());
    }

    /**
     * Whether a file larger than one part, with these names, may be stored whole compressed:
     * when this writer compresses, every name's extension says text, and it is not too large.
     */
    boolean mayCompressWhole(Collection<String> names, long size) {
        return gzip && !isWhole(size) && size <= (long) MAX_COMPRESSED_WHOLE_PARTS * partSize
                && names.stream().allMatch(GzipContent::compressible);
    }

    /** A gzip stream for a file of {@code size} bytes, given up when it would not fit one item. */
    GzipContent.Stream compressor(long size) {
        return new GzipContent.Stream(size, partSize);
    }

    /** Starts storing compressed content under every name, flagged so that nginx sends it as it is. */
    CompletableFuture<Void> writeCompressed(Collection<String> paths, byte[] gzipped) {
        List<CompletableFuture<Long>> writes = new ArrayList<>(paths.size());
        for (String p : paths) {
            writes.add(kv.setAsync(keys.content(p), gzipped, GzipContent.FLAG));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /** Starts reading a small file's content, before its record says whether it has any. */
    public CompletableFuture<Store.Item> readWholeAsync(String path) {
        return kv.getAsync(keys.content(path));
    }

    /**
     * Starts storing a small file's content under every name it has, all at once: compressed
     * under the names that the rule of {@link GzipContent} picks when this writer compresses.
     */
    CompletableFuture<Void> writeWhole(Collection<String> paths, byte[] content) {
        List<CompletableFuture<Long>> writes = new ArrayList<>(paths.size());
        byte[] gzipped = null;
        boolean tried = false;
        for (String p : paths) {
            if (gzip && !tried && GzipContent.compressible(p)) {
                gzipped = GzipContent.compress(content, content.length, partSize);
                tried = true;
            }
            writes.add(gzipped != null && GzipContent.compressible(p)
                    ? kv.setAsync(keys.content(p), gzipped, GzipContent.FLAG)
                    : kv.setAsync(keys.content(p), content));
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

    /** Copies a whole file's content item, flags included, from one name to another. */
    public void copyWhole(String from, String to) {
        Store.Item item = kv.await(kv.getAsync(keys.content(from)));
        if (item != null) {
            kv.await(kv.setAsync(keys.content(to), item.value(), item.flags()));
        }
    }

    CompletableFuture<Store.Item> readPart(long ino, long part) {
        return kv.getAsync(keys.dataPart(ino, part));
    }

    CompletableFuture<Long> writePart(long ino, long part, byte[] bytes) {
        return kv.setAsync(keys.dataPart(ino, part), bytes);
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

    public <T> T await(CompletableFuture<T> future) {
        return kv.await(future);
    }
}
