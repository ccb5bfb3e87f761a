package io.memfis.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pins the exact bytes of every JSON value of the layout: other mounts and repair tools read them. */
class JsonTest {

    private static final long T = 1_700_000_000_123_456_789L;

    private static Attributes file(long size) {
        return new Attributes(12, FileType.FILE, 0644, 1000, 100, size, 1, T, T + 1, T + 2, null, 0, 0, false);
    }

    @Test
    void recordOfAFile() {
        assertJson("{\"ino\":12,\"type\":\"file\",\"mode\":\"0644\",\"uid\":1000,\"gid\":100,\"size\":5,\"nlink\":1,"
                + "\"atime\":1700000000123456789,\"mtime\":1700000000123456790,\"ctime\":1700000000123456791,"
                + "\"page\":0}", Json.encode(PathRecord.inline(file(5), 0)));
    }

    @Test
    void recordOfASparseFileNamesThePartsWritten() {
        Attributes sparse = file(1L << 40).withParts(PartRanges.ofBounds(new long[]{0, 2, 524800, 524801}));
        byte[] json = Json.encode(PathRecord.inline(sparse, 0));
        assertJson("{\"ino\":12,\"type\":\"file\",\"mode\":\"0644\",\"uid\":1000,\"gid\":100,\"size\":1099511627776,"
                + "\"nlink\":1,\"atime\":1700000000123456789,\"mtime\":1700000000123456790,\"ctime\":1700000000123456791,"
                + "\"parts\":[0,2,524800,524801],\"page\":0}", json);
        assertEquals(sparse, Json.decodePathRecord(json).attributes());
        assertEquals(PartRanges.ofBounds(new long[0]), Json.decodePathRecord(Json.encode(PathRecord.inline(
                file(1L << 40).withParts(PartRanges.ofBounds(new long[0])), 0))).attributes().parts(), "all hole");
    }

    @Test
    void aRecordWithoutPartsHasEveryPartWritten() {
        // records written before holes were recorded: every part below the size is stored
        assertEquals(PartRanges.ALL, Json.decodePathRecord(Json.encode(PathRecord.inline(file(5L << 20), 0)))
                .attributes().parts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "[2,1]", "[0,2,1,3]", "[0,2,2,3]", "[-1,2]"})
    void partRangesThatAreNotSortedPairsAreCorrupt(String parts) {
        String json = "{\"ino\":12,\"type\":\"file\",\"size\":99999999,\"parts\":" + parts + ",\"page\":0}";
        assertThrows(CorruptValueException.class, () -> Json.decodePathRecord(utf8(json)));
    }

    @Test
    void recordOfADirectoryWithPagesAndXattrs() {
        Attributes dir = new Attributes(3, FileType.DIRECTORY, 02775, 0, 50, 0, 4, 1, 2, 3, null, 0, 7, true);
        assertJson("{\"ino\":3,\"type\":\"dir\",\"mode\":\"2775\",\"uid\":0,\"gid\":50,\"size\":0,\"nlink\":4,"
                + "\"atime\":1,\"mtime\":2,\"ctime\":3,\"pages\":7,\"xattrs\":true,\"page\":2}",
                Json.encode(PathRecord.inline(dir, 2)));
    }

    @Test
    void recordsOfASymlinkAndADevice() {
        Attributes link = new Attributes(4, FileType.SYMLINK, 0777, 0, 0, 9, 1, 1, 1, 1, "../a \"b\"", 0, 0, false);
        assertJson("{\"ino\":4,\"type\":\"symlink\",\"mode\":\"0777\",\"uid\":0,\"gid\":0,\"size\":9,\"nlink\":1,"
                + "\"atime\":1,\"mtime\":1,\"ctime\":1,\"target\":\"../a \\\"b\\\"\",\"page\":0}",
                Json.encode(PathRecord.inline(link, 0)));
        Attributes dev = new Attributes(5, FileType.CHAR_DEVICE, 0600, 0, 0, 0, 1, 1, 1, 1, null, 0x0103, 0, false);
        assertJson("{\"ino\":5,\"type\":\"chardev\",\"mode\":\"0600\",\"uid\":0,\"gid\":0,\"size\":0,\"nlink\":1,"
                + "\"atime\":1,\"mtime\":1,\"ctime\":1,\"rdev\":259,\"page\":0}", Json.encode(PathRecord.inline(dev, 0)));
    }

    @Test
    void sharedRecord() {
        assertJson("{\"ino\":12,\"node\":true,\"page\":4}", Json.encode(PathRecord.inNode(12, 4)));
    }

