package io.memfis.tools;

import io.memfis.fs.PathNames;
import io.memfis.layout.Attributes;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.FileType;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a namespace from its root, a directory at a time: its listing pages, then the
 * records of its names a thousand at a time. Finds names that lead nowhere, listing pages
 * that are missing or uncounted, wrong link counts and page hints. Hands each file with one
 * name to the content check as it goes, and records every inode number claimed and the
 * names of files with several names, for the checks that follow: what it holds is one
 * directory's listing, a batch of records, 8 bytes a name, and the names of hard links.
 */
final class LayoutWalk {

    private static final int BATCH = 1000;

    /** A name whose record refers to the node of a file with several names. */
    record Link(String path, int page) {
    }

    /**
     * A name that holds an inode number; {@code fileSize} is the size of a regular file with
     * one name (whose parts a new number must take along), -1 for anything else.
     */
    record Claim(long ino, String path, boolean shared, long fileSize) {
    }

    private record Dir(String path, Attributes attributes) {
    }

    private record Listed(String name, int page) {
    }

    private final Items items;
    private final Keys keys;
    private final Report report;
    private final KeySpace space;
    private final Repairs repairs;
    /** Files with one name go here as they are found, so that none is held for long. */
    private final ContentCheck content;

    /** The names of files with several names, by inode number. */
    final Map<Long, List<Link>> links = new LinkedHashMap<>();
    final Claims claims;
    /** Directories whose record a repair wrote again, with inode number 0 until the counter is checked. */
    final List<String> unnumbered = new ArrayList<>();

    LayoutWalk(Items items, Keys keys, Report report, KeySpace space, Repairs repairs, ContentCheck content,
               Claims claims) {
        this.items = items;
        this.keys = keys;
        this.report = report;
        this.space = space;
        this.repairs = repairs;
        this.content = content;
        this.claims = claims;
    }

    /** Walks everything below the root, whose attributes are {@code root}. */
    void walk(Attributes root) {
        claims.add(new Claim(root.ino(), "/", false, -1));
        if (root.xattrs()) {
            repairs.checkXattrs(Map.of("/", keys.xattrs("/")), this::clearXattrs);
        }
        ArrayDeque<Dir> queue = new ArrayDeque<>();
        queue.add(new Dir("/", root));
        while (!queue.isEmpty()) {
            visit(queue.removeFirst(), queue);
        }
        content.finish();
    }

    private void visit(Dir dir, ArrayDeque<Dir> queue) {
        List<Listed> names = listing(dir);
        int subdirs = 0;
        for (int from = 0; from < names.size(); from += BATCH) {
            subdirs += visitNames(dir.path(), names.subList(from, Math.min(names.size(), from + BATCH)), queue);
        }
        int nlink = dir.attributes().nlink();
        int want = 2 + subdirs;
        if (nlink != want) {
            String why = nlink == 0 ? "link count 0 (an rmdir or a directory rename was interrupted), should be " + want
                    : "link count " + nlink + ", should be " + want + " (2 + " + subdirs + " subdirectories)";
            report.problem(dir.path(), why, "set to " + want,
                    () -> repairs.editAttributes(dir.path(), a -> a.withNlink(want, a.ctime())));
        }
    }

