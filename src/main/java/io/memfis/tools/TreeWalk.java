package io.memfis.tools;

import io.memfis.fs.DirEntry;
import io.memfis.fs.FsException;
import io.memfis.fs.MemFs;
import io.memfis.layout.Attributes;
import io.memfis.store.StoreException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Visits every path of a namespace below a directory in sorted order, each directory just
 * before what it holds, with the attributes its listing returns: one listing per directory,
 * no lookup per name. It holds only the listings of the directories on the way down.
 */
public final class TreeWalk {

    /** What the walk reports. */
    public interface Visitor {

        /** A path below the start, with its attributes; directories before what they hold. */
        void visit(String path, Attributes attributes);

        /** A name a directory lists but whose record is missing (evicted, or a crash half-way). */
        void missing(String path);

        /**
         * A directory whose listing could not be read (a page evicted or corrupt); the walk goes
         * on without what it holds.
         */
        void unreadable(String directory, FsException e);
    }

    private TreeWalk() {
    }

    /**
     * Walks everything below {@code start}, a directory that is not visited itself.
     *
     * @throws FsException when {@code start} cannot be listed, or when memcached fails: then
     *                     nothing else could be read either
     */
    public static void walk(MemFs fs, String start, Visitor visitor) {
        // the listings of the directories on the way down, each at the name to visit next
        Deque<Listing> open = new ArrayDeque<>();
        open.push(Listing.of(start, fs.readdir(start)));
        while (!open.isEmpty()) {
            Listing current = open.peek();
            if (!current.names.hasNext()) {
                open.pop();
                continue;
            }
            DirEntry e = current.names.next();
            String path = current.dir.equals("/") ? "/" + e.name() : current.dir + "/" + e.name();
            if (e.attributes() == null) {
                visitor.missing(path);
                continue;
            }
            visitor.visit(path, e.attributes());
            if (e.attributes().isDirectory()) {
                Listing below = Listing.read(fs, path, visitor);
                if (below != null) {
                    open.push(below);
                }
            }
        }
    }

    private record Listing(String dir, Iterator<DirEntry> names) {

        static Listing of(String dir, List<DirEntry> entries) {
            List<DirEntry> sorted = new ArrayList<>(entries);
            sorted.sort(Comparator.comparing(DirEntry::name));
            return new Listing(dir, sorted.iterator());
        }

        /** The listing of {@code dir}, or null when it cannot be read (reported). */
        static Listing read(MemFs fs, String dir, Visitor visitor) {
            try {
                return of(dir, fs.readdir(dir));
            } catch (FsException e) {
                if (e.getCause() instanceof StoreException) {
                    throw e;
                }
                visitor.unreadable(dir, e);
                return null;
            }
        }
    }
}
