package io.memfis.nginx;

import io.memfis.tools.NginxReach.Reason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A generated web site on disk, with every kind of file a real site has and every name that
 * tests nginx's escaping of the key, and the things nginx cannot serve from memcached.
 */
final class TestSite {

    /** A directory whose files have keys over 250 bytes: hashed by memfis. */
    private static final String LONG_DIR = "long/" + "l".repeat(200);

    final Path root;
    /** Regular files nginx serves from memcached: path relative to the root → content. */
    final SortedMap<String, byte[]> servable;
    /** What nginx cannot serve from memcached, as nginx-check names it (absolute path) → why. */
    final SortedMap<String, Reason> unservable;

    private TestSite(Path root, SortedMap<String, byte[]> servable, SortedMap<String, Reason> unservable) {
        this.root = root;
        this.servable = Collections.unmodifiableSortedMap(servable);
        this.unservable = Collections.unmodifiableSortedMap(unservable);
    }

    /** Writes the site into {@code root}, an empty directory. */
    static TestSite write(Path root) {
        Random random = new Random(42);
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put("index.html", text("<!doctype html>\n<title>memfis</title>\n<link rel=stylesheet href=style.css>\n"));
        files.put("style.css", text("body { font-family: serif; }\n"));
        files.put("app.js", text("console.log('memfis');\n"));
        files.put("data.json", text("{\"served\": \"from memcached\"}\n"));
        files.put("logo.png", withHeader(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 300_000, random));
        files.put("icon.svg", text("<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>\n"));
        files.put("font.woff2", withHeader(text("wOF2"), 20_000, random));
        files.put("README", text("no extension: sent as bytes\n"));
        files.put("empty.txt", new byte[0]);
        files.put(".well-known/security.txt", text("Contact: mailto:security@example.org\n"));
        files.put("docs/index.html", text("<h1>docs</h1>\n<a href=guide.html>guide</a>\n"));
        files.put("docs/guide.html", text("<h1>guide</h1>\n"));
        files.put("a/b/c/d/e/f/g/h/i/j/deep.txt", text("deep down\n"));
        files.put("names/with space.html", text("<p>space</p>\n"));
        files.put("names/100%.txt", text("percent\n"));
        files.put("names/100%25.txt", text("not the same file as 100%.txt\n"));
        files.put("names/a+b.css", text("/* plus */\n"));
        files.put("names/x%attr", text("named like a reserved suffix\n"));
        files.put("names/q?mark.txt", text("question mark\n"));
        files.put("names/#hash.txt", text("hash\n"));
        files.put("names/semi;colon.txt", text("semicolon\n"));
        files.put("names/tab\there.txt", text("a control character, escaped as %09 in the key\n"));
        files.put("names/del\u007f.txt", text("DEL, which neither nginx nor memfis escapes in the key\n"));
        files.put("names/\u00e9t\u00e9 \u2013 \u65e5\u672c\u8a9e.json", text("{\"utf8\": true}\n"));
        files.put("names/emoji \ud83c\udf89.txt", text("four bytes of UTF-8\n"));
        files.put("noindex/secret-name.txt", text("a directory without index.html\n"));
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = root.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
            // a second name for a file: memfis stores the content under each name's key
            Files.createLink(root.resolve("names/guide-link.html"), root.resolve("docs/guide.html"));
            files.put("names/guide-link.html", files.get("docs/guide.html"));

            SortedMap<String, Reason> unservable = new TreeMap<>();
            byte[] big = withHeader(new byte[0], 1_572_864, random);
            Files.write(root.resolve("big.bin"), big);
            unservable.put("/big.bin", Reason.TOO_LARGE);
            Files.createSymbolicLink(root.resolve("link-to-style.css"), Path.of("style.css"));
            unservable.put("/link-to-style.css", Reason.SYMLINK);
            Path longFile = root.resolve(LONG_DIR + "/" + "f".repeat(60) + ".txt");
            Files.createDirectories(longFile.getParent());
            Files.write(longFile, text("a key over 250 bytes\n"));
            unservable.put("/" + root.relativize(longFile), Reason.LONG_KEY);
            return new TestSite(root, files, unservable);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The content of a file of the site, as on disk. */
    byte[] read(String relative) {
        try {
            return Files.readAllBytes(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The URI path of a file, as a browser sends it: every byte but letters, digits,
     * {@code -._~/} and {@code +} as %XX (so UTF-8 goes out escaped, {@code +} as it is).
     */
    static String uri(String relative) {
        StringBuilder out = new StringBuilder("/");
        for (byte b : relative.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~/+".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withHeader(byte[] header, int size, Random random) {
        byte[] out = new byte[size];
        random.nextBytes(out);
        System.arraycopy(header, 0, out, 0, header.length);
        return out;
    }
}
