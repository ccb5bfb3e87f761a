package io.memfis.load;

import io.memfis.fs.FsException;
import io.memfis.fs.MemFs;
import io.memfis.fs.PathNames;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Renames in the namespace what was renamed on disk, before a batch is loaded, so that the
 * load finds the entry in its new place instead of removing it and sending it again. The
 * watch reports a rename as a name gone and a name come, without saying they are one; a
 * pair is taken for a rename when the name gone is still in the namespace, and what is
 * there is what now is on disk under the name come by the load's own rule of sameness:
 * the same type and mtime, and for a file the same size, for a symlink the same target.
 * A wrong guess costs nothing: the load that follows sends what differs.
 */
final class Renames {

    private static final Logger log = LoggerFactory.getLogger(Renames.class);

    private final MemFs fs;
    private final Destination dest;
    private final Path top;
    private final String into;

    Renames(MemFs fs, Path top, String into) {
        this.fs = fs;
        this.dest = new Destination(fs);
        this.top = top;
        this.into = into;
    }

    private record Gone(String relative, String path, Attributes attributes) {
    }

    /** Renames what it can of {@code came} from {@code gone} (paths relative to the top); the number renamed. */
    int apply(List<String> gone, List<String> came) {
        if (gone.isEmpty() || came.isEmpty()) {
            return 0;
        }
        List<Gone> candidates = new ArrayList<>();
        for (String rel : gone) {
            if (!Files.exists(top.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
                Attributes a = dest.lookup(destination(rel));
                if (a != null) {
                    candidates.add(new Gone(rel, destination(rel), a));
                }
            }
        }
        int renamed = 0;
        for (String rel : came) {
            if (candidates.isEmpty()) {
                break;
            }
            try {
                Gone from = match(rel, candidates);
                if (from != null) {
                    String to = destination(rel);
                    fs.rename(from.path(), to);
                    candidates.remove(from);
                    renamed++;
                    log.debug("renamed {} -> {}", from.path(), to);
                }
            } catch (IOException | FsException e) {
                log.debug("not renamed to {}: {}", rel, e.getMessage());
            }
        }
        return renamed;
    }

    /** The name gone that {@code rel} is, or null. */
    private Gone match(String rel, List<Gone> candidates) throws IOException {
        Path local = top.resolve(rel);
        Source s = new Source(null, local.getFileName().toString(), SourceFiles.lstat(local));
        if (s.type != FileType.FILE && s.type != FileType.DIRECTORY && s.type != FileType.SYMLINK) {
            return null;
        }
        String target = s.type == FileType.SYMLINK ? Files.readSymbolicLink(local).toString() : null;
        Attributes there = dest.lookup(destination(rel));
        if (there != null && (s.type != FileType.FILE || there.type() != FileType.FILE)) {
            return null; // a file may replace a file, as mv does; anything else is the load's
        }
        for (Gone g : candidates) {
            Attributes a = g.attributes();
            if (a.type() == s.type && a.mtime() == s.mtime
                    && (s.type != FileType.FILE || a.size() == s.size)
                    && (s.type != FileType.SYMLINK || Objects.equals(a.target(), target))
                    && !destination(rel).startsWith(g.path() + "/")) {
                return g;
            }
        }
        return null;
    }

    private String destination(String relative) {
        return PathNames.child(into, relative);
    }
}
