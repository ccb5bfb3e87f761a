package io.memfis.testing;

import io.memfis.fs.FsException;
import io.memfis.fs.MemFs;
import io.memfis.fs.OpenFlags;

import java.nio.charset.StandardCharsets;

/** Puts files into a namespace through the filesystem API, for tests that need no FUSE mount. */
public final class Preload {

    private Preload() {
    }

    /** Writes a file, making its parent directories as {@code mkdir -p} does. */
    public static void file(MemFs fs, String path, byte[] content) {
        dirs(fs, path.substring(0, path.lastIndexOf('/')));
        long fh = fs.create(path, 0644, 0, 0, OpenFlags.O_WRONLY);
        try {
            fs.write(fh, path, 0, content, content.length);
        } finally {
            fs.release(fh, path);
        }
    }

    public static void file(MemFs fs, String path, String content) {
        file(fs, path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code mkdir -p}. */
    public static void dirs(MemFs fs, String path) {
        int from = 1;
        while (from <= path.length()) {
            int slash = path.indexOf('/', from);
            String dir = slash < 0 ? path : path.substring(0, slash);
            try {
                fs.getattr(dir);
            } catch (FsException e) {
                fs.mkdir(dir, 0755, 0, 0);
            }
            from = slash < 0 ? path.length() + 1 : slash + 1;
        }
    }
}
