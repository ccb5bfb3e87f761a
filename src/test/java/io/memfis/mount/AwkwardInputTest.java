package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every awkward name and size on a real mount: it works, under the key nginx asks for,
 * or fails with the errno a local disk gives, leaving nothing behind. Names travel to
 * bash as $'\xNN' escapes of their bytes, so no locale or JVM encoding comes in between.
 */
@MountTag
class AwkwardInputTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final String NS = "awkward";
    private static final String P = "memfis://" + NS;
    private static Mount mount;

    private Path dir;
    private String dirName;

    @BeforeAll
    static void mountIt() {
        mount = Mount.of(MEMCACHED, NS);
    }

    @AfterAll
    static void unmountIt() {
        if (mount != null) {
            mount.close();
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void ownDirectory(TestInfo test) throws Exception {
        dirName = test.getTestMethod().orElseThrow().getName();
        dir = Files.createDirectory(mount.resolve(dirName));
    }

    @Test
    void awkwardNamesWorkUnderTheKeysNginxAsksFor() {
        // name -> the name as nginx escapes it in $memcached_key: space, '%' and 0x00-0x1F only
        Map<String, String> names = new LinkedHashMap<>();
        names.put("with space", "with%20space");
        names.put(" leading and trailing ", "%20leading%20and%20trailing%20");
        names.put("100%", "100%25");
        names.put("what?", "what?");
        names.put("hash#tag", "hash#tag");
        names.put("trailing.", "trailing.");
        names.put("...", "...");
        names.put("héllo wörld 日本語", "héllo%20wörld%20日本語");
        names.put("emoji \uD83D\uDE00", "emoji%20\uD83D\uDE00");
        names.put("tab\there", "tab%09here");
        names.put("new\nline", "new%0Aline");
        names.put("del\u007Fchar", "del\u007Fchar");
        names.put("x%attr", "x%25attr");
        names.put("x?attr", "x?attr");
        names.put("d%dir.0", "d%25dir.0");
        names.put("-dash", "-dash");
        names.put("quote'\"back\\slash", "quote'\"back\\slash");
        names.put("+&=;,@!$~*()[]{}<>|`^", "+&=;,@!$~*()[]{}<>|`^");

        for (Map.Entry<String, String> e : names.entrySet()) {
            String name = e.getKey();
            String content = "content of " + name;
            String file = q("./" + name);
            sh("printf '%s' " + q(content) + " > " + file);
            assertEquals(content, sh("cat " + file), name);
            assertStored(P + "/" + dirName + "/" + e.getValue(), content);
        }
        assertEquals(new java.util.TreeSet<>(names.keySet()), listing("."), "ls shows every name as made");

        // in a directory of an awkward name too, and after a rename
        sh("mkdir " + q("sub dir%") + " && mv " + q("with space") + " " + q("sub dir%/moved ?#"));
        assertStored(P + "/" + dirName + "/sub%20dir%25/moved%20?#", "content of with space");
        assertNull(get(P + "/" + dirName + "/with%20space"), "the old name's key is gone");

        for (String name : names.keySet()) {
            sh("rm -f " + q("./" + name));
        }
        sh("rm -r " + q("sub dir%"));
        assertEquals(List.of(), listing(".").stream().toList());
        for (String escaped : names.values()) {
            assertNull(get(P + "/" + dirName + "/" + escaped), escaped + " removed with its file");
        }
    }

    @Test
    void namesThatAreNotUtf8AreRefusedWithEilseqAndLeaveNothing() {
        sh("printf ok > ok");
        for (byte[] bad : List.of(new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {'a', (byte) 0xc3},
                new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {'x', (byte) 0x80, 'y'})) {
            String name = q(bad);
            for (String op : List.of(": > " + name, "mkdir " + name, "mv ok " + name, "ln ok " + name,
                    "ln -s ok " + name, "mkfifo " + name, "cp ok " + name)) {
                Shell.Result r = run(op);
                assertTrue(r.exit() != 0 && r.err().contains("Invalid or incomplete multibyte or wide character"),
                        op + " must fail with EILSEQ: " + r);
            }
        }
        assertEquals(java.util.Set.of("ok"), listing("."));
        try (var keys = new KeyList()) {
            assertEquals(List.of(P + "/" + dirName + "/ok", P + "/" + dirName + "/ok%attr"),
                    keys.under(P + "/" + dirName + "/"), "only ok's keys exist below the directory");
        }
    }

    @Test
    void namesOf255BytesWorkAnd256AreEnametoolong() throws Exception {
        String ascii255 = "n".repeat(255);
        String utf255 = "日".repeat(85);
        String emoji255 = "e".repeat(3) + "\uD83D\uDE00".repeat(63);
        assertEquals(255, ascii255.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(255, emoji255.getBytes(StandardCharsets.UTF_8).length);
        for (String name : List.of(ascii255, utf255, emoji255)) {
            sh("printf long > " + q(name) + " && cat " + q(name) + " > /dev/null");
            assertEquals("long", sh("cat " + q(name)));
        }
        sh("mkdir " + q("d".repeat(255)) + " && printf in > " + q("d".repeat(255)) + "/f");
        sh("perl -e 'rename($ARGV[0], $ARGV[1]) or die \"$!\\n\"' " + q(ascii255) + " " + q("m".repeat(255)));
        assertEquals(java.util.Set.of("m".repeat(255), utf255, emoji255, "d".repeat(255)), listing("."));
        // such a name makes the content key longer than memcached allows: it is hashed
        String path = "/" + dirName + "/" + utf255;
        assertEquals(P + "%h" + sha256(path).substring(0, 40), mount.keys().content(path));
        assertStored(mount.keys().content(path), "long");

        String tooLong = "File name too long";
        for (String name : List.of("n".repeat(256), "é".repeat(128), "日".repeat(85) + "x")) {
            for (String op : List.of(": > " + q(name), "mkdir " + q(name), "stat " + q(name), "ln " + q(utf255)
                    + " " + q(name), "ln -s x " + q(name), "mkfifo " + q(name),
                    "perl -e 'rename($ARGV[0], $ARGV[1]) or die \"$!\\n\"' " + q(utf255) + " " + q(name))) {
                Shell.Result r = run(op);
                assertTrue(r.exit() != 0 && r.err().contains(tooLong), op.substring(0, 20) + " must be ENAMETOOLONG: " + r);
            }
        }
        assertEquals(4, listing(".").size(), "nothing made by the refused calls");
    }

    @Test
    void pathsWhoseKeysPassMemcachedsLimitWorkUnderHashedKeys() throws Exception {
        String a = "a".repeat(100);
        String b = "b".repeat(100);
        String path = "/" + dirName + "/" + a + "/" + b + "/file.html";
        assertTrue((P + path).length() > 250);
        sh("mkdir -p " + a + "/" + b + " && printf deep > " + a + "/" + b + "/file.html");
        assertEquals("deep", sh("cat " + a + "/" + b + "/file.html"));
        assertEquals("file.html\n", sh("ls " + a + "/" + b));
        String hashed = P + "%h" + sha256(path).substring(0, 40);
        assertEquals(hashed, mount.keys().content(path), "the layout's hashed key");
        assertStored(hashed, "deep");
        assertFalse(mount.keys().nginxReachable(path), "nginx cannot compute such a key");

        sh("setfattr -n user.k -v v " + a + "/" + b + "/file.html && chmod 600 " + a + "/" + b + "/file.html");
        sh("mv " + a + " c && ln c/" + b + "/file.html c/" + b + "/hard");
        String moved = "/" + dirName + "/c/" + b + "/file.html";
        assertEquals("deep|v|600\n", sh("cat c/" + b + "/file.html; printf '|'; getfattr --only-values -n user.k c/"
                + b + "/file.html; printf '|'; stat -c %a c/" + b + "/hard"));
        assertNull(get(hashed), "the old hashed key went with the rename");
        assertStored(mount.keys().content(moved), "deep");
        sh("rm -r c");
        assertNull(get(mount.keys().content(moved)));
    }

    @Test
    void extendedAttributesBeyondTheLimitsAreRefusedCleanly() {
        sh("printf x > f");
        // the kernel's limits: values up to 64 KiB, names up to 255 bytes
        sh("setfattr -n user.max -v 0s" + zerosBase64(65536) + " f");
        assertEquals("65536", sh("getfattr --only-values -n user.max f | wc -c").trim());
        assertFails("setfattr -n user.over -v 0s" + zerosBase64(65537) + " f", "Argument list too long");
        assertFails("setfattr -n user." + "x".repeat(251) + " -v 1 f", "Numerical result out of range");
        // all attributes of a file share one memcached item: beyond it, ENOSPC as ext4 says
        int set = 0;
        while (set < 40) {
            Shell.Result r = run("setfattr -n user.v" + set + " -v 0s" + zerosBase64(60000) + " f");
            if (r.exit() != 0) {
                assertTrue(r.err().contains("No space left on device"), r.toString());
                break;
            }
            set++;
        }
        assertTrue(set > 5 && set < 40, "attributes fill one item, then ENOSPC; set " + set);
        assertEquals("x", sh("cat f"));
        assertEquals(String.valueOf(set + 1), sh("getfattr -d -m - f | grep -c '^user\\.'").trim(),
                "every attribute set before the refusal is kept");
        sh("setfattr -x user.v0 f && setfattr -n user.again -v 0s" + zerosBase64(60000) + " f");
    }

    @Test
    void writesPastTheLargestFileAreEfbigAndChangeNothing() {
        long max = (1L << 22) * mount.fs().format().partSize();
        sh("printf small > f");
        assertFails("truncate -s " + (max + 1) + " f", "File too large");
        assertFails("dd if=/dev/zero of=f bs=1 count=1 seek=" + max + " oflag=seek_bytes conv=notrunc status=none",
                "File too large");
        assertFails("dd if=/dev/zero of=f bs=4096 count=1 seek=" + (max + 4096) + " oflag=seek_bytes conv=notrunc status=none",
                "File too large");
        // (a write across the limit stores what fits, as POSIX says, and fails beyond: not tried
        // here, because a file that size is a million parts, holes included)
        assertEquals("small", sh("cat f"));
        assertEquals("5", sh("stat -c %s f").trim());
        String ino = sh("stat -c %i f").trim();
        try (var keys = new KeyList()) {
            assertEquals(List.of(), keys.under(P + "%data." + ino + "."), "no part written");
        }
    }

    @Test
    void renamingADirectoryIntoItsOwnSubtreeIsEinval() {
        sh("mkdir -p a/b/c && printf x > a/b/c/f");
        String before = sh("find . | sort");
        for (String to : List.of("a/b/c/d", "a/b", "a/b/c/a")) {
            assertFails("perl -e 'rename($ARGV[0], $ARGV[1]) or die \"$!\\n\"' a " + to, "Invalid argument");
        }
        assertEquals(before, sh("find . | sort"), "the tree is unchanged");
        assertEquals("x", sh("cat a/b/c/f"));
    }

    @Test
    void removingANonEmptyDirectoryIsEnotempty() {
        sh("mkdir -p full/sub hidden only-dir/sub && printf x > full/f && printf x > hidden/.dot");
        for (String d : List.of("full", "hidden", "only-dir")) {
            assertFails("rmdir " + d, "Directory not empty");
        }
        assertFails("perl -e 'rename($ARGV[0], $ARGV[1]) or die \"$!\\n\"' hidden full", "Directory not empty");
        assertFails("rmdir full/f", "Not a directory");
        assertFails("perl -e 'unlink($ARGV[0]) or die \"$!\\n\"' full", "Is a directory");
        assertEquals("f\nsub\n", sh("ls full"));
        sh("rm hidden/.dot && rmdir hidden && rm -r full only-dir");
        assertEquals(List.of(), List.copyOf(listing(".")));
    }

    // ---- helpers

    private String sh(String script) {
        return Shell.ok(dir, script);
    }

    private Shell.Result run(String script) {
        return Shell.run(dir, script);
    }

    private void assertFails(String script, String message) {
        Shell.Result r = run(script);
        String shown = script.length() > 120 ? script.substring(0, 120) + "..." : script;
        assertTrue(r.exit() != 0 && r.err().contains(message), shown + " must fail with '" + message + "': " + r.err());
    }

    /** The names in {@code sub} of the test's directory, read byte-exact with find. */
    private java.util.SortedSet<String> listing(String sub) {
        String out = sh("find " + q(sub) + " -mindepth 1 -maxdepth 1 -printf '%f\\0'");
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        for (String n : out.split("\0")) {
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return names;
    }

    private static String q(String s) {
        return q(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A bash $'...' word that is exactly these bytes. */
    private static String q(byte[] bytes) {
        StringBuilder b = new StringBuilder("$'");
        for (byte x : bytes) {
            b.append(String.format("\\x%02x", x & 0xff));
        }
        return b.append('\'').toString();
    }

    private static byte[] get(String key) {
        Store store = mount.store();
        Store.Item item = store.await(store.get(key));
        return item == null ? null : item.value();
    }

    private static void assertStored(String key, String content) {
        byte[] value = get(key);
        assertTrue(value != null, "memcached holds " + key);
        assertArrayEquals(content.getBytes(StandardCharsets.UTF_8), value, key);
    }

    private static String zerosBase64(int n) {
        return java.util.Base64.getEncoder().encodeToString(new byte[n]);
    }

    private static String sha256(String path) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8)));
    }

    /** The keys memcached holds, listed with its crawler. */
    private static final class KeyList implements AutoCloseable {
        private final List<String> all = new ArrayList<>(mount.store().keys(P));

        List<String> under(String prefix) {
            return all.stream().filter(k -> k.startsWith(prefix)).sorted().toList();
        }

        @Override
        public void close() {
            // nothing to release: a name for the listing's scope in the tests
        }
    }
}
