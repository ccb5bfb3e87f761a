package io.memfis.load;

import io.memfis.layout.FileType;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One entry of the tree being loaded, as {@code lstat} saw it when its directory was read,
 * with what the load needs to keep {@code cp -a}'s order: a directory's children in the
 * order cp copies them, and for a file with several names the name copied just before.
 */
final class Source {

    final Source parent;
    final String name;
    final FileType type;
    /** Permission bits with set-id and sticky bits (07777). */
    final int mode;
    final int uid;
    final int gid;
    final long size;
    final long rdev;
    final long dev;
    final long ino;
    final int nlink;
    final long atime;
    final long mtime;
    /** A symlink's target. */
    String target;
    /**
     * A directory's entries, in the order cp copies them, from when the tree lists them until
     * the load has started each (then empty again, so that a finished directory holds nothing);
     * empty for other types. Guarded by this object's lock.
     */
    List<Source> children = List.of();
    /** Completed when {@link #children} holds this directory's entries. */
    final CompletableFuture<Void> listed = new CompletableFuture<>();
    /**
     * The entries this directory counts in the load's room for listed directories, or -1
     * when it holds no room (not listed yet, or finished). Guarded by this object's lock.
     */
    int slotEntries = -1;
    /**
     * Set when this entry is given up with everything below it (its creation failed): counts
     * the entries below it given up so far, for the failure's message. Guarded by this object's lock.
     */
    AtomicInteger abandonedBelow;
    /**
     * A directory of which only some entries are looked at (a sync looks only where something
     * changed): its children are looked up by name, and what else the namespace has there
     * stays as it is.
     */
    boolean partial;
    /** Names a load with deletion leaves in the namespace although they are not among the children. */
    Set<String> keep = Set.of();
    /** Why this entry (and what is below) cannot be loaded, found while reading the tree; else null. */
    String problem;
    /**
     * For a file with several names: the name before this one in cp's order, else null;
     * set once {@link #reached}.
     */
    Source previousName;
    /** Completed when the tree was read up to this entry in cp's order: then {@link #previousName} is known. */
    final CompletableFuture<Void> reached = new CompletableFuture<>();

    /** Completed when this name is in the namespace (or failed): a later name of the same file waits for it. */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Where this file's content ended up in the namespace, for its later names to link to; null if it failed. */
    volatile String loadedAs;

    /**
     * A name of a file outside what was scanned, already in the namespace at {@code loadedAs}
     * (a sync scans only where something changed): a later name links to it.
     */
    final boolean outside;

    private Source(String loadedAs) {
        this.parent = null;
        this.name = "";
        this.type = FileType.FILE;
        this.mode = 0;
        this.uid = 0;
        this.gid = 0;
        this.size = 0;
        this.rdev = 0;
        this.dev = 0;
        this.ino = 0;
        this.nlink = 0;
        this.atime = 0;
        this.mtime = 0;
        this.outside = true;
        this.loadedAs = loadedAs;
        reached.complete(null);
        done.complete(null);
    }

    /** The name of a file outside the scan, at {@code path} in the namespace. */
    static Source outside(String path) {
        return new Source(path);
    }

    /** @param st the {@code lstat} fields of {@link SourceFiles#lstat} */
    Source(Source parent, String name, Map<String, Object> st) {
        this.parent = parent;
        this.name = name;
        int stMode = (Integer) st.get("mode");
        this.type = FileType.ofMode(stMode);
        this.mode = stMode & 07777;
        this.uid = (Integer) st.get("uid");
        this.gid = (Integer) st.get("gid");
        this.size = (Long) st.get("size");
        this.rdev = (Long) st.get("rdev");
        this.dev = (Long) st.get("dev");
        this.ino = (Long) st.get("ino");
        this.nlink = (Integer) st.get("nlink");
        this.atime = nanos((FileTime) st.get("lastAccessTime"));
        this.mtime = nanos((FileTime) st.get("lastModifiedTime"));
        this.outside = false;
    }

    private static long nanos(FileTime t) {
        Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** The path relative to the loaded directory: "" for itself, else "a/b". */
    String relative() {
        if (parent == null) {
            return "";
        }
        String up = parent.relative();
        return up.isEmpty() ? name : up + "/" + name;
    }
}
