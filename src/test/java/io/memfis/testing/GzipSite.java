package io.memfis.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * A text-heavy web site on disk for {@code --gzip}: text files that compress, a 3 MB page
 * (larger than one item, its compressed form much smaller), and files that must stay plain
 * (already compressed, random, too small to gain, without an extension, empty).
 */
public final class GzipSite {

    /** Files stored compressed with --gzip (relative paths). */
    public static final Set<String> COMPRESSED = Set.of("index.html", "css/site.css", "js/app.js", "js/module.mjs",
            "data/items.json", "img/icon.svg", "notes.md", "table.csv", "feed.xml", "docs/page 2.html", "big.html");
    /** The page larger than one memcached item. */
    public static final String BIG = "big.html";

    public final Path root;
    /** Every regular file: relative path → content. */
    public final SortedMap<String, byte[]> files;

    private GzipSite(Path root, SortedMap<String, byte[]> files) {
        this.root = root;
        this.files = Collections.unmodifiableSortedMap(files);
    }

    /** Writes the site into {@code root}, an empty directory. */
    public static GzipSite write(Path root) {
        Random random = new Random(13);
        SortedMap<String, byte[]> files = new TreeMap<>();
        files.put("index.html", page(random, 400));
        files.put("css/site.css", repeat(".item-%d { margin: %dpx; color: #%06x; }\n", random, 600));
        files.put("js/app.js", repeat("function f%d(x) { return x * %d + 0x%x; }\n", random, 500));
        files.put("js/module.mjs", repeat("export const c%d = %d; // %x\n", random, 400));
        files.put("data/items.json", ("[" + lines("{\"id\": %d, \"n\": %d, \"h\": \"%x\"},\n", random, 800) + "{}]").getBytes(StandardCharsets.UTF_8));
        files.put("img/icon.svg", ("<svg xmlns=\"http://www.w3.org/2000/svg\">" + lines("<circle cx=\"%d\" cy=\"%d\" r=\"%d\"/>", random, 300) + "</svg>").getBytes(StandardCharsets.UTF_8));
        files.put("notes.md", repeat("* note %d: %d of %d\n", random, 300));
        files.put("table.csv", repeat("%d,%d,%d\n", random, 2000));
        files.put("feed.xml", repeat("<item><id>%d</id><n>%d</n><h>%x</h></item>\n", random, 500));
        files.put("docs/page 2.html", page(random, 100));
        files.put(BIG, page(random, 40_000));
        files.put("logo.png", withHeader(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 60_000, random));
        files.put("archive.tar.gz", gzip(page(random, 200)));
        files.put("random.txt", withHeader(new byte[0], 20_000, random));
        files.put("tiny.txt", "hi\n".getBytes(StandardCharsets.UTF_8));
        files.put("README", repeat("no extension, line %d %d %d\n", random, 200));
        files.put("empty.html", new byte[0]);
        try {
            for (var f : files.entrySet()) {
                Path p = root.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GzipSite(root, files);
    }

    /** An HTML page of {@code rows} table rows, with numbers that vary: it compresses about sixfold. */
    private static byte[] page(Random random, int rows) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<title>memfis</title>\n<table>\n");
        for (int i = 0; i < rows; i++) {
            b.append("<tr><td class=\"n\">").append(i).append("</td><td>").append(random.nextInt(1_000_000))
                    .append("</td><td><a href=\"/item/").append(Long.toHexString(random.nextLong()))
                    .append("\">item</a></td></tr>\n");
        }
        return b.append("</table>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] repeat(String format, Random random, int count) {
        return lines(format, random, count).getBytes(StandardCharsets.UTF_8);
    }

    private static String lines(String format, Random random, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(String.format(format, i, random.nextInt(1000), random.nextInt(0xffffff)));
        }
        return b.toString();
    }

    private static byte[] withHeader(byte[] header, int size, Random random) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        System.arraycopy(header, 0, b, 0, header.length);
        return b;
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
