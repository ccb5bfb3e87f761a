package io.memfis.tools;

import io.memfis.layout.Keys;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The words an orphan is reported in: whose key it is and what it held, read from the key by {@link Keys#parse}. */
class OrphansTest {

    private final Keys keys = Keys.of("site");

    @Test
    void eachKindOfKeyIsNamedByItsPathOrInode() {
        String path = "/my docs/100% é.html";
        assertWords(path, "content", keys.content(path));
        assertWords(path, "record", keys.record(path));
        assertWords(path, "extended attributes", keys.xattrs(path));
        assertWords("/my docs", "listing page 3", keys.dirPage("/my docs", 3));
        assertWords("inode 42", "node", keys.node(42));
        assertWords("inode 42", "node's extended attributes", keys.nodeXattrs(42));
        assertWords("inode 42", "part", keys.dataPart(42, 7));
        assertWords("namespace", "inode counter", keys.inodeCounter());
    }

    @Test
    void aHashedPathIsNamedByItsHashAndAnUnknownKeyByWhatItSays() {
        String record = keys.record("/" + "x".repeat(300));
        String hashed = record.substring(keys.prefix().length(), record.length() - "%attr".length());
        assertWords("hashed path " + hashed, "record", record);
        assertWords("/a", "key with suffix %zz", keys.prefix() + "/a%zz");
        assertWords("key %what", "unknown key", keys.prefix() + "%what");
    }

    private void assertWords(String subject, String kind, String key) {
        assertArrayEquals(new String[]{subject, kind}, Orphans.subjectAndKind(keys.parse(key)), key);
    }
}
