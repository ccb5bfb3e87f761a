package io.memfis.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the kernel says is mounted, from {@code /proc/self/mountinfo}. */
public final class MountTable {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    /** The filesystem type mounted exactly at {@code dir} ("fuse.memfis", ...), or null. */
    public static String typeAt(Path dir) {
        String wanted = dir.toAbsolutePath().normalize().toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(MOUNTINFO);
        } catch (IOException e) {
            return null;
        }
        String type = null;
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 5 || !unescape(f[4]).equals(wanted)) {
                continue;
            }
            int dash = line.indexOf(" - ");
            if (dash >= 0) {
                type = line.substring(dash + 3).split(" ")[0];
            }
        }
        return type;
    }

    /** True when a memfis mount sits at {@code dir}. */
    public static boolean isMemfis(Path dir) {
        return "fuse.memfis".equals(typeAt(dir));
    }

    /** mountinfo writes space, tab, newline and backslash as \ooo. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
