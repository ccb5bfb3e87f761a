package io.memfis.tools;

import io.memfis.fs.DirEntry;
import io.memfis.fs.FsException;
import io.memfis.fs.MemFs;
import io.memfis.fs.PathNames;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code memfis export}: writes a namespace to a local directory as {@code cp -a} would,
 * through the filesystem API: content (holes stay holes), modes with the set-id and sticky
 * bits, owners, access and modification times to the nanosecond, symlinks as they are,
 * hard links as hard links, extended attributes, fifos, sockets and devices. The root's
 * attributes go to the directory itself. A path that cannot be exported is reported and
 * skipped; the rest goes on.
 */
public final class Export {

    /** Read at once from memfis: one part, so a large file moves part by part. */
    private static final int CHUNK = 1 << 20;
    /** A block of zeros this large is left as a hole: the block size of local filesystems. */
    private static final int BLOCK = 4096;

    /**
     * What an export did.
     *
     * @param ownersKept false when this user may not give files away (not root): owners are its own
     */
    public record Result(long entries, long bytes, int failures, boolean ownersKept) {
    }

    private final MemFs fs;
    private final Consumer<String> failures;
    /** The first local path of each file with several names: its other names become hard links to it. */
    private final Map<Long, Path> linked = new HashMap<>();
    private final byte[] buffer = new byte[CHUNK];
    private long entries;
    private long bytes;
    private int failed;
    private boolean ownersKept = true;

    private Export(MemFs fs, Consumer<String> failures) {
        this.fs = fs;
        this.failures = failures;
    }

    /**
     * Exports everything in {@code fs} to {@code target}, which must be an empty directory or
     * not exist yet (its parent must); each path that fails goes to {@code failures} as one line.
     *
     * @throws ToolException when the target cannot be used
     */
    public static Result run(MemFs fs, Path target, Consumer<String> failures) {
        prepare(target);
        Export export = new Export(fs, failures);
        export.directory("/", target, fs.getattr("/"));
        return new Result(export.entries, export.bytes, export.failed, export.ownersKept);
    }

    private static void prepare(Path target) {
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ToolException(target + " is not a directory");
                }
                try (DirectoryStream<Path> in = Files.newDirectoryStream(target)) {
                    if (in.iterator().hasNext()) {
                        throw new ToolException(target + " is not empty: export writes into an empty or new directory");
                    }
                }
            } else {
                Files.createDirectory(target);
            }
        } catch (IOException e) {
            throw new ToolException("cannot use " + target + ": " + e.getMessage(), e);
        }
    }

    private void directory(String path, Path local, Attributes a) {
        List<DirEntry> children;
        try {
            children = fs.readdir(path);
        } catch (FsException e) {
            fail(path, e.getMessage());
            children = List.of();
        }
        for (DirEntry e : children) {
            String child = PathNames.child(path, e.name());
            if (e.attributes() == null) {
                fail(child, "listed, but its record is missing (see memfis check)");
                continue;
            }
            try {
                entry(child, local.resolve(e.name()), e.attributes());
            } catch (IOException | FsException x) {
                fail(child, x.getMessage());
            }
        }
        try {
            attributes(path, local, a);
        } catch (IOException | FsException x) {
            fail(path, x.getMessage());
        }
    }

    private void entry(String path, Path local, Attributes a) throws IOException {
        entries++;
        switch (a.type()) {
            case DIRECTORY -> {
                Files.createDirectory(local);
                directory(path, local, a);
                return;
            }
            case FILE -> {
                Path first = a.nlink() > 1 ? linked.putIfAbsent(a.ino(), local) : null;
                if (first != null) {
                    Files.createLink(local, first);
                    return;
                }
                copy(path, local);
            }
            case SYMLINK -> LocalFiles.symlink(a.target(), local);
            default -> LocalFiles.mknod(local, a.stMode(), a.rdev());
        }
        attributes(path, local, a);
    }

    /** Copies a file's content; holes and blocks of zeros are skipped, so holes stay holes. */
    private void copy(String path, Path local) throws IOException {
        long fh = fs.open(path, 0);
        try (RandomAccessFile out = new RandomAccessFile(local.toFile(), "rw")) {
            long offset = fs.dataFrom(fh, 0);
            int n;
            while ((n = fs.read(fh, path, offset, buffer, CHUNK)) > 0) {
                writeData(out, offset, n);
                offset = fs.dataFrom(fh, offset + n);
            }
            out.setLength(offset); // the end of the last read, or the size when the file ends in a hole
            bytes += offset;
        } finally {
            fs.release(fh, path);
        }
    }

    /**
     * Owner first (chown clears the set-id bits), then extended attributes (before a mode
     * that may forbid writing them), the mode, and the times last (everything else changes them).
     */
    private void attributes(String path, Path local, Attributes a) throws IOException {
        try {
            LocalFiles.lchown(local, a.uid(), a.gid());
        } catch (IOException e) {
            if (!LocalFiles.notPermitted(e)) {
                throw e;
            }
            ownersKept = false;
        }
        if (a.xattrs()) {
            for (String name : fs.listxattr(path)) {
                LocalFiles.setXattr(local, name, fs.getxattr(path, name));
            }
        }
        if (a.type() != FileType.SYMLINK) {
            LocalFiles.chmod(local, a.mode());
        }
        LocalFiles.setTimes(local, a.atime(), a.mtime());
    }

    private void fail(String path, String message) {
        failed++;
        failures.accept(path + ": " + message);
    }

    /** Writes the first {@code n} bytes of the buffer at {@code offset}, each run of blocks that are not all zeros at once. */
    private void writeData(RandomAccessFile out, long offset, int n) throws IOException {
        int runStart = -1;
        for (int block = 0; block < n; block += BLOCK) {
            boolean data = !zeros(buffer, block, Math.min(n, block + BLOCK));
            if (data && runStart < 0) {
                runStart = block;
            } else if (!data && runStart >= 0) {
                out.seek(offset + runStart);
                out.write(buffer, runStart, block - runStart);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            out.seek(offset + runStart);
            out.write(buffer, runStart, n - runStart);
        }
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
