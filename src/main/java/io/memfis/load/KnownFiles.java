package io.memfis.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a sync last saw each regular file of the tree, by inode. A sync scans only the
 * directories where something changed, so a new hard link's other names are usually not
 * in the scan; this finds one, checked on disk, for the new name to be linked to.
 */
final class KnownFiles {

    private record Inode(long dev, long ino) {
    }

    private final Map<Inode, String> names = new HashMap<>();

    /** Forgets everything (before a scan of the whole tree). */
    synchronized void clear() {
        names.clear();
    }

    synchronized void seen(Source file, String relative) {
        names.put(new Inode(file.dev, file.ino), relative);
    }

    /** Another name of {@code file} that is on disk now, relative to the top; null when none is known. */
    synchronized String otherName(Path top, Source file, String relative) {
        Inode inode = new Inode(file.dev, file.ino);
        String other = names.get(inode);
        if (other == null || other.equals(relative)) {
            return null;
        }
        try {
            Map<String, Object> st = SourceFiles.lstat(top.resolve(other));
            if ((Long) st.get("ino") == file.ino && (Long) st.get("dev") == file.dev) {
                return other;
            }
        } catch (IOException e) {
            // gone
        }
        names.remove(inode);
        return null;
    }
}
