package io.memfis.load;

import io.memfis.layout.FileType;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The tree to load, read a directory at a time as the load goes, so that memory holds the
 * directories in progress rather than the whole tree. cp copies a directory's entries sorted
 * by inode number (gnulib's {@code savedir} with {@code SAVEDIR_SORT_FASTREAD}, stable for
 * equal numbers), depth first; the first name of a hard-linked file it meets is copied and
 * each later one linked to it: {@link #reached} must be called in that order (depth first,
 * each directory just before what it holds) for the names of a hard-linked file to be
 * chained as cp chains them. The totals grow as the tree is read.
 */
final class SourceTree {

    /** A file as the kernel identifies it, to find its other names. */
    private record Inode(long dev, long ino) {
    }

    /** An entry that could not even be looked at (vanished, unreadable). */
    record Problem(String relative, String message) {
    }

    /**
     * What a load looks at in one directory: all of its entries but {@code skip} (which a load
     * with deletion leaves alone), or, when {@code only} is not null, just those names
     * (the directory is then {@linkplain Source#partial partial}).
     */
    record Selection(Set<String> only, Set<String> skip) {
        static final Selection ALL = new Selection(null, Set.of());
        static final Selection NONE = new Selection(Set.of(), Set.of());
    }

    /** Chooses, per directory (by its path relative to the top, "" for the top), what a load looks at. */
    interface Scope {
        Scope EVERYTHING = relative -> Selection.ALL;

        Selection select(String relative);
    }

    final String dir;
    final Source root;
    final Queue<Problem> problems = new ConcurrentLinkedQueue<>();
    private final Scope scope;
    private final KnownFiles known;
    private final String into;
    /** The last name met of each file with several names: kept for the whole load, one per such file. */
    private final Map<Inode, Source> lastName = new HashMap<>();
    /** Entries listed so far, the directory itself included. */
    private volatile int entries = 1;
    /** The bytes of the regular files reached so far (each file once, whatever its number of names). */
    private volatile long bytes;

    private SourceTree(String dir, Source root, Scope scope, KnownFiles known, String into) {
        this.dir = dir;
        this.root = root;
        this.scope = scope;
        this.known = known;
        this.into = into;
    }

    /**
     * The tree at {@code dir}, without following symlinks; nothing below it is read yet.
     *
     * @throws NotDirectoryException when it is not a directory
     */
    static SourceTree open(Path dir) throws IOException {
        return open(dir, Scope.EVERYTHING, null, null);
    }

    /**
     * What {@code scope} selects of the tree at {@code dir}, without following symlinks; each
     * file is noted in {@code known}, if given, and the first name met of a file with several
     * is linked to an earlier name {@code known} has outside the scope, in the namespace below
     * {@code into}. Nothing below {@code dir} is read yet.
     */
    static SourceTree open(Path dir, Scope scope, KnownFiles known, String into) throws IOException {
        String top = dir.toAbsolutePath().normalize().toString();
        Source root = new Source(null, "", SourceFiles.lstat(Path.of(top)));
        if (root.type != FileType.DIRECTORY) {
            throw new NotDirectoryException(top);
        }
        return new SourceTree(top, root, scope, known, into);
    }

    /**
     * For each directory on the way to {@code paths} (relative to the top, without the top
     * itself), the names of its entries that lead there.
     */
    static Map<String, Set<String>> toward(Collection<String> paths) {
        Map<String, Set<String>> toward = new HashMap<>();
        for (String p : paths) {
            while (!p.isEmpty()) {
                int slash = p.lastIndexOf('/');
                String parent = slash < 0 ? "" : p.substring(0, slash);
                toward.computeIfAbsent(parent, k -> new HashSet<>()).add(p.substring(slash + 1));
                p = parent;
            }
        }
        return toward;
    }

    /** Entries listed so far, the directory itself included: all of them once every directory is listed. */
    int entries() {
        return entries;
    }

    /** The bytes of the regular files reached so far. */
    long bytes() {
        return bytes;
    }

    /**
     * The entries of directory {@code dir} that the scope selects, in cp's order, each looked
     * at with {@code lstat}, a symlink with its target. When the directory cannot be read, its
     * {@link Source#problem} says why and the list is empty.
     */
    synchronized List<Source> list(Source dir) {
        Selection selection = scope.select(dir.relative());
        String path = pathOf(dir);
        List<Source> children = selection.only() == null ? listAll(dir, path, selection.skip())
                : pick(dir, path, selection.only());
        children.sort(Comparator.comparingLong(c -> c.ino));
        for (Source s : children) {
            if (s.type == FileType.SYMLINK) {
                try {
                    s.target = Files.readSymbolicLink(Path.of(pathOf(s))).toString();
                } catch (IOException e) {
                    s.problem = "cannot read the link: " + e;
                }
            }
        }
        entries += children.size();
        return children;
    }

    /**
     * Called for each entry in cp's order: a later name of a hard-linked file learns the name
     * before it (here or, for a sync, outside the scope); then {@link Source#reached} is complete.
     */
    synchronized void reached(Source s) {
        if (s.type == FileType.FILE) {
            if (s.nlink > 1) {
                s.previousName = lastName.put(new Inode(s.dev, s.ino), s);
            }
            if (known != null) {
                String rel = s.relative();
                String other = s.nlink > 1 && s.previousName == null ? known.otherName(Path.of(dir), s, rel) : null;
                if (other != null) {
                    s.previousName = Source.outside(io.memfis.fs.PathNames.child(into, other));
                }
                known.seen(s, rel);
            }
            if (s.previousName == null) {
                bytes += s.size;
            }
        }
        s.reached.complete(null);
    }

    /** The absolute path of an entry of this tree. */
    String pathOf(Source s) {
        String rel = s.relative();
        return rel.isEmpty() ? dir : dir.equals("/") ? "/" + rel : dir + "/" + rel;
    }

    private List<Source> listAll(Source dir, String path, Set<String> skip) {
        List<Source> children = new ArrayList<>();
        Set<String> keep = new HashSet<>(skip);
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of(path))) {
            for (Path p : found) {
                String name = p.getFileName().toString();
                if (skip.contains(name)) {
                    continue;
                }
                try {
                    children.add(new Source(dir, name, SourceFiles.lstat(p)));
                } catch (IOException e) {
                    problems.add(new Problem(relative(dir, name), "cannot stat: " + e));
                    keep.add(name); // as rsync, delete nothing that could not be looked at
                }
            }
        } catch (IOException | RuntimeException e) {
            dir.problem = "cannot read the directory: " + e;
            return new ArrayList<>();
        }
        dir.keep = keep;
        return children;
    }

    /** Only the given names of a directory; those that are not there (any more) are left out. */
    private List<Source> pick(Source dir, String path, Set<String> names) {
        List<Source> children = new ArrayList<>();
        for (String name : names) {
            try {
                children.add(new Source(dir, name, SourceFiles.lstat(Path.of(path, name))));
            } catch (NoSuchFileException e) {
                // gone since the change that named it: the directory's own load removes it
            } catch (IOException e) {
                problems.add(new Problem(relative(dir, name), "cannot stat: " + e));
            }
        }
        dir.partial = true;
        return children;
    }

    private static String relative(Source dir, String name) {
        String up = dir.relative();
        return up.isEmpty() ? name : up + "/" + name;
    }
}
