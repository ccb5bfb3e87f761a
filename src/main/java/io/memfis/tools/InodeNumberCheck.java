package io.memfis.tools;

import io.memfis.layout.Keys;
import io.memfis.layout.PathRecord;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inode numbers: the counter mounts take new numbers from must stand above every number in
 * use, and no two files may share one. A directory rename that stopped half-way leaves the
 * renamed tree twice, each copy with the same numbers: the copy found second gets new ones.
 */
final class InodeNumberCheck {

    /**
     * How far above the highest number in use a restored counter starts: mounts take numbers
     * in blocks of 64 and may still hold some they have not used.
     */
    static final long COUNTER_MARGIN = 65_536;

    private final Items items;
    private final Keys keys;
    private final Report report;
    private final Repairs repairs;
    private final int partSize;

    InodeNumberCheck(Items items, Keys keys, Report report, Repairs repairs, int partSize) {
        this.items = items;
        this.keys = keys;
        this.report = report;
        this.repairs = repairs;
        this.partSize = partSize;
    }

    /**
     * Checks the counter against the highest number {@code claims} use, then numbers used
     * twice; then gives the directory records a repair wrote ({@code unnumbered}) their numbers.
     */
    void check(Claims claims, List<String> unnumbered) {
        checkCounter(claims.highest());
        checkDuplicates(claims.claimedTwice());
        for (String path : unnumbered) {
            long fresh = items.incr(keys.inodeCounter(), 1);
            repairs.editRecord(path, r -> r.isInNode() || r.ino() != 0 ? r
                    : PathRecord.inline(Repairs.withIno(r.attributes(), fresh), r.page()));
        }
    }

    private void checkCounter(long highest) {
        String key = keys.inodeCounter();
        byte[] raw = items.get(key);
        long target = highest + COUNTER_MARGIN;
        String why = null;
        if (raw == null) {
            why = "the inode counter is missing (evicted?): mounts cannot create files";
        } else {
            long value = parse(raw);
            if (value < 0) {
                why = "the inode counter is not a number";
            } else if (value < highest) {
                why = "the inode counter is " + value + ", below inode number " + highest
                        + " in use: new files would get numbers that are taken";
            }
        }
        if (why != null) {
            report.problem(key, why, "set to " + target, () -> items.edit(key, current ->
                    current != null && parse(current) >= highest ? null : ascii(target)));
        }
    }

    private void checkDuplicates(List<LayoutWalk.Claim> claims) {
        Map<Long, List<LayoutWalk.Claim>> byIno = new HashMap<>();
        Map<Long, LayoutWalk.Claim> first = new HashMap<>();
        for (LayoutWalk.Claim c : claims) {
            LayoutWalk.Claim before = first.putIfAbsent(c.ino(), c);
            if (before != null) {
                byIno.computeIfAbsent(c.ino(), i -> new ArrayList<>(List.of(before))).add(c);
            }
        }
        for (List<LayoutWalk.Claim> same : byIno.values()) {
            // the names of a file with several names are one owner; each other name is one
            LayoutWalk.Claim owner = same.stream().filter(LayoutWalk.Claim::shared).findFirst().orElse(same.get(0));
            for (LayoutWalk.Claim c : same) {
                if (c == owner || c.shared()) {
                    continue;
                }
                report.problem(c.path(), "has inode " + c.ino() + ", which " + owner.path()
                        + " has too (a rename stopped half-way?)", "given an inode number of its own", () -> renumber(c));
            }
        }
    }

    /** A new number from the counter; a large file's parts are copied, as they are keyed by number. */
    private void renumber(LayoutWalk.Claim c) {
        long fresh = items.incr(keys.inodeCounter(), 1);
        if (c.fileSize() > partSize) {
            // holes and a file stored whole compressed have no part items: nothing to copy
            long parts = (c.fileSize() + partSize - 1) / partSize;
            for (long i = 0; i < parts; i++) {
                byte[] part = items.get(keys.dataPart(c.ino(), i));
                if (part != null) {
                    items.set(keys.dataPart(fresh, i), part);
                }
            }
        }
        repairs.editRecord(c.path(), r -> r.isInNode() || r.ino() != c.ino() ? r
                : PathRecord.inline(Repairs.withIno(r.attributes(), fresh), r.page()));
    }

    /** The counter's value (memcached keeps it as decimal text), or -1 when it is not a number. */
    static long parse(byte[] raw) {
        try {
            return Long.parseLong(new String(raw, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
