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
 * P + esc(path) + "%xattr"      extended attributes (JSON), only when the file has or had some
 *                               (the last one removed leaves it empty)
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
    private static final String RECORD = "%attr";
    private static final String XATTRS = "%xattr";
    private static final String DIR_PAGE = "%dir.";
    private static final String HASHED = "%h";
    private static final String FORMAT = "%format";
    private static final String INODE_COUNTER = "%cntr";
    private static final String FREED_COUNTER = "%free";
    private static final String NODE = "%node.";
    private static final String DATA_PART = "%data.";
    private static final String POOL = "%pool";
    /** Hex digits of a hashed path's key: {@link #sha256Hex} writes lower case. */
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,18}");
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
        return pathKey(path, RECORD);
    }

    /** The key of page {@code page} of a directory's listing. */
    public String dirPage(String path, int page) {
        return pathKey(path, DIR_PAGE + page);
    }

    /** The key of a path's extended attributes. */
    public String xattrs(String path) {
        return pathKey(path, XATTRS);
    }

    /** The key of the format marker. */
    public String format() {
        return prefix + FORMAT;
    }

    /** The key of the inode counter. */
    public String inodeCounter() {
        return prefix + INODE_COUNTER;
    }

    /** The key of the count of freed inodes. */
    public String freedCounter() {
        return prefix + FREED_COUNTER;
    }

    /** The key of the node that holds a multiply linked file's attributes and names. */
    public String node(long ino) {
        return prefix + NODE + ino;
    }

    /** The key of the extended attributes of a multiply linked file (they belong to the inode). */
    public String nodeXattrs(long ino) {
        return prefix + NODE + ino + XATTRS;
    }

    /** The key of part {@code part} of a file larger than one item. */
    public String dataPart(long ino, long part) {
        return prefix + DATA_PART + ino + "." + part;
    }

    /** The key of the pool record, of which every server holds a copy. */
    public String pool() {
        return prefix + POOL;
    }

    /**
     * Whether {@code key}, of any namespace, holds content (a file's bytes or one of its
     * parts), as opposed to metadata: what {@code --meta-servers} keeps apart.
     */
    public static boolean isContent(String key) {
        if (!key.startsWith(SCHEME)) {
            return false;
        }
        int at = key.indexOf('/', SCHEME.length());
        int pct = key.indexOf('%', SCHEME.length());
        int end = at < 0 ? pct : pct < 0 ? at : Math.min(at, pct); // a namespace holds neither
        return end >= 0 && parseAfterPrefix(key.substring(end)).kind().content();
    }

    /** Whether nginx can compute the content key of {@code path}, that is, whether it is not hashed. */
    public boolean nginxReachable(String path) {
        return nginxKeyBytes(path) <= MAX_KEY_BYTES;
    }

    /**
     * The length in bytes of the key nginx computes for {@code path}: over
     * {@link #MAX_KEY_BYTES}, memfis stores the content under a hashed key instead.
     */
    public int nginxKeyBytes(String path) {
        return byteLength(prefix + escape(path));
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
        return prefix + HASHED + sha256Hex(path).substring(0, 40) + suffix;
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

    /**
     * What {@code key}, a key of this namespace, holds and for which path or inode: every key
     * the builders above make is read back exactly ({@code parse(record(p)).path()} is
     * {@code p}), a hashed path as its hash; a key of another form is {@link ParsedKey.Kind#UNKNOWN}.
     *
     * @throws IllegalArgumentException when {@code key} is not of this namespace ({@link #owns})
     */
    public ParsedKey parse(String key) {
        if (!owns(key)) {
            throw new IllegalArgumentException("not a key of " + prefix + ": " + key);
        }
        return parseAfterPrefix(key.substring(prefix.length()));
    }

    /** {@code rest}: a key after its namespace's prefix, starting with '/' or '%'. */
    private static ParsedKey parseAfterPrefix(String rest) {
        if (rest.startsWith("/")) {
            int suffix = suffixStart(rest);
            return ofPath(unescape(rest.substring(0, suffix)), null, rest.substring(suffix));
        }
        if (rest.startsWith(HASHED)) {
            String hash = rest.substring(HASHED.length(), Math.min(rest.length(), HASHED.length() + 40));
            String suffix = rest.substring(HASHED.length() + hash.length());
            if (HASH.matcher(hash).matches() && (suffix.isEmpty() || suffix.startsWith("%"))) {
                return ofPath(null, hash, suffix);
            }
        }
        switch (rest) {
            case FORMAT:
                return ParsedKey.of(ParsedKey.Kind.FORMAT);
            case INODE_COUNTER:
                return ParsedKey.of(ParsedKey.Kind.INODE_COUNTER);
            case FREED_COUNTER:
                return ParsedKey.of(ParsedKey.Kind.FREED_COUNTER);
            case POOL:
                return ParsedKey.of(ParsedKey.Kind.POOL);
            default:
                break;
        }
        if (rest.startsWith(NODE)) {
            String ino = rest.substring(NODE.length());
            if (ino.endsWith(XATTRS) && number(ino.substring(0, ino.length() - XATTRS.length())) >= 0) {
                return ParsedKey.ofInode(ParsedKey.Kind.NODE_XATTRS, number(ino.substring(0, ino.length() - XATTRS.length())), -1);
            }
            if (number(ino) >= 0) {
                return ParsedKey.ofInode(ParsedKey.Kind.NODE, number(ino), -1);
            }
        }
        if (rest.startsWith(DATA_PART)) {
            String[] inoAndPart = rest.substring(DATA_PART.length()).split("\\.", -1);
            if (inoAndPart.length == 2 && number(inoAndPart[0]) >= 0 && number(inoAndPart[1]) >= 0) {
                return ParsedKey.ofInode(ParsedKey.Kind.DATA_PART, number(inoAndPart[0]), number(inoAndPart[1]));
            }
        }
        return ParsedKey.unknown(null, null, rest);
    }

    /** A key of a path (given, or as its hash) by its reserved suffix. */
    private static ParsedKey ofPath(String path, String hash, String suffix) {
        if (suffix.isEmpty()) {
            return ParsedKey.ofPath(ParsedKey.Kind.CONTENT, path, hash, -1);
        }
        if (suffix.equals(RECORD)) {
            return ParsedKey.ofPath(ParsedKey.Kind.RECORD, path, hash, -1);
        }
        if (suffix.equals(XATTRS)) {
            return ParsedKey.ofPath(ParsedKey.Kind.XATTRS, path, hash, -1);
        }
        if (suffix.startsWith(DIR_PAGE) && number(suffix.substring(DIR_PAGE.length())) >= 0) {
            return ParsedKey.ofPath(ParsedKey.Kind.DIR_PAGE, path, hash, number(suffix.substring(DIR_PAGE.length())));
        }
        return ParsedKey.unknown(path, hash, suffix);
    }

    /**
     * Where the reserved suffix of an escaped path starts: at the first '%' followed by a
     * lower-case letter (an escape is '%' and two upper-case hex digits); the end if none.
     */
    private static int suffixStart(String s) {
        for (int i = s.indexOf('%'); i >= 0 && i + 1 < s.length(); i = s.indexOf('%', i + 1)) {
            if (Character.isLowerCase(s.charAt(i + 1))) {
                return i;
            }
        }
        return s.length();
    }

    /** A number as the builders write it (a long's decimal digits, no leading zero), or -1. */
    private static long number(String s) {
        if (!NUMBER.matcher(s).matches()) {
            return -1;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1; // 19 digits above Long.MAX_VALUE
        }
    }

    /**
     * The inverse of {@link #escape}: each {@code %XX} that it writes (upper-case hex of a
     * byte up to 0x20, or of '%') decoded; any other '%' is literal, as in the reserved
     * suffixes ({@code %data.1}). Of a whole key, this is the {@code $memcached_key} nginx
     * computed before escaping it for the wire, and the string it hashes to pick a server.
     */
    public static String unescape(String escaped) {
        int i = escaped.indexOf('%');
        while (i >= 0 && !isEscape(escaped, i)) {
            i = escaped.indexOf('%', i + 1);
        }
        if (i < 0) {
            return escaped;
        }
        StringBuilder out = new StringBuilder(escaped.length()).append(escaped, 0, i);
        while (i < escaped.length()) {
            if (isEscape(escaped, i)) {
                out.append((char) (hexDigit(escaped.charAt(i + 1)) << 4 | hexDigit(escaped.charAt(i + 2))));
                i += 3;
            } else {
                out.append(escaped.charAt(i++));
            }
        }
        return out.toString();
    }

    /** Whether an escape that {@link #escape} writes starts at {@code i}. */
    private static boolean isEscape(String s, int i) {
        if (s.charAt(i) != '%' || i + 2 >= s.length()) {
            return false;
        }
        int high = hexDigit(s.charAt(i + 1));
        int low = hexDigit(s.charAt(i + 2));
        int c = high < 0 || low < 0 ? -1 : high << 4 | low;
        return c >= 0 && (c <= 0x20 || c == '%');
    }

    /** Upper-case only, as {@link #escape} writes. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
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
