package io.memfis.layout;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON values of the layout, written and read with Jackson's streaming API so that
 * the stored form is exactly what is documented:
 *
 * <pre>
 * record, one name:   {"ino":12,"type":"file","mode":"0644","uid":0,"gid":0,"size":5,"nlink":1,
 *                      "atime":..,"mtime":..,"ctime":..,"page":0}   (+ "target", "rdev", "pages",
 *                      "xattrs":true where they apply; times in nanoseconds; "parts":[from,to,..]
 *                      for a file stored in parts with holes: the ranges of parts written)
 * record, hard link:  {"ino":12,"node":true,"page":0}
 * node:               the attributes as above, with "paths":["/a","/b"] instead of "page"
 * directory page:     ["name", "other name", ...]
 * extended attrs:     {"ino":12,"xattrs":{"user.x":"base64 of the value", ...}}  (the file's inode
 *                      number; items written before it was kept are {"user.x":"..."} and still read)
 * format marker:      {"layout":2,"partSize":1047552,"pageBytes":16384}  (layout 1: extended
 *                      attribute items of the earlier form only)
 * </pre>
 */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    public static byte[] encode(PathRecord record) {
        return write(g -> {
            g.writeStartObject();
            if (record.isInNode()) {
                g.writeNumberField("ino", record.ino());
                g.writeBooleanField("node", true);
            } else {
                writeAttributes(g, record.attributes());
            }
            g.writeNumberField("page", record.page());
            g.writeEndObject();
        });
    }

    public static PathRecord decodePathRecord(byte[] json) {
        Fields f = readObject(json, "record");
        if (f.node) {
            return PathRecord.inNode(f.ino, f.page);
        }
        return PathRecord.inline(f.attributes(), f.page);
    }

    public static byte[] encode(NodeRecord node) {
        return write(g -> {
            g.writeStartObject();
            writeAttributes(g, node.attributes());
            g.writeArrayFieldStart("paths");
            for (String p : node.paths()) {
                g.writeString(p);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    public static NodeRecord decodeNodeRecord(byte[] json) {
        Fields f = readObject(json, "node");
        return new NodeRecord(f.attributes(), f.paths);
    }

    public static byte[] encodeNames(List<String> names) {
        return write(g -> {
            g.writeStartArray();
            for (String n : names) {
                g.writeString(n);
            }
            g.writeEndArray();
        });
    }

    /**
     * {@link #encodeNames} of {@code page}'s names followed by {@code more}, from {@code page}
     * (as {@link #encodeNames} wrote it) without encoding its names again: the same bytes.
     * Adding a few names to a directory's last page (16 KB, some 1,500 names) encoded it
     * whole for each batch, a writeback mount's largest cost per create.
     */
    public static byte[] appendNames(byte[] page, List<String> more) {
        if (more.isEmpty()) {
            return page;
        }
        byte[] tail = encodeNames(more); // ["x","y"]: its elements as encodeNames writes them anywhere
        boolean empty = page.length == 2;
        int keep = page.length - 1; // without the closing ]
        byte[] out = new byte[keep + (empty ? 0 : 1) + tail.length - 1];
        System.arraycopy(page, 0, out, 0, keep);
        int at = keep;
        if (!empty) {
            out[at++] = ',';
        }
        System.arraycopy(tail, 1, out, at, tail.length - 1);
        return out;
    }

    public static List<String> decodeNames(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_ARRAY, "directory page");
            List<String> names = new ArrayList<>();
            while (p.nextToken() == JsonToken.VALUE_STRING) {
                names.add(p.getText());
            }
            expect(p.currentToken(), JsonToken.END_ARRAY, "directory page");
            return names;
        } catch (IOException e) {
            throw new CorruptValueException("directory page is not JSON: " + e.getMessage(), e);
        }
    }

    public static byte[] encode(ExtendedAttributes xattrs) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("ino", xattrs.ino());
            g.writeObjectFieldStart("xattrs");
            for (Map.Entry<String, byte[]> e : xattrs.values().entrySet()) {
                g.writeStringField(e.getKey(), Base64.getEncoder().encodeToString(e.getValue()));
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * Reads both forms of the item: {@code {"ino":12,"xattrs":{"user.x":"..."}}}, and the
     * earlier {@code {"user.x":"..."}} (owner unknown). A name's value is a string in both,
     * so an attribute named "ino" or "xattrs" cannot be mistaken for the fields.
     */
    public static ExtendedAttributes decodeXattrs(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "extended attributes");
            Map<String, byte[]> values = new LinkedHashMap<>();
            long ino = readXattrFields(p, values, true);
            return new ExtendedAttributes(ino, values);
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptValueException("extended attributes are not valid: " + e.getMessage(), e);
        }
    }

    /** The fields of an object of attributes up to its end, into {@code values}; the item's "ino" when {@code outer}. */
    private static long readXattrFields(JsonParser p, Map<String, byte[]> values, boolean outer) throws IOException {
        long ino = ExtendedAttributes.UNKNOWN_INO;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (outer && name.equals("ino") && value == JsonToken.VALUE_NUMBER_INT) {
                ino = p.getLongValue();
            } else if (outer && name.equals("xattrs") && value == JsonToken.START_OBJECT) {
                readXattrFields(p, values, false);
            } else {
                expect(value, JsonToken.VALUE_STRING, "extended attribute " + name);
                values.put(name, Base64.getDecoder().decode(p.getText()));
            }
        }
        expect(p.currentToken(), JsonToken.END_OBJECT, "extended attributes");
        return ino;
    }

    public static byte[] encode(FormatMarker marker) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("layout", marker.layout());
            g.writeNumberField("partSize", marker.partSize());
            g.writeNumberField("pageBytes", marker.pageBytes());
            g.writeEndObject();
        });
    }

    public static FormatMarker decodeFormatMarker(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "format marker");
            int layout = 0;
            int partSize = 0;
            int pageBytes = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "layout" -> layout = p.getIntValue();
                    case "partSize" -> partSize = p.getIntValue();
                    case "pageBytes" -> pageBytes = p.getIntValue();
                    default -> p.skipChildren();
                }
            }
            if (layout <= 0 || partSize <= 0 || pageBytes <= 0) {
                throw new CorruptValueException("format marker lacks layout, partSize or pageBytes");
            }
            return new FormatMarker(layout, partSize, pageBytes);
        } catch (IOException e) {
            throw new CorruptValueException("format marker is not JSON: " + e.getMessage(), e);
        }
    }

    private static void writeAttributes(JsonGenerator g, Attributes a) throws IOException {
        g.writeNumberField("ino", a.ino());
        g.writeStringField("type", a.type().json());
        g.writeStringField("mode", octal(a.mode()));
        g.writeNumberField("uid", a.uid());
        g.writeNumberField("gid", a.gid());
        g.writeNumberField("size", a.size());
        g.writeNumberField("nlink", a.nlink());
        g.writeNumberField("atime", a.atime());
        g.writeNumberField("mtime", a.mtime());
        g.writeNumberField("ctime", a.ctime());
        if (a.target() != null) {
            g.writeStringField("target", a.target());
        }
        if (a.rdev() != 0) {
            g.writeNumberField("rdev", a.rdev());
        }
        if (a.pages() != 0) {
            g.writeNumberField("pages", a.pages());
        }
        if (a.xattrs()) {
            g.writeBooleanField("xattrs", true);
        }
        if (!a.parts().isAll()) {
            g.writeArrayFieldStart("parts");
            for (long b : a.parts().bounds()) {
                g.writeNumber(b);
            }
            g.writeEndArray();
        }
    }

    /** The mode as four octal digits ("0644"); String.format would parse its pattern every time. */
    private static String octal(int mode) {
        String digits = Integer.toOctalString(mode);
        return "0000".substring(Math.min(4, digits.length())) + digits;
    }

    /** Every field any object of the layout may have; each decoder takes what it needs. */
    private static final class Fields {
        long ino;
        String type;
        int mode;
        int uid;
        int gid;
        long size;
        int nlink;
        long atime;
        long mtime;
        long ctime;
        String target;
        long rdev;
        int pages;
        boolean xattrs;
        PartRanges parts;
        boolean node;
        int page;
        List<String> paths = List.of();

        Attributes attributes() {
            if (type == null) {
                throw new CorruptValueException("record has no type");
            }
            FileType fileType;
            try {
                fileType = FileType.ofJson(type);
            } catch (IllegalArgumentException e) {
                throw new CorruptValueException(e.getMessage(), e);
            }
            return new Attributes(ino, fileType, mode, uid, gid, size, nlink, atime, mtime, ctime,
                    target, rdev, pages, xattrs, parts);
        }
    }

    private static Fields readObject(byte[] json, String what) {
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, what);
            Fields f = new Fields();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "ino" -> f.ino = p.getLongValue();
                    case "type" -> f.type = p.getText();
                    case "mode" -> f.mode = Integer.parseInt(p.getText(), 8);
                    case "uid" -> f.uid = p.getIntValue();
                    case "gid" -> f.gid = p.getIntValue();
                    case "size" -> f.size = p.getLongValue();
                    case "nlink" -> f.nlink = p.getIntValue();
                    case "atime" -> f.atime = p.getLongValue();
                    case "mtime" -> f.mtime = p.getLongValue();
                    case "ctime" -> f.ctime = p.getLongValue();
                    case "target" -> f.target = p.getText();
                    case "rdev" -> f.rdev = p.getLongValue();
                    case "pages" -> f.pages = p.getIntValue();
                    case "xattrs" -> f.xattrs = p.getBooleanValue();
                    case "parts" -> {
                        expect(value, JsonToken.START_ARRAY, what + " parts");
                        long[] bounds = new long[8];
                        int n = 0;
                        while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                            bounds = n == bounds.length ? Arrays.copyOf(bounds, n * 2) : bounds;
                            bounds[n++] = p.getLongValue();
                        }
                        expect(p.currentToken(), JsonToken.END_ARRAY, what + " parts");
                        f.parts = PartRanges.ofBounds(Arrays.copyOf(bounds, n));
                    }
                    case "node" -> f.node = p.getBooleanValue();
                    case "page" -> f.page = p.getIntValue();
                    case "paths" -> {
                        expect(value, JsonToken.START_ARRAY, what + " paths");
                        List<String> paths = new ArrayList<>();
                        while (p.nextToken() == JsonToken.VALUE_STRING) {
                            paths.add(p.getText());
                        }
                        expect(p.currentToken(), JsonToken.END_ARRAY, what + " paths");
                        f.paths = paths;
                    }
                    default -> p.skipChildren();
                }
            }
            return f;
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptValueException(what + " is not valid: " + e.getMessage(), e);
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new CorruptValueException(what + ": expected " + expected + " but found " + actual);
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
