package io.memfis.tools;

import io.memfis.layout.Keys;
import io.memfis.layout.ParsedKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Keys of the namespace that nothing leads to: what a writer that stopped half-way leaves
 * (its writes are ordered so that this is all it leaves), a rename's old keys, content
 * under a name that no longer has it. Reported one line per path or inode, and deleted by
 * --repair: nothing names them, so no file loses anything it has.
 */
final class Orphans {

    private final Items items;
    private final Keys keys;
    private final Report report;

    Orphans(Items items, Keys keys, Report report) {
        this.items = items;
        this.keys = keys;
        this.report = report;
    }

    void report(List<String> leftovers) {
        Map<String, List<String>> keysOf = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> kindsOf = new LinkedHashMap<>();
        for (String key : leftovers) {
            report.entry();
            String[] sk = subjectAndKind(keys.parse(key));
            keysOf.computeIfAbsent(sk[0], s -> new ArrayList<>()).add(key);
            kindsOf.computeIfAbsent(sk[0], s -> new LinkedHashMap<>()).merge(sk[1], 1, Integer::sum);
        }
        keysOf.forEach((subject, gone) -> {
            String what = kindsOf.get(subject).entrySet().stream()
                    .map(e -> e.getValue() == 1 ? e.getKey() : e.getValue() + " " + e.getKey() + "s")
                    .collect(Collectors.joining(", "));
            report.problem(subject, "orphan " + what + ": nothing refers to " + (gone.size() == 1 ? "it" : "them")
                    + " (left by a crash, or by an eviction above it)", "deleted", () -> items.deleteAll(gone));
        });
    }

    /** What a key belongs to (a path, an inode) and what it is, in words. */
    static String[] subjectAndKind(ParsedKey key) {
        String subject = switch (key.kind()) {
            case NODE, NODE_XATTRS, DATA_PART -> "inode " + key.ino();
            case FORMAT, INODE_COUNTER, FREED_COUNTER, POOL -> "namespace";
            default -> key.path() != null ? key.path()
                    : key.pathHash() != null ? "hashed path %h" + key.pathHash() : "key " + key.unknown();
        };
        String kind = switch (key.kind()) {
            case CONTENT -> "content";
            case RECORD -> "record";
            case DIR_PAGE -> "listing page " + key.number();
            case XATTRS -> "extended attributes";
            case NODE -> "node";
            case NODE_XATTRS -> "node's extended attributes";
            case DATA_PART -> "part";
            case FORMAT -> "format marker";
            case INODE_COUNTER -> "inode counter";
            case FREED_COUNTER -> "count of freed inodes";
            case POOL -> "pool record";
            case UNKNOWN -> key.path() != null || key.pathHash() != null ? "key with suffix " + key.unknown()
                    : "unknown key";
        };
        return new String[]{subject, kind};
    }
}
