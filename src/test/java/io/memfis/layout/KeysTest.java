package io.memfis.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import io.memfis.layout.ParsedKey.Kind;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pins the key layout, the contract with nginx and with every other mount: a change here breaks both. */
class KeysTest {

    private final Keys keys = Keys.of("site");
    private static final String P = "memfis://site";

    @Test
    void namespaceKeys() {
        assertEquals(P, keys.prefix());
        assertEquals(P + "%format", keys.format());
        assertEquals(P + "%cntr", keys.inodeCounter());
        assertEquals(P + "%free", keys.freedCounter());
        assertEquals(P + "%pool", keys.pool());
        assertTrue(Keys.isContent(keys.content("/a b%attr.html")) && Keys.isContent(keys.dataPart(7, 0))
                && Keys.isContent(keys.content("/" + "x".repeat(300))));
        for (String meta : List.of(keys.record("/a"), keys.dirPage("/", 0), keys.xattrs("/a"), keys.format(),
                keys.inodeCounter(), keys.node(3), keys.nodeXattrs(3), keys.pool(), keys.record("/" + "x".repeat(300)))) {
            assertFalse(Keys.isContent(meta), meta);
        }
        assertEquals(P + "%node.12", keys.node(12));
        assertEquals(P + "%node.12%xattr", keys.nodeXattrs(12));
        assertEquals(P + "%data.12.0", keys.dataPart(12, 0));
        assertEquals(P + "%data.9876543210.1048575", keys.dataPart(9_876_543_210L, 1_048_575));
    }

    @Test
    void keysOfTheRoot() {
        assertEquals(P + "/", keys.content("/"));
        assertEquals(P + "/%attr", keys.record("/"));
        assertEquals(P + "/%dir.0", keys.dirPage("/", 0));
        assertEquals(P + "/%xattr", keys.xattrs("/"));
    }

    @Test
    void keysOfAPath() {
        assertEquals(P + "/css/site.css", keys.content("/css/site.css"));
        assertEquals(P + "/css/site.css%attr", keys.record("/css/site.css"));
        assertEquals(P + "/css%dir.0", keys.dirPage("/css", 0));
        assertEquals(P + "/css%dir.17", keys.dirPage("/css", 17));
        assertEquals(P + "/css/site.css%xattr", keys.xattrs("/css/site.css"));
    }

    @Test
    void keysOfAPathThatNeedsEscaping() {
        assertEquals(P + "/my%20docs/100%25.html", keys.content("/my docs/100%.html"));
        assertEquals(P + "/my%20docs/100%25.html%attr", keys.record("/my docs/100%.html"));
        assertEquals(P + "/my%20docs%dir.0", keys.dirPage("/my docs", 0));
        assertEquals(P + "/my%20docs/100%25.html%xattr", keys.xattrs("/my docs/100%.html"));
    }

    /** nginx's table for NGX_ESCAPE_MEMCACHED (src/core/ngx_string.c): bit b set means byte b is escaped. */
    private static final int[] NGINX_MEMCACHED_TABLE = {
            0xffffffff, 0x00000021, 0x00000000, 0x00000000,
            0x00000000, 0x00000000, 0x00000000, 0x00000000,
    };

    /** ngx_escape_uri(..., NGX_ESCAPE_MEMCACHED) over the UTF-8 bytes, as nginx computes $memcached_key. */
    private static String nginxEscape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((NGINX_MEMCACHED_TABLE[c >> 5] & (1 << (c & 0x1f))) != 0) {
                out.writeBytes(String.format("%%%02X", c).getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void escapesSpacePercentAndControlBytesWithUpperCaseHex() {
        assertEquals("%20", Keys.escape(" "));
        assertEquals("%25", Keys.escape("%"));
        assertEquals("%00", Keys.escape("\u0000"));
        assertEquals("%09%0A%0D", Keys.escape("\t\n\r"));
        assertEquals("%1B%1F", Keys.escape("\u001b\u001f"));
        for (char c = 0; c < 0x20; c++) {
            assertEquals(String.format("%%%02X", (int) c), Keys.escape("a" + c + "b").substring(1, 4));
        }
    }

    @Test
    void passesDelUtf8AndUriPunctuationUnchanged() {
        String unchanged = "\u007f?#+&=;:@!$'()*,~\"<>[]\\^`{|}é€漢字\uD83D\uDE00";
        assertEquals(unchanged, Keys.escape(unchanged));
        assertEquals(P + "/" + unchanged, keys.content("/" + unchanged));
    }

    @Test
    void everyAsciiByteIsEscapedExactlyAsNginxDoes() {
        for (char c = 0; c < 0x80; c++) {
            String s = "/a" + c + "z";
            assertEquals(nginxEscape(s), Keys.escape(s), "byte 0x" + Integer.toHexString(c));
        }
    }

    @Test
    void randomPathsAreEscapedExactlyAsNginxDoes() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String path = AwkwardPaths.path(random);
            assertEquals(nginxEscape(path), Keys.escape(path), path);
        }
    }