    /**
     * The names of a directory with the page each is on. Reads one page more than the
     * directory counts: adding a name to a new page and counting that page are two writes.
     */
    private List<Listed> listing(Dir dir) {
        String path = dir.path();
        int counted = dir.attributes().pages();
        List<String> pageKeys = new ArrayList<>();
        for (int i = 0; i <= Math.max(1, counted); i++) {
            pageKeys.add(keys.dirPage(path, i));
        }
        Map<String, byte[]> found = items.getAll(pageKeys);
        List<List<String>> pages = new ArrayList<>();
        for (int i = 0; i < Math.max(1, counted); i++) {
            pages.add(page(path, i, found.get(keys.dirPage(path, i))));
        }
        int total = pages.size();
        byte[] beyond = found.get(keys.dirPage(path, total));
        while (beyond != null && decodes(beyond)) {
            space.expect(keys.dirPage(path, total));
            pages.add(Json.decodeNames(beyond));
            total++;
            beyond = items.get(keys.dirPage(path, total));
        }
        if (total != counted) {
            int pagesNow = total;
            String why = counted == 0 ? "counts no listing page, but has " + total
                    : "counts " + counted + " listing pages, but has " + total + " (a crash while adding a name)";
            report.problem(path, why, "counts " + total,
                    () -> repairs.editAttributes(path, a -> a.withPages(pagesNow)));
        }
        List<Listed> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int page = 0; page < pages.size(); page++) {
            for (String name : pages.get(page)) {
                int p = page;
                if (!validName(name)) {
                    report.problem(path, "its listing holds an invalid name '" + name + "'", "removed it",
                            () -> repairs.removeName(path, p, name));
                } else if (!seen.add(name)) {
                    report.problem(PathNames.child(path, name), "listed twice in " + path, "removed the second entry",
                            () -> repairs.removeName(path, p, name));
                } else {
                    out.add(new Listed(name, page));
                }
            }
        }
        return out;
    }

    /** One counted page's names; a page that is missing or not valid counts as empty, and its repair is an empty page. */
    private List<String> page(String dir, int page, byte[] raw) {
        String key = keys.dirPage(dir, page);
        space.expect(key);
        if (raw == null) {
            report.problem(dir, "listing page " + page + " is missing (evicted?): the names on it are lost",
                    "wrote it back empty", () -> items.add(key, Json.encodeNames(List.of())));
            return List.of();
        }
        try {
            return Json.decodeNames(raw);
        } catch (CorruptValueException e) {
            report.problem(dir, "listing page " + page + " is not valid (" + Report.reason(e)
                    + "): the names on it are lost", "wrote it back empty", () -> items.set(key, Json.encodeNames(List.of())));
            return List.of();
        }
    }

    /** Checks the records of one batch of names: the number of subdirectories among them. */
    private int visitNames(String dir, List<Listed> batch, ArrayDeque<Dir> queue) {
        Map<String, Listed> byPath = new LinkedHashMap<>();
        for (Listed l : batch) {
            byPath.put(PathNames.child(dir, l.name()), l);
        }
        List<String> recordKeys = byPath.keySet().stream().map(keys::record).toList();
        Map<String, byte[]> records = items.getAll(recordKeys);
        // a listed name without a record may be a directory whose listing (and tree) is still there
        List<String> firstPages = byPath.keySet().stream().filter(p -> !records.containsKey(keys.record(p)))
                .map(p -> keys.dirPage(p, 0)).toList();
        Map<String, byte[]> listings = firstPages.isEmpty() ? Map.of() : items.getAll(firstPages);
        Map<String, String> xattrKeys = new LinkedHashMap<>();
        int subdirs = 0;
        for (Map.Entry<String, Listed> e : byPath.entrySet()) {
            String path = e.getKey();
            int page = e.getValue().page();
            report.entry();
            byte[] raw = records.get(keys.record(path));
            if (raw == null && listings.containsKey(keys.dirPage(path, 0))) {
                subdirs++;
                queue.add(new Dir(path, lostDirectory(path, page)));
                continue;
            }
            if (raw == null) {
                repairs.dangling(path, page, "listed in " + dir + " but its record is missing (evicted, or a crash)");
                continue;
            }
            PathRecord r;
            try {
                r = Json.decodePathRecord(raw);
            } catch (CorruptValueException ex) {
                repairs.dangling(path, page, "its record is not valid: " + Report.reason(ex));
                continue;
            }
            Attributes a = r.attributes();
            if (a != null && a.type() == FileType.SYMLINK && a.target() == null) {
                repairs.dangling(path, page, "its record is a symlink without a target");
                continue;
            }
            space.expect(keys.record(path));
            if (r.page() != page) {
                report.problem(path, "its record says it is on page " + r.page() + " of " + dir
                        + "'s listing, but it is on page " + page, "set to " + page,
                        () -> repairs.editRecord(path, x -> x.withPage(page)));
            }
            if (r.isInNode()) {
                links.computeIfAbsent(r.ino(), i -> new ArrayList<>()).add(new Link(path, page));
                claims.add(new Claim(r.ino(), path, true, -1));
                continue;
            }
            if (a.xattrs()) {
                xattrKeys.put(path, keys.xattrs(path));
            }
            if (a.isDirectory()) {
                subdirs++;
                claims.add(new Claim(a.ino(), path, false, -1));
                queue.add(new Dir(path, a));
            } else {
                FileInode file = FileInode.single(path, a);
                checkSingle(file);
                content.add(file);
                claims.add(new Claim(a.ino(), path, false, a.isFile() ? a.size() : -1));
            }
        }
        repairs.checkXattrs(xattrKeys, this::clearXattrs);
        return subdirs;
    }

    /**
     * A listed directory whose record is gone but whose listing is there (an eviction: writes
     * never leave this): the repair writes a new record, so the tree below stays. Its inode
     * number comes from the counter once that is checked.
     */
    private Attributes lostDirectory(String path, int page) {
        space.expect(keys.record(path));
        Attributes a = Repairs.newDirectory(0);
        report.problem(path, "its record is missing (evicted?), but its listing is there",
                Repairs.newDirectoryDone("wrote a new directory record", a), () -> {
                    items.add(keys.record(path), Json.encode(PathRecord.inline(a, page)));
                    unnumbered.add(path);
                });
        return a;
    }

    /** What a file with one name must satisfy in its record alone. */
    private void checkSingle(FileInode file) {
        Attributes a = file.attributes;
        String path = file.firstName();
        if (a.nlink() != 1) {
            report.problem(path, "link count " + a.nlink() + ", should be 1 (it has one name)", "set to 1",
                    () -> repairs.editAttributes(path, x -> x.withNlink(1, x.ctime())));
        }
        if (a.type() == FileType.SYMLINK) {
            long length = a.target().getBytes(StandardCharsets.UTF_8).length;
            if (a.size() != length) {
                report.problem(path, "size " + a.size() + ", but its target has " + length + " bytes",
                        "set to " + length, () -> repairs.editAttributes(path, x -> x.withSize(length)));
            }
        }
    }

    private void clearXattrs(String path) {
        repairs.editAttributes(path, a -> a.withXattrs(false, a.ctime()));
    }

    private static boolean decodes(byte[] page) {
        try {
            Json.decodeNames(page);
            return true;
        } catch (CorruptValueException e) {
            return false;
        }
    }

    private static boolean validName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0;
    }
}
