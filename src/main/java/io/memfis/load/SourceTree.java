package io.memfis.load;

import io.memfis.layout.FileType;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tree to load, scanned once before anything is sent: it gives the totals for the
 * progress bar and fixes {@code cp -a}'s order. cp copies a directory's entries sorted by
 * inode number (gnulib's {@code savedir} with {@code SAVEDIR_SORT_FASTREAD}, stable for
 * equal numbers), depth first; the first name of a hard-linked file it meets is copied and
 * each later one linked to it.
 */
final class SourceTree {

    /** A file as the kernel identifies it, to find its other names. */
    private record Inode(long dev, long ino) {
    }

    /** An entry that could not even be looked at (vanished, unreadable). */
    record Problem(String relative, String message) {
    }

    /**
     * What a scan looks at in one directory: all of its entries but {@code skip} (which a load
     * with deletion leaves alone), or, when {@code only} is not null, just those names
     * (the directory is then {@linkplain Source#partial partial}).
     */
    record Selection(Set<String> only, Set<String> skip) {
        static final Selection ALL = new Selection(null, Set.of());
        static final Selection NONE = new Selection(Set.of(), Set.of());
    }

    /** Chooses, per directory (by its path relative to the top, "" for the top), what a scan looks at. */
    interface Scope {
        Scope EVERYTHING = relative -> Selection.ALL;

        Selection select(String relative);
    }

    final String dir;
    final Source root;
    /** Every entry, the directory itself included. */
    final int entries;
    /** The bytes of the regular files to copy (each file once, whatever its number of names). */
    final long bytes;
    final List<Problem> problems;

    private SourceTree(String dir, Source root, int entries, long bytes, List<Problem> problems) {
        this.dir = dir;
        this.root = root;
        this.entries = entries;
        this.bytes = bytes;
        this.problems = problems;
    }

    /**
     * Scans {@code dir}, without following symlinks.
     *
     * @throws NotDirectoryException when it is not a directory
     */
    static SourceTree scan(Path dir) throws IOException {
        return scan(dir, Scope.EVERYTHING, null, null);
    }

    /**
     * Scans what {@code scope} selects of {@code dir}, without following symlinks; each file
     * is noted in {@code known}, if given, and the first name met of a file with several is
     * linked to an earlier name {@code known} has outside the scan, in the namespace below {@code into}.
     */
    static SourceTree scan(Path dir, Scope scope, KnownFiles known, String into) throws IOException {
        String top = dir.toAbsolutePath().normalize().toString();
        Source root = new Source(null, "", SourceFiles.lstat(Path.of(top)));
        if (root.type != FileType.DIRECTORY) {
            throw new NotDirectoryException(top);
        }
        List<Problem> problems = new ArrayList<>();
        Map<Inode, Source> lastName = new HashMap<>();
        List<Source> preorder = new ArrayList<>();
        long bytes = 0;
        Deque<Source> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Source s = stack.pop();
            preorder.add(s);
            String path = pathOf(top, s);
            switch (s.type) {
                case DIRECTORY -> {
                    Selection selection = scope.select(s.relative());
                    if (selection.only() == null) {
                        list(s, path, problems, selection.skip());
                    } else {
                        pick(s, path, problems, selection.only());
                    }
                    for (int i = s.children.size() - 1; i >= 0; i--) {
                        stack.push(s.children.get(i));
                    }
                }
                case FILE -> {
                    if (s.nlink > 1) {
                        s.previousName = lastName.put(new Inode(s.dev, s.ino), s);
                    }
                    if (known != null) {
                        String rel = s.relative();
                        String other = s.nlink > 1 && s.previousName == null
                                ? known.otherName(Path.of(top), s, rel) : null;
                        if (other != null) {
                            s.previousName = Source.outside(io.memfis.fs.PathNames.child(into, other));
                        }
                        known.seen(s, rel);
                    }
                    if (s.previousName == null) {
                        bytes += s.size;
                    }
                }
                case SYMLINK -> {
                    try {
                        s.target = Files.readSymbolicLink(Path.of(path)).toString();
                    } catch (IOException e) {
                        s.problem = "cannot read the link: " + e;
                    }
                }
                default -> {
                }
            }
        }
        // preorder lists parents before children: summing backwards gives subtree sizes
        for (int i = preorder.size() - 1; i > 0; i--) {
            Source s = preorder.get(i);
            s.parent.subtreeEntries += s.subtreeEntries;
        }
        return new SourceTree(top, root, preorder.size(), bytes, problems);
    }

    /** The absolute path of an entry of this tree. */
    String pathOf(Source s) {
        return pathOf(dir, s);
    }

    private static String pathOf(String top, Source s) {
        String rel = s.relative();
        return rel.isEmpty() ? top : top.equals("/") ? "/" + rel : top + "/" + rel;
    }

    private static void list(Source dir, String path, List<Problem> problems, Set<String> skip) {
        List<Source> children = new ArrayList<>();
        Set<String> keep = new HashSet<>(skip);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(path))) {
            for (Path p : entries) {
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
            return;
        }
        children.sort(Comparator.comparingLong(c -> c.ino));
        dir.children = children;
        dir.keep = keep;
    }

    /** Only the given names of a directory; those that are not there (any more) are left out. */
    private static void pick(Source dir, String path, List<Problem> problems, Set<String> names) {
        List<Source> children = new ArrayList<>();
        for (String name : names) {
            try {
                children.add(new Source(dir, name, SourceFiles.lstat(Path.of(path, name))));
            } catch (NoSuchFileException e) {
                // gone since the change that named it: the directory's own scan removes it
            } catch (IOException e) {
                problems.add(new Problem(relative(dir, name), "cannot stat: " + e));
            }
        }
        children.sort(Comparator.comparingLong(c -> c.ino));
        dir.children = children;
        dir.partial = true;
    }

    private static String relative(Source dir, String name) {
        String up = dir.relative();
        return up.isEmpty() ? name : up + "/" + name;
    }
}