    @Test
    void aNameThatLooksLikeASuffixNeverMeetsTheKeysOfAnotherPath() {
        assertEquals(P + "/x%25attr", keys.content("/x%attr"));
        assertEquals(P + "/x%attr", keys.record("/x"));
        assertEquals(P + "/x?attr", keys.content("/x?attr"));
        assertEquals(P + "/x%25dir.0", keys.content("/x%dir.0"));
        assertEquals(P + "/x%dir.0", keys.dirPage("/x", 0));
        assertEquals(P + "/%25format", keys.content("/%format"));
        assertEquals(P + "/%25node.1", keys.content("/%node.1"));
        assertEquals(P + "/x%25xattr%attr", keys.record("/x%xattr"));
    }

    /**
     * No two (path, kind) pairs share a key, over many random awkward paths (names made of
     * '%', '?', spaces, control bytes, UTF-8 and the suffixes themselves, some long enough to
     * be hashed) and the namespace's own keys, in two namespaces one of which is a prefix of the other.
     */
    @Test
    void noTwoPathsOrKindsShareAKey() {
        Random random = new Random(42);
        Set<String> paths = new LinkedHashSet<>(List.of("/", "/x", "/x%attr", "/x?attr", "/x%25attr", "/x%dir.0",
                "/x%xattr", "/%format", "/%cntr", "/%free", "/%h", "/%node.1", "/%data.1.0"));
        while (paths.size() < 3_000) {
            paths.add(AwkwardPaths.path(random));
        }
        Map<String, String> owner = new HashMap<>();
        for (String namespace : List.of("s", "s.a", "s-a", "sa")) {
            Keys k = Keys.of(namespace);
            for (String path : paths) {
                claim(owner, k.content(path), namespace + " content " + path);
                claim(owner, k.record(path), namespace + " record " + path);
                claim(owner, k.xattrs(path), namespace + " xattrs " + path);
                for (int page = 0; page < 12; page++) {
                    claim(owner, k.dirPage(path, page), namespace + " page " + page + " " + path);
                }
            }
            claim(owner, k.format(), namespace + " format");
            claim(owner, k.inodeCounter(), namespace + " counter");
            claim(owner, k.freedCounter(), namespace + " freed");
            claim(owner, k.pool(), namespace + " pool");
            for (long ino = 0; ino < 120; ino++) {
                claim(owner, k.node(ino), namespace + " node " + ino);
                claim(owner, k.nodeXattrs(ino), namespace + " node xattrs " + ino);
                for (long part = 0; part < 12; part++) {
                    claim(owner, k.dataPart(ino, part), namespace + " part " + ino + "." + part);
                }
            }
        }
    }

    private static void claim(Map<String, String> owner, String key, String what) {
        assertTrue(utf8Length(key) <= Keys.MAX_KEY_BYTES, () -> what + ": key of " + utf8Length(key) + " bytes");
        assertFalse(key.chars().anyMatch(c -> c <= ' '), () -> what + ": space or control byte in " + key);
        String before = owner.put(key, what);
        assertNull(before, () -> what + " and " + before + " share the key " + key);
    }

    @Test
    void aKeyOfExactly250BytesIsKeptAndOneMoreByteIsHashed() {
        String path = "/" + "a".repeat(Keys.MAX_KEY_BYTES - P.length() - 1);
        assertEquals(250, utf8Length(keys.content(path)));
        assertEquals(P + path, keys.content(path));
        assertTrue(keys.nginxReachable(path));
        assertEquals(hashed(path, "%attr"), keys.record(path), "the record's suffix pushes it over");
        assertEquals(hashed(path, "%dir.3"), keys.dirPage(path, 3));
        assertEquals(hashed(path, "%xattr"), keys.xattrs(path));

        String longer = path + "b";
        assertEquals(hashed(longer, ""), keys.content(longer));
        assertFalse(keys.nginxReachable(longer));
        assertEquals(hashed(longer, "%attr"), keys.record(longer));
    }

