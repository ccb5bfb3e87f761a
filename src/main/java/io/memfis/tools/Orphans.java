package io.memfis.tools;

import io.memfis.layout.Keys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keys of the namespace that nothing leads to: what a writer that stopped half-way leaves
 * (its writes are ordered so that this is all it leaves), a rename's old keys, content
 * under a name that no longer has it. Reported one line per path or inode, and deleted by
 * --repair: nothing names them, so no file loses anything it has.
 */
final class Orphans {

    private static final Pattern NODE = Pattern.compile("%node\\.(\\d+)(%xattr)?");
    private static final Pattern PART = Pattern.compile("%data\\.(\\d+)\\.(\\d+)");
    private static final Pattern HASHED = Pattern.compile("(%h[0-9a-f]{40})(%.*)?");
    private static final Pattern PAGE = Pattern.compile("%dir\\.(\\d+)");

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
            String[] sk = subjectAndKind(key.substring(keys.prefix().length()));
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

    /** What a key belongs to (a path, an inode) and what it is, from its form in the layout. */
    static String[] subjectAndKind(String rest) {
        Matcher m = NODE.matcher(rest);
        if (m.matches()) {
            return new String[]{"inode " + m.group(1), m.group(2) == null ? "node" : "node's extended attributes"};
        }
        m = PART.matcher(rest);
        if (m.matches()) {
            return new String[]{"inode " + m.group(1), "part"};
        }
        m = HASHED.matcher(rest);
        if (m.matches()) {
            return new String[]{"hashed path " + m.group(1), kind(m.group(2) == null ? "" : m.group(2))};
        }
        if (rest.startsWith("/")) {
            int suffix = suffixStart(rest);
            return new String[]{unescape(rest.substring(0, suffix)), kind(rest.substring(suffix))};
        }
        return new String[]{"key " + rest, "unknown key"};
    }

    private static String kind(String suffix) {
        if (suffix.isEmpty()) {
            return "content";
        }
        Matcher m = PAGE.matcher(suffix);
        if (m.matches()) {
            return "listing page " + m.group(1);
        }
        return switch (suffix) {
            case "%attr" -> "record";
            case "%xattr" -> "extended attributes";
            default -> "key with suffix " + suffix;
        };
    }

    /** Where the reserved suffix starts: the first '%' followed by a lower-case letter (escapes use upper-case hex). */
    private static int suffixStart(String rest) {
        for (int i = 0; i + 1 < rest.length(); i++) {
            if (rest.charAt(i) == '%' && Character.isLowerCase(rest.charAt(i + 1))) {
                return i;
            }
        }
        return rest.length();
    }

    /** The path an escaped key part stands for: %XX back to its byte. */
    static String unescape(String escaped) {
        if (escaped.indexOf('%') < 0) {
            return escaped;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = escaped.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int hex = bytes[i] == '%' && i + 2 < bytes.length ? hex(bytes[i + 1], bytes[i + 2]) : -1;
            if (hex >= 0) {
                out.write(hex);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte hi, byte lo) {
        int h = Character.digit(hi, 16);
        int l = Character.digit(lo, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }
}
