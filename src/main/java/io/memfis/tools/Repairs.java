package io.memfis.tools;

import io.memfis.fs.Owner;
import io.memfis.fs.PathNames;
import io.memfis.layout.Attributes;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.FileType;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.NodeRecord;
import io.memfis.layout.PathRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The changes a repair makes, each a compare-and-swap of one item that changes only what is
 * wrong in it (a count, a flag, a name), so that a repair never undoes what a mount wrote
 * meanwhile; and the problems that several parts of a check find alike.
 */
final class Repairs {

    private final Items items;
    private final Keys keys;
    private final Report report;
    private final KeySpace space;

    Repairs(Items items, Keys keys, Report report, KeySpace space) {
        this.items = items;
        this.keys = keys;
        this.report = report;
        this.space = space;
    }

    /** Changes a path's record; nothing when it is gone or not valid. */
    void editRecord(String path, UnaryOperator<PathRecord> change) {
        items.edit(keys.record(path), bytes -> {
            if (bytes == null) {
                return null;
            }
            try {
                return Json.encode(change.apply(Json.decodePathRecord(bytes)));
            } catch (CorruptValueException e) {
                return null;
            }
        });
    }

    /** Changes the attributes in a path's own record (not those of a node). */
    void editAttributes(String path, UnaryOperator<Attributes> change) {
        editRecord(path, r -> r.isInNode() ? r : PathRecord.inline(change.apply(r.attributes()), r.page()));
    }

    void editNode(long ino, UnaryOperator<NodeRecord> change) {
        items.edit(keys.node(ino), bytes -> {
            if (bytes == null) {
                return null;
            }
            try {
                return Json.encode(change.apply(Json.decodeNodeRecord(bytes)));
            } catch (CorruptValueException e) {
                return null;
            }
        });
    }

    /** Changes a file's attributes where they live: its node when it has several names, else its record. */
    void editFile(FileInode file, UnaryOperator<Attributes> change) {
        if (file.shared) {
            editNode(file.ino, n -> new NodeRecord(change.apply(n.attributes()), n.paths()));
        } else {
            editAttributes(file.firstName(), change);
        }
    }

    /** Removes one occurrence of {@code name} from page {@code page} of a directory's listing. */
    void removeName(String dir, int page, String name) {
        items.edit(keys.dirPage(dir, page), bytes -> {
            if (bytes == null) {
                return null;
            }
            try {
                List<String> names = new ArrayList<>(Json.decodeNames(bytes));
                return names.remove(name) ? Json.encodeNames(names) : null;
            } catch (CorruptValueException e) {
                return null;
            }
        });
    }

    /**
     * A listed name that leads to nothing usable (no record, a record that does not parse, a
     * node that is gone): the repair removes the name and the keys of that path.
     */
    void dangling(String path, int page, String why) {
        String dir = PathNames.parent(path);
        List<String> own = List.of(keys.record(path), keys.content(path), keys.xattrs(path));
        space.expectAll(own);
        report.problem(path, why, "removed the name from " + dir, () -> {
            removeName(dir, page, PathNames.name(path));
            items.deleteAll(own);
        });
    }

    /**
     * Checks the extended attributes of entries that say they have some: each key in
     * {@code keyOf} must hold a valid value. When one is missing or not valid, the repair
     * deletes it and clears the entry's flag with {@code clearFlag}.
     */
    void checkXattrs(Map<String, String> keyOf, Consumer<String> clearFlag) {
        if (keyOf.isEmpty()) {
            return;
        }
        Map<String, byte[]> found = items.getAll(keyOf.values());
        keyOf.forEach((subject, key) -> {
            space.expect(key);
            byte[] raw = found.get(key);
            String problem = null;
            if (raw == null) {
                problem = "its extended attributes are missing (evicted?)";
            } else {
                try {
                    Json.decodeXattrs(raw);
                } catch (CorruptValueException e) {
                    problem = "its extended attributes are not valid: " + Report.reason(e);
                }
            }
            if (problem != null) {
                report.problem(subject, problem, "it has none now", () -> {
                    items.delete(key);
                    clearFlag.accept(subject);
                });
            }
        });
    }

    /**
     * The attributes a repair gives a directory whose record is lost: what a mkdir by the
     * user who repairs would, as formatting gives the root to the user who formats.
     */
    static Attributes newDirectory(long ino) {
        long now = System.currentTimeMillis() * 1_000_000;
        Owner owner = Owner.ofThisProcess();
        return new Attributes(ino, FileType.DIRECTORY, 0755, owner.uid(), owner.gid(), 0, 2, now, now, now, null, 0, 1,
                false);
    }

    /** What a repair that wrote {@code a} as a new directory record says it did. */
    static String newDirectoryDone(String what, Attributes a) {
        return what + ": mode 0755, owner " + a.uid() + ":" + a.gid();
    }

    /** A copy of {@code a} with another inode number. */
    static Attributes withIno(Attributes a, long ino) {
        return new Attributes(ino, a.type(), a.mode(), a.uid(), a.gid(), a.size(), a.nlink(), a.atime(), a.mtime(),
                a.ctime(), a.target(), a.rdev(), a.pages(), a.xattrs(), a.parts());
    }
}