    @Test
    void escapingAndUtf8CountTowardsTheLimit() {
        // 13 + 3 + 78 * 3 = 250 bytes once each space becomes %20
        String spaces = "/ab" + " ".repeat(78);
        assertEquals(250, utf8Length(keys.content(spaces)));
        assertTrue(keys.nginxReachable(spaces));
        String moreSpaces = spaces + " ";
        assertEquals(hashed(moreSpaces, ""), keys.content(moreSpaces));
        assertFalse(keys.nginxReachable(moreSpaces));

        String euros = "/a" + "€".repeat(78); // 3 bytes each: 13 + 2 + 234 = 249
        assertTrue(keys.nginxReachable(euros));
        assertEquals(P + euros, keys.content(euros));
        String emoji = "/" + "\uD83D\uDE00".repeat(59) + "a"; // 4 bytes each: 13 + 1 + 236 + 1 = 251
        assertTrue(keys.nginxReachable(emoji.substring(0, emoji.length() - 1)));
        assertFalse(keys.nginxReachable(emoji));
        assertEquals(hashed(emoji, ""), keys.content(emoji));
    }

    /** nginxReachable says false exactly when the content key is hashed, at every length around the limit. */
    @ParameterizedTest
    @ValueSource(strings = {"a", " ", "é", "%", "\u0001", "漢"})
    void nginxReachableExactlyWhenTheContentKeyIsNotHashed(String unit) {
        for (int n = 1; n < 300; n++) {
            String path = "/d/" + unit.repeat(n);
            boolean hashed = keys.content(path).startsWith(P + "%h");
            assertEquals(!hashed, keys.nginxReachable(path), path);
            assertEquals(!hashed, utf8Length(P + Keys.escape(path)) <= Keys.MAX_KEY_BYTES, path);
            if (hashed) {
                assertEquals(hashed(path, ""), keys.content(path));
            }
        }
    }

    @Test
    void hashedKeysOfTwoLongPathsDiffer() {
        String a = "/" + "x".repeat(300);
        String b = a + "y";
        assertFalse(keys.content(a).equals(keys.content(b)));
        assertEquals(P.length() + 2 + 40, keys.content(a).length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "a b", "a%b", "a?b", "a:b", "-a", ".a", "_a", "é", "a\u0000"})
    void invalidNamespacesAreRefused(String namespace) {
        assertThrows(IllegalArgumentException.class, () -> Keys.of(namespace));
    }

    @Test
    void aNamespaceIsAtMost100CharactersAndNotNull() {
        assertThrows(IllegalArgumentException.class, () -> Keys.of(null));
        assertThrows(IllegalArgumentException.class, () -> Keys.of("a".repeat(101)));
        assertEquals("memfis://" + "a".repeat(100), Keys.of("a".repeat(100)).prefix());
        assertEquals("memfis://Web-1.example_org", Keys.of("Web-1.example_org").prefix());
    }

