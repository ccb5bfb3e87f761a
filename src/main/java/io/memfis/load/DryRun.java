package io.memfis.load;

import io.memfis.fs.PathNames;
import io.memfis.layout.Attributes;
import io.memfis.layout.FileType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code memfis load --dry-run}: the decisions of a load, one line per entry that would
 * change ({@code create /a/b}), made with reads only. Below a directory that would be
 * created everything would be created, so nothing there is looked up.
 */
final class DryRun {

    /** For a later name of a hard-linked file whose earlier name is not in the namespace yet. */
    private static final long NOT_THERE_YET = Long.MAX_VALUE;

    private final Destination dest;
    private final SourceTree tree;
    private final Loader.Progress progress;
    private final Consumer<String> out;
    private final List<Loader.Failure> failures = new ArrayList<>();
    private final boolean delete;
    private String into;

    DryRun(io.memfis.fs.MemFs fs, SourceTree tree, Loader.Progress progress, boolean delete, Consumer<String> out) {
        this.delete = delete;
        this.dest = new Destination(fs);
        this.tree = tree;
        this.progress = progress;
        this.out = out;
    }

    Loader.Result run(String root) {
        this.into = root;
        Attributes have = dest.lookup(root);
        if (have != null && !have.isDirectory()) {
            failures.add(new Loader.Failure(tree.dir, root + " is not a directory in the namespace"));
        } else {
            visit(tree.root, root, have);
        }
        for (SourceTree.Problem p : tree.problems) {
            failures.add(new Loader.Failure(tree.dir + "/" + p.relative(), p.message()));
        }
        return progress.result(tree.entries(), failures);
    }

    private void visit(Source c, String path, Attributes have) {
        tree.reached(c);
        try {
            List<Source> children = c.type == FileType.DIRECTORY ? tree.list(c) : List.of();
            progress.totalEntries = tree.entries();
            progress.totalBytes = tree.bytes();
            Action action = decide(c, path, have);
            if (action == Action.UNCHANGED && Action.mayHaveXattrs(c.type) && xattrsDiffer(c, path, have)) {
                action = Action.ATTRIBUTES;
            }
            if (action != Action.UNCHANGED) {
                out.accept(action.word + " " + path);
                progress.loaded.incrementAndGet();
            } else {
                progress.unchanged.incrementAndGet();
            }
            if ((action == Action.CREATE || action == Action.UPDATE || action == Action.REPLACE)
                    && c.type == FileType.FILE && c.previousName == null) {
                progress.bytesSent.addAndGet(c.size);
            }
            if (c.type == FileType.DIRECTORY) {
                boolean exists = have != null && action != Action.REPLACE;
                Map<String, Attributes> entries = exists ? dest.entries(path) : Map.of();
                if (delete) {
                    for (String name : Destination.extra(c, children, entries)) {
                        out.accept("delete " + PathNames.child(path, name));
                        progress.deleted.incrementAndGet();
                    }
                }
                for (Source child : children) {
                    visit(child, PathNames.child(path, child.name), entries.get(child.name));
                }
            }
        } catch (IOException | RuntimeException e) {
            failures.add(new Loader.Failure(tree.pathOf(c), e.getMessage()));
        }
        progress.entriesDone.incrementAndGet();
    }

    private Action decide(Source c, String path, Attributes have) throws IOException {
        if (c.problem != null) {
            throw new IOException(c.problem);
        }
        long linkIno = -1;
        if (c.previousName != null) {
            Attributes first = dest.lookup(destinationOf(c.previousName));
            linkIno = first == null ? NOT_THERE_YET : first.ino();
        }
        return Action.of(c, have, linkIno);
    }

    private boolean xattrsDiffer(Source c, String path, Attributes have) throws IOException {
        Map<String, byte[]> want = SourceFiles.userXattrs(java.nio.file.Path.of(tree.pathOf(c)));
        if (want.isEmpty() && (have == null || !have.xattrs())) {
            return false;
        }
        Map<String, byte[]> there = dest.xattrs(path, have);
        if (want.size() != there.size()) {
            return true;
        }
        for (Map.Entry<String, byte[]> e : want.entrySet()) {
            if (!Arrays.equals(there.get(e.getKey()), e.getValue())) {
                return true;
            }
        }
        return false;
    }

    private String destinationOf(Source s) {
        String rel = s.relative();
        return into.equals("/") ? "/" + rel : into + "/" + rel;
    }
}
