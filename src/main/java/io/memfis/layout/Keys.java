package io.memfis.layout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The memcached key layout of one namespace: the contract with nginx and with every other
 * mount of the namespace. Keys are built here and nowhere else.
 *
 * <pre>
 * P = "memfis://" + namespace
 *
 * P + esc(path)                 content of a regular file that fits one item: raw bytes, flags 0,
 *                               exactly what nginx's memcached_pass sends for the URI path; or
 *                               one gzip stream with flag bit 2 ({@link GzipContent#FLAG}), which
 *                               nginx sends with Content-Encoding: gzip, also for a larger file
 *                               whose compressed form fits one item
 * P + esc(path) + "%attr"       the path's record (JSON): its attributes, or a reference to the
 *                               node of a file with several names
 * P + esc(path) + "%dir.N"      page N (0, 1, ...) of a directory's entry names (JSON)
 * P + esc(path) + "%xattr"      extended attributes (JSON), only when the file has any
 * P + "%format"                 format marker (JSON): layout version, part size, page size
 * P + "%cntr"                   inode counter (incr; mounts take inode numbers in blocks)
 * P + "%free"                   count of freed inodes (incr)
 * P + "%node.INO"               attributes and names of a file with several names (hard links)
 * P + "%node.INO%xattr"         extended attributes of a file with several names
 * P + "%data.INO.N"             part N of the content of a file larger than one item
 * P + "%pool"                    the servers and hash the namespace lives on ("consistent
 *                               HOST:PORT[:WEIGHT],..."), one copy on every server, written there
 *                               whatever the hash says: its absence means the server lost the namespace
 * </pre>
 *
 * <p>{@code esc} is nginx's escaping of {@code $memcached_key} ({@code ngx_escape_uri} with
 * {@code NGX_ESCAPE_MEMCACHED}): space, {@code %} and the bytes 0x00-0x1F become {@code %XX}
 * with upper-case hex; every other byte, UTF-8 included, passes unchanged. nginx computes
 * {@code P + esc($uri)} from a request, so the content key is the one it asks for.
 *
 * <p>No two (path, kind) pairs share a key: an escaped path holds {@code %} only as
 * {@code %} followed by two upper-case hex digits, while every reserved suffix and
 * namespace key starts with {@code %} followed by a lower-case letter. A file named
 * {@code x%attr} has the content key {@code P/x%25attr}, never {@code P/x%attr}.
 *
 * <p>A key may not exceed 250 bytes. When {@code P + esc(path) + suffix} would, the
 * {@code P + esc(path)} part is replaced by {@code P + "%h" + 40 hex digits of SHA-256(path)}:
 * such a path still works on the mount, but nginx cannot reach its content (and
 * {@link #nginxReachable} says so).
 */
public final class Keys {

    /** memcached's limit on the length of a key, in bytes. */
    public static final int MAX_KEY_BYTES = 250;

    private static final String SCHEME = "memfis://";
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String prefix;

    private Keys(String prefix) {
        this.prefix = prefix;
    }

    /**
     * The layout of {@code namespace}: letters, digits, '.', '-' and '_', at most 100
     * characters, as a host name is.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Keys of(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("invalid namespace '" + namespace
                    + "': use letters, digits, '.', '-' and '_' (at most 100)");
        }
        return new Keys(SCHEME + namespace);
    }

    /** {@code memfis://NAMESPACE}, the part of every key of this namespace that comes first. */
    public String prefix() {
        return prefix;
    }

    /** The key nginx computes for {@code path}: where a file's content lives when it fits one item. */
    public String content(String path) {
        return pathKey(path, "");
    }

    /** The key of the path's record: attributes or a reference to a node. */
    public String record(String path) {
        return pathKey(path, "%attr");
    }

    /** The key of page {@code page} of a directory's listing. */
    public String dirPage(String path, int page) {
        return pathKey(path, "%dir." + page);
    }

    /** The key of a path's extended attributes. */
    public String xattrs(String path) {
        return pathKey(path, "%xattr");
    }

    /** The key of the format marker. */
    public String format() {
        return prefix + "%format";
    }

    /** The key of the inode counter. */
    public String inodeCounter() {
        return prefix + "%cntr";
    }

    /** The key of the count of freed inodes. */
    public String freedCounter() {
        return prefix + "%free";
    }

    /** The key of the node that holds a multiply linked file's attributes and names. */
    public String node(long ino) {
        return prefix + "%node." + ino;
    }

    /** The key of the extended attributes of a multiply linked file (they belong to the inode). */
    public String nodeXattrs(long ino) {
        return prefix + "%node." + ino + "%xattr";
    }

    /** The key of part {@code part} of a file larger than one item. */
    public String dataPart(long ino, long part) {
        return prefix + "%data." + ino + "." + part;
    }

    /** The key of the pool record, of which every server holds a copy. */
    public String pool() {
        return prefix + "%pool";
    }

    /**
     * Whether {@code key}, of any namespace, holds content (a file's bytes or one of its
     * parts), as opposed to metadata: what {@code --meta-servers} keeps apart. After the
     * prefix, a content key is an escaped path (a '%' only before two upper-case hex digits)
     * or a hashed one ({@code %h} and 40 hex digits) with no suffix, or {@code %data.}.
     */
    public static boolean isContent(String key) {
        int at = key.indexOf('/', SCHEME.length());
        int pct = key.indexOf('%', SCHEME.length());
        int start = at < 0 ? pct : pct < 0 ? at : Math.min(at, pct);
        if (!key.startsWith(SCHEME) || start < 0) {
            return false;
        }
        String rest = key.substring(start);
        if (rest.startsWith("%data.")) {
            return true;
        }
        if (rest.startsWith("%h")) {
            return rest.length() == 42;
        }
        for (int i = rest.indexOf('%'); i >= 0; i = rest.indexOf('%', i + 1)) {
            if (i + 1 < rest.length() && Character.isLowerCase(rest.charAt(i + 1))) {
                return false; // a suffix: %attr, %dir.N, %xattr
            }
        }
        return rest.startsWith("/");
    }

    /** Whether nginx can compute the content key of {@code path}, that is, whether it is not hashed. */
    public boolean nginxReachable(String path) {
        return byteLength(prefix + escape(path)) <= MAX_KEY_BYTES;
    }

    /** True when {@code key} belongs to this namespace. */
    public boolean owns(String key) {
        return key.length() > prefix.length() && key.startsWith(prefix)
                && (key.charAt(prefix.length()) == '/' || key.charAt(prefix.length()) == '%');
    }

    private String pathKey(String path, String suffix) {
        String key = prefix + escape(path) + suffix;
        if (byteLength(key) <= MAX_KEY_BYTES) {
            return key;
        }
        return prefix + "%h" + sha256Hex(path).substring(0, 40) + suffix;
    }

    /** nginx's {@code NGX_ESCAPE_MEMCACHED}: space, '%' and 0x00-0x1F become %XX. */
    public static String escape(String path) {
        StringBuilder out = null;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c == '%') {
                if (out == null) {
                    out = new StringBuilder(path.length() + 16).append(path, 0, i);
                }
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? path : out.toString();
    }

    static int byteLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String sha256Hex(String path) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(path.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
