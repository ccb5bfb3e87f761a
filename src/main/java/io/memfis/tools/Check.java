package io.memfis.tools;

import io.memfis.layout.Attributes;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Json;
import io.memfis.fs.meta.PoolRecord;
import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;
import io.memfis.store.ServerStats;
import io.memfis.store.Store;

import java.util.List;

/**
 * {@code memfis check}: reads a namespace's items as the layout stores them (not through
 * the filesystem, which hides what is wrong) and reports what is inconsistent, one finding
 * each; with {@code repair}, makes it consistent again, changing only what is wrong, so that
 * a second check finds nothing. The README's "Checking and repairing a namespace" lists
 * every problem and its repair.
 *
 * <p>The order matters: the keys are listed first (so that nothing written during the check
 * passes for an orphan), then the tree is walked from the root, a directory at a time, with
 * the content of each file with one name; then the nodes of files with several names, the
 * inode numbers, the content of those files, and last what nothing refers to. Memory stays
 * small whatever the namespace's size: about 16 bytes per name (see {@link KeySpace} and
 * {@link Claims}) besides the largest directory's listing.
 */
public final class Check {

    /** The root directory's inode number, as a mount formats. */
    private static final long ROOT_INO = 1;
    /** The page size a mount formats with, for a marker written back. */

    private Check() {
    }

    /**
     * Checks {@code namespace} in {@code store}, and repairs it when {@code repair}.
     *
     * @throws ToolException when it cannot check at all: no such namespace, an unknown layout
     * @throws io.memfis.store.StoreException when memcached fails on the way
     */
    public static CheckResult run(Store store, String namespace, boolean repair, CheckListener listener) {
        Keys keys = Keys.of(namespace);
        Items items = new Items(store);
        Report report = new Report(listener, repair);

        Marker marker = Marker.read(items, keys);
        int partSize = marker.valid() != null ? marker.valid().partSize() : store.maxValueSize();

        KeySpace space = KeySpace.list(store, keys);
        space.expectAll(List.of(keys.format(), keys.inodeCounter(), keys.freedCounter()));
        PoolRecord record = PoolRecord.of(store, keys);
        List<PoolRecord.Copy> copies = record.read();
        record.mismatch(copies, keys.prefix()).ifPresent(wrong -> {
            throw new ToolException(wrong);
        });
        space.expect(keys.pool());
        Repairs repairs = new Repairs(items, keys, report, space);

        Attributes root = root(items, keys, report, space, marker.present());
        ContentCheck content = new ContentCheck(items, keys, report, space, repairs, partSize);
        try (Claims claims = new Claims()) {
            LayoutWalk walk = new LayoutWalk(items, keys, report, space, repairs, content, claims);
            walk.walk(root);
            List<FileInode> linked = new HardLinkCheck(items, keys, report, space, repairs).check(walk.links);
            new InodeNumberCheck(items, keys, report, repairs, partSize).check(claims, walk.unnumbered);
            content.check(linked);
        }
        new Orphans(items, keys, report).report(space.leftovers());

        boolean recorded = copies.stream().anyMatch(c -> c.state() == PoolRecord.State.PRESENT);
        for (int i = 0; i < copies.size(); i++) {
            // no copy at all: a namespace from before the record (its next mount writes it)
            if (copies.get(i).state() == PoolRecord.State.MISSING && recorded) {
                int server = i;
                report.problem("memcached " + store.serverName(i), "its copy of the pool record is gone: it restarted "
                        + "empty or evicted it, and lost what it held (problems above); mounts refuse the namespace",
                        "wrote it back: load or sync again to refill the files it held", () -> record.write(server));
            }
        }
        if (marker.problem() != null) {
            FormatMarker fresh = FormatMarker.forItems(partSize);
            report.problem(keys.format(), marker.problem(), "wrote it back: layout " + fresh.layout() + ", part size "
                    + partSize + " (this server's largest item)", () -> items.set(keys.format(), Json.encode(fresh)));
        }
        if (space.unlisted() != null) {
            report.note(keys.prefix(), "orphans not searched: " + space.unlisted());
        }
        for (ServerStats s : store.stats()) {
            if (s.evicted() > 0) {
                report.note("memcached " + s.address(), "it evicted " + s.evicted()
                        + " items since it started (it runs without -M): files may have lost content");
            }
        }
        return report.result();
    }

    /**
     * The format marker as found: valid, or a problem to report (then its part size is
     * taken to be what this server's items allow, as a mount formats).
     *
     * @param present whether there is a marker at all, valid or not
     */
    private record Marker(boolean present, FormatMarker valid, String problem) {

        static Marker read(Items items, Keys keys) {
            byte[] raw = items.get(keys.format());
            if (raw == null) {
                return new Marker(false, null,
                        "the format marker is missing (evicted, or memcached restarted?): mounts refuse the namespace");
            }
            FormatMarker marker;
            try {
                marker = Json.decodeFormatMarker(raw);
            } catch (CorruptValueException e) {
                return new Marker(true, null,
                        "the format marker is not valid (" + Report.reason(e) + "): mounts refuse the namespace");
            }
            if (!FormatMarker.isKnown(marker.layout())) {
                throw new ToolException("namespace " + keys.prefix() + " uses layout " + marker.layout()
                        + "; this memfis knows " + FormatMarker.knownLayouts());
            }
            return new Marker(true, marker, null);
        }
    }

    /**
     * The root's attributes. Without a valid record, the repair writes a new one (the
     * listing below it stays): a namespace with a marker or a root listing is one to repair;
     * with neither, there is nothing to check.
     */
    private static Attributes root(Items items, Keys keys, Report report, KeySpace space, boolean hasMarker) {
        String key = keys.record("/");
        byte[] raw = items.get(key);
        space.expect(key);
        String why;
        if (raw == null) {
            if (!hasMarker && items.get(keys.dirPage("/", 0)) == null) {
                throw new ToolException("there is no namespace " + keys.prefix()
                        + " on these servers: no format marker, no root directory");
            }
            why = "the root directory's record is missing (evicted?)";
        } else {
            try {
                PathRecord r = Json.decodePathRecord(raw);
                if (!r.isInNode() && r.attributes().isDirectory()) {
                    return r.attributes();
                }
                why = "the root directory's record is not a directory's";
            } catch (CorruptValueException e) {
                why = "the root directory's record is not valid: " + Report.reason(e);
            }
        }
        Attributes fresh = Repairs.newDirectory(ROOT_INO);
        report.problem("/", why, Repairs.newDirectoryDone("wrote a new one", fresh),
                () -> items.set(key, Json.encode(PathRecord.inline(fresh, 0))));
        return fresh;
    }
}