    @Test
    void node() {
        Attributes a = new Attributes(12, FileType.FILE, 0600, 1, 2, 5, 2, 1, 2, 3, null, 0, 0, true);
        assertJson("{\"ino\":12,\"type\":\"file\",\"mode\":\"0600\",\"uid\":1,\"gid\":2,\"size\":5,\"nlink\":2,"
                + "\"atime\":1,\"mtime\":2,\"ctime\":3,\"xattrs\":true,\"paths\":[\"/a\",\"/d/b c\"]}",
                Json.encode(new NodeRecord(a, List.of("/a", "/d/b c"))));
    }

    /** Jackson escapes control characters and characters outside the BMP (as surrogate pairs). */
    @Test
    void directoryPage() {
        assertJson("[]", Json.encodeNames(List.of()));
        assertJson("[\"a\",\"b c\",\"x%attr\",\"q\\\"\\\\\",\"t\\u0001\\n\",\"é€\\uD83D\\uDE00\"]",
                Json.encodeNames(List.of("a", "b c", "x%attr", "q\"\\", "t\u0001\n", "é€\uD83D\uDE00")));
    }

    /** A page grown by appending is byte for byte the page encoded whole: other mounts and tools read either. */
    @Test
    void appendedNamesGiveThePageEncodedWhole() {
        List<String> kinds = List.of("a", "b c", "x%attr", "q\"\\", "t\u0001\n", "é€\uD83D\uDE00", "", "\u0000", "/");
        java.util.Random random = new java.util.Random(15);
        List<String> all = new java.util.ArrayList<>();
        byte[] page = Json.encodeNames(List.of());
        for (int round = 0; round < 200; round++) {
            List<String> more = new java.util.ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                more.add(kinds.get(random.nextInt(kinds.size())) + random.nextInt(1000));
            }
            page = Json.appendNames(page, more);
            all.addAll(more);
            assertArrayEquals(Json.encodeNames(all), page, "after " + all.size() + " names");
        }
        assertEquals(all, Json.decodeNames(page));
    }

    @Test
    void directoryPageKeepsUtf8Raw() {
        assertArrayEquals(new byte[]{'[', '"', (byte) 0xC3, (byte) 0xA9, '"', ']'}, Json.encodeNames(List.of("é")));
    }

    @Test
    void extendedAttributes() {
        Map<String, byte[]> x = new LinkedHashMap<>();
        x.put("user.mime_type", "text/html".getBytes(StandardCharsets.US_ASCII));
        x.put("user.empty", new byte[0]);
        x.put("security.bin", new byte[]{0, (byte) 0xff, 1});
        assertJson("{\"ino\":12,\"xattrs\":{\"user.mime_type\":\"dGV4dC9odG1s\",\"user.empty\":\"\",\"security.bin\":\"AP8B\"}}",
                Json.encode(new ExtendedAttributes(12, x)));
    }

    /** Items written before the inode number was kept are read, as nobody's in particular. */
    @Test
    void extendedAttributesOfTheEarlierFormAreRead() {
        ExtendedAttributes old = Json.decodeXattrs(utf8("{\"user.a\":\"AP8B\",\"ino\":\"AA==\",\"xattrs\":\"\"}"));
        assertEquals(ExtendedAttributes.UNKNOWN_INO, old.ino());
        assertEquals(List.of("user.a", "ino", "xattrs"), List.copyOf(old.values().keySet()));
        assertArrayEquals(new byte[]{0}, old.values().get("ino"));
        assertTrue(old.belongsTo(7, true), "believed when the record says the file has some");
        assertFalse(old.belongsTo(7, false));
        ExtendedAttributes own = new ExtendedAttributes(7, Map.of());
        assertTrue(own.belongsTo(7, false), "the file's own, although its record does not say so yet");
        assertFalse(own.belongsTo(8, true), "an earlier file's leftover");
    }

    @Test
    void formatMarker() {
        assertJson("{\"layout\":1,\"partSize\":1047552,\"pageBytes\":16384}",
                Json.encode(new FormatMarker(1, 1047552, 16384)));
    }

    @ParameterizedTest
    @EnumSource(FileType.class)
    void recordsRoundTripForEveryType(FileType type) {
        Attributes a = new Attributes(Long.MAX_VALUE, type, 07777, Integer.MAX_VALUE, 65534, 1L << 40, 3,
                -1_000_000_001L, 0, T, type == FileType.SYMLINK ? "/t" : null, type == FileType.BLOCK_DEVICE ? 8 : 0,
                type == FileType.DIRECTORY ? 2 : 0, true);
        PathRecord r = PathRecord.inline(a, 9);
        assertEquals(r, Json.decodePathRecord(Json.encode(r)));
        assertEquals(PathRecord.inNode(77, 3), Json.decodePathRecord(Json.encode(PathRecord.inNode(77, 3))));
        NodeRecord n = new NodeRecord(a, List.of("/a", "/b/é", "/c d"));
        assertEquals(n, Json.decodeNodeRecord(Json.encode(n)));
    }

    @Test
    void otherValuesRoundTrip() {
        List<String> names = List.of("a", "", " ", "\u0000", "\"", "x%attr", "漢字\uD83D\uDE00");
        assertEquals(names, Json.decodeNames(Json.encodeNames(names)));

        Map<String, byte[]> x = new LinkedHashMap<>();
        x.put("user.b", new byte[]{1, 2, 3});
        x.put("user.a", new byte[300]);
        ExtendedAttributes item = Json.decodeXattrs(Json.encode(new ExtendedAttributes(Long.MAX_VALUE, x)));
        assertEquals(Long.MAX_VALUE, item.ino());
        Map<String, byte[]> back = item.values();
        assertEquals(List.copyOf(x.keySet()), List.copyOf(back.keySet()), "order is kept");
        x.forEach((k, v) -> assertArrayEquals(v, back.get(k), k));

        FormatMarker f = new FormatMarker(1, 1024, 16384);
        assertEquals(f, Json.decodeFormatMarker(Json.encode(f)));
    }

    @Test
    void unknownFieldsAreSkippedSoThatANewerWriterIsReadable() {
        PathRecord r = Json.decodePathRecord(utf8("{\"ino\":5,\"future\":{\"a\":[1,{\"b\":2}]},\"type\":\"file\","
                + "\"mode\":\"0640\",\"size\":3,\"nlink\":1,\"page\":2,\"more\":[]}"));
        assertEquals(new Attributes(5, FileType.FILE, 0640, 0, 0, 3, 1, 0, 0, 0, null, 0, 0, false), r.attributes());
        assertEquals(2, r.page());
        assertEquals(new FormatMarker(1, 10, 20),
                Json.decodeFormatMarker(utf8("{\"layout\":1,\"chunks\":[1,2],\"partSize\":10,\"pageBytes\":20}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "null", "[]", "{}", "\"file\"", "{\"ino\":1", "{\"ino\":1,", "not json",
            "{\"ino\":1,\"type\":\"bogus\",\"mode\":\"0644\"}", "{\"ino\":1,\"type\":\"file\",\"mode\":\"0x9\"}",
            "{\"ino\":1,\"type\":\"file\",\"mode\":\"9\"}", "{\"ino\":\"one\",\"type\":\"file\"}",
            "{\"ino\":99999999999999999999999,\"type\":\"file\"}", "{\"ino\":1,\"type\":\"file\",\"nlink\":{}}"})
    void corruptRecordsAreCorruptValues(String json) {
        assertThrows(CorruptValueException.class, () -> Json.decodePathRecord(utf8(json)));
        assertThrows(CorruptValueException.class, () -> Json.decodeNodeRecord(utf8(json)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"ino\":1,\"type\":\"file\",\"paths\":\"/a\"}",
            "{\"ino\":1,\"type\":\"file\",\"paths\":[\"/a\",2]}", "{\"ino\":1,\"type\":\"file\",\"paths\":[\"/a\""})
    void corruptNodesAreCorruptValues(String json) {
        assertThrows(CorruptValueException.class, () -> Json.decodeNodeRecord(utf8(json)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "[1]", "[\"a\",1]", "[\"a\"", "[null]", "\"a\"", "[[\"a\"]]"})
    void corruptPagesAreCorruptValues(String json) {
        assertThrows(CorruptValueException.class, () -> Json.decodeNames(utf8(json)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"a\":\"!!\"}", "{\"a\":1}", "{\"a\":null}", "{\"a\":true}", "{\"a\":{}}",
            "{\"a\":[\"AA==\"]}", "{\"a\":\"AA==\"", "{\"a\":\"AA==\",\"b\"}", "{\"ino\":1.5}",
            "{\"ino\":1,\"xattrs\":{\"a\":1}}", "{\"ino\":1,\"xattrs\":{\"a\":{}}}", "{\"ino\":1,\"xattrs\":{\"a\":\"AA==\"}"})
    void corruptXattrsAreCorruptValues(String json) {
        assertThrows(CorruptValueException.class, () -> Json.decodeXattrs(utf8(json)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{}", "{\"layout\":1,\"partSize\":1024}", "{\"layout\":0,\"partSize\":1,\"pageBytes\":1}",
            "{\"layout\":\"1\",\"partSize\":1,\"pageBytes\":1}", "{\"layout\":1,\"partSize\":-5,\"pageBytes\":1}",
            "{\"layout\":1,\"partSize\":1,\"pageBytes\":1", "{\"layout\":1,\"partSize\":1e99,\"pageBytes\":1}"})
    void corruptFormatMarkersAreCorruptValues(String json) {
        assertThrows(CorruptValueException.class, () -> Json.decodeFormatMarker(utf8(json)));
    }

    private static void assertJson(String expected, byte[] actual) {
        assertEquals(expected, new String(actual, StandardCharsets.UTF_8));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
