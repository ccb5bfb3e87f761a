package io.memfis.tools;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The inode numbers a walk finds claimed, in bounded memory: the numbers themselves stay in
 * memory (8 bytes a name: enough for the highest and for numbers claimed twice), each claim's
 * path goes to a temporary file, read back only when some number is claimed twice, which
 * only a rename stopped half-way leaves.
 */
final class Claims implements AutoCloseable {

    private final Path file;
    private final DataOutputStream out;
    private long[] inos = new long[1024];
    private int count;

    Claims() {
        try {
            file = Files.createTempFile("memfis-check-", ".claims");
            out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        } catch (IOException e) {
            throw new ToolException("cannot write a temporary file for the check: " + e.getMessage());
        }
    }

    void add(LayoutWalk.Claim c) {
        if (count == inos.length) {
            inos = Arrays.copyOf(inos, count * 2);
        }
        inos[count++] = c.ino();
        try {
            out.writeLong(c.ino());
            out.writeBoolean(c.shared());
            out.writeLong(c.fileSize());
            out.writeUTF(c.path());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the check's temporary file " + file, e);
        }
    }

    long highest() {
        long highest = 0;
        for (int i = 0; i < count; i++) {
            highest = Math.max(highest, inos[i]);
        }
        return highest;
    }

    /** The claims of the numbers claimed more than once, in the order they were added. */
    List<LayoutWalk.Claim> claimedTwice() {
        long[] sorted = Arrays.copyOf(inos, count);
        Arrays.sort(sorted);
        Set<Long> twice = new HashSet<>();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                twice.add(sorted[i]);
            }
        }
        List<LayoutWalk.Claim> found = new ArrayList<>();
        if (twice.isEmpty()) {
            return found;
        }
        try {
            out.flush();
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                for (int i = 0; i < count; i++) {
                    long ino = in.readLong();
                    boolean shared = in.readBoolean();
                    long fileSize = in.readLong();
                    String path = in.readUTF();
                    if (twice.contains(ino)) {
                        found.add(new LayoutWalk.Claim(ino, path, shared, fileSize));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the check's temporary file " + file, e);
        }
        return found;
    }

    @Override
    public void close() {
        try {
            out.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the check's temporary file " + file, e);
        }
    }
}