    @Test
    void ownsOnlyItsOwnKeys() {
        assertTrue(keys.owns(keys.record("/a")));
        assertTrue(keys.owns(keys.format()));
        assertTrue(keys.owns(keys.content("/" + "x".repeat(300))));
        assertFalse(keys.owns(P));
        assertFalse(keys.owns(Keys.of("site2").record("/a")));
        assertFalse(keys.owns(Keys.of("sit").record("/a")));
        assertFalse(keys.owns("other"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            /a%20b            | "/a b"
            /100%25           | /100%
            /a%2520b          | /a%20b
            /line%0Aend       | /line<LF>end
            /x%attr           | /x%attr
            /%data.1.2        | /%data.1.2
            /%dir.0           | /%dir.0
            /lower%0a         | /lower%0a
            /not-escaped%41   | /not-escaped%41
            /end%2            | /end%2
            /end%             | /end%
            /é%20ü            | "/é ü"
            /%00%1F%25%20     | /<NUL><US>%<SP>
            """)
    void unescapeDecodesExactlyWhatEscapeWrites(String escaped, String path) {
        assertEquals(path.replace("<LF>", "\n").replace("<NUL>", "\u0000").replace("<US>", "\u001f")
                .replace("<SP>", " "), Keys.unescape(escaped));
    }

    /** What nginx hashes to pick a server is the key it computed before escaping it: every key, unescaped. */
    @Test
    void everyKeyUnescapedIsTheKeyNginxComputed() {
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            String path = AwkwardPaths.path(random);
            assertEquals(path, Keys.unescape(Keys.escape(path)), path);
            if (keys.nginxReachable(path)) {
                assertEquals(P + path, Keys.unescape(keys.content(path)), path);
            }
            if (!keys.dirPage(path, 3).startsWith(P + "%h")) {
                assertEquals(P + path + "%dir.3", Keys.unescape(keys.dirPage(path, 3)), path);
            }
        }
        assertEquals(P + "/a b%attr", Keys.unescape(keys.record("/a b")));
        assertEquals(P + "%data.7.0", Keys.unescape(keys.dataPart(7, 0)));
        String plain = keys.content("/plain.html");
        assertTrue(plain == Keys.unescape(plain), "nothing to decode: the same string, no copy");
    }

    @Test
    void everyKindOfKeyIsParsedBack() {
        for (String path : List.of("/", "/css/site.css", "/my docs/100%.html", "/x%attr", "/x%25dir.0",
                "/tab\tand\nnewline", "/é/€/漢字/\uD83D\uDE00", "/%h" + "a".repeat(40), "/a%2520b")) {
            assertEquals(new ParsedKey(Kind.CONTENT, path, null, -1, -1, null), keys.parse(keys.content(path)), path);
            assertEquals(new ParsedKey(Kind.RECORD, path, null, -1, -1, null), keys.parse(keys.record(path)), path);
            assertEquals(new ParsedKey(Kind.XATTRS, path, null, -1, -1, null), keys.parse(keys.xattrs(path)), path);
            assertEquals(new ParsedKey(Kind.DIR_PAGE, path, null, -1, 17, null), keys.parse(keys.dirPage(path, 17)), path);
        }
        assertEquals(new ParsedKey(Kind.FORMAT, null, null, -1, -1, null), keys.parse(keys.format()));
        assertEquals(new ParsedKey(Kind.INODE_COUNTER, null, null, -1, -1, null), keys.parse(keys.inodeCounter()));
        assertEquals(new ParsedKey(Kind.FREED_COUNTER, null, null, -1, -1, null), keys.parse(keys.freedCounter()));
        assertEquals(new ParsedKey(Kind.POOL, null, null, -1, -1, null), keys.parse(keys.pool()));
        assertEquals(new ParsedKey(Kind.NODE, null, null, 12, -1, null), keys.parse(keys.node(12)));
        assertEquals(new ParsedKey(Kind.NODE_XATTRS, null, null, 12, -1, null), keys.parse(keys.nodeXattrs(12)));
        assertEquals(new ParsedKey(Kind.DATA_PART, null, null, 9_876_543_210L, 1_048_575, null),
                keys.parse(keys.dataPart(9_876_543_210L, 1_048_575)));
        assertEquals(new ParsedKey(Kind.DATA_PART, null, null, 0, 0, null), keys.parse(keys.dataPart(0, 0)));
        assertEquals(new ParsedKey(Kind.DATA_PART, null, null, Long.MAX_VALUE, Long.MAX_VALUE, null),
                keys.parse(keys.dataPart(Long.MAX_VALUE, Long.MAX_VALUE)));
    }

    @Test
    void aHashedPathIsParsedBackAsItsHash() {
        String path = "/" + "long name ".repeat(30);
        String hash = hashed(path, "").substring((P + "%h").length());
        assertEquals(new ParsedKey(Kind.CONTENT, null, hash, -1, -1, null), keys.parse(keys.content(path)));
        assertEquals(new ParsedKey(Kind.RECORD, null, hash, -1, -1, null), keys.parse(keys.record(path)));
        assertEquals(new ParsedKey(Kind.XATTRS, null, hash, -1, -1, null), keys.parse(keys.xattrs(path)));
        assertEquals(new ParsedKey(Kind.DIR_PAGE, null, hash, -1, 2, null), keys.parse(keys.dirPage(path, 2)));
    }

    /** Every key of random awkward paths (some hashed) is parsed back to its kind and path, in a namespace that prefixes another. */
    @Test
    void randomPathsAreParsedBackExactly() {
        Random random = new Random(5);
        Keys longer = Keys.of("site.a");
        for (int i = 0; i < 3_000; i++) {
            String path = AwkwardPaths.path(random);
            for (Keys k : List.of(keys, longer)) {
                String expectedPath = k.nginxReachable(path) ? path : null;
                ParsedKey content = k.parse(k.content(path));
                assertEquals(Kind.CONTENT, content.kind(), path);
                assertEquals(expectedPath, content.path(), path);
                assertEquals(expectedPath == null, content.pathHash() != null, path);
                ParsedKey page = k.parse(k.dirPage(path, i % 13));
                assertEquals(Kind.DIR_PAGE, page.kind(), path);
                assertEquals(i % 13, page.number(), path);
                boolean pageHashed = k.dirPage(path, i % 13).startsWith(k.prefix() + "%h");
                assertEquals(pageHashed ? null : path, page.path(), path);
                assertEquals(pageHashed, page.pathHash() != null, path);
                assertEquals(Kind.RECORD, k.parse(k.record(path)).kind(), path);
                assertEquals(Kind.XATTRS, k.parse(k.xattrs(path)).kind(), path);
                for (String key : List.of(k.content(path), k.record(path), k.xattrs(path), k.dirPage(path, 1))) {
                    assertEquals(k.parse(key).kind().content(), Keys.isContent(key), key);
                }
            }
        }
    }

    @Test
    void keysOfNoKnownFormAreUnknownAndSayWhatWasNotUnderstood() {
        assertEquals(new ParsedKey(Kind.UNKNOWN, "/x", null, -1, -1, "%zz"), keys.parse(P + "/x%zz"));
        assertEquals(new ParsedKey(Kind.UNKNOWN, "/x", null, -1, -1, "%dir.x"), keys.parse(P + "/x%dir.x"));
        assertEquals(new ParsedKey(Kind.UNKNOWN, "/x", null, -1, -1, "%dir.01"), keys.parse(P + "/x%dir.01"));
        String hash = "0123456789abcdef".repeat(3).substring(0, 40);
        assertEquals(new ParsedKey(Kind.UNKNOWN, null, hash, -1, -1, "%zz"), keys.parse(P + "%h" + hash + "%zz"));
        for (String rest : List.of("%nope", "%node.x", "%node.1%attr", "%data.1", "%data.1.2.3", "%data.-1.0", "%data.9223372036854775808.0",
                "%h" + hash.toUpperCase(java.util.Locale.ROOT), "%h" + hash + "0", "%format2")) {
            assertEquals(new ParsedKey(Kind.UNKNOWN, null, null, -1, -1, rest), keys.parse(P + rest), rest);
            assertFalse(Keys.isContent(P + rest), rest);
        }
    }

    @Test
    void onlyKeysOfTheNamespaceAreParsed() {
        assertThrows(IllegalArgumentException.class, () -> keys.parse(Keys.of("site2").record("/a")));
        assertThrows(IllegalArgumentException.class, () -> keys.parse(Keys.of("sit").record("/a")));
        assertThrows(IllegalArgumentException.class, () -> keys.parse(P));
        assertThrows(IllegalArgumentException.class, () -> keys.parse("/a%attr"));
    }

    private static String hashed(String path, String suffix) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return P + "%h" + HexFormat.of().formatHex(digest).substring(0, 40) + suffix;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Random normalised paths made of the pieces most likely to break a key layout. */
    static final class AwkwardPaths {

        private static final List<String> PIECES = List.of("a", "x", "%", "%25", "?", "?attr", "%attr", "%dir.",
                "%xattr", "%h", "%node.", "%data.", ".", "0", "1", " ", "\t", "\n", "\u0000", "\u001f", "\u007f",
                "é", "€", "\uD83D\uDE00", "#", "+", "&", "=", ";", ":", "@", "!", "$", "'", "(", ")", "*", ",", "~");

        static String path(Random random) {
            int depth = 1 + random.nextInt(4);
            List<String> names = new ArrayList<>();
            for (int d = 0; d < depth; d++) {
                StringBuilder name = new StringBuilder();
                int pieces = 1 + random.nextInt(random.nextInt(10) == 0 ? 60 : 5);
                for (int i = 0; i < pieces; i++) {
                    name.append(PIECES.get(random.nextInt(PIECES.size())));
                }
                names.add(name.toString());
            }
            return "/" + String.join("/", names);
        }
    }
}
