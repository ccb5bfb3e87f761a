package io.memfis.tools;

import io.memfis.testing.NginxTag;
import io.memfis.testing.Preload;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.layout.FileType;
import io.memfis.tools.NginxReach.Reason;
import io.memfis.tools.NginxReach.Unservable;
import io.memfis.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@NginxTag
class NginxReachTest {

    private final Stores.InMemory store = Stores.inMemory(64 * 1024);
    private final MemFs fs = MemFs.open(store, FsOptions.defaults("reach")
            .withAttrTimeout(Duration.ZERO).withHealthInterval(Duration.ZERO));

    @AfterEach
    void close() {
        fs.close();
    }

    @Test
    void listsWhatNginxCannotServeWithTheReasonInPathOrder() {
        int partSize = fs.format().partSize();
        Preload.file(fs, "/index.html", "<h1>hi</h1>");
        Preload.file(fs, "/empty", "");
        Preload.file(fs, "/exactly-one-item.bin", new byte[partSize]);
        Preload.file(fs, "/media/big.bin", new byte[partSize + 1]);
        fs.symlink("index.html", "/latest", 0, 0);
        fs.mknod("/media/pipe", FileType.FIFO, 0644, 0, 0, 0);
        String longDir = "/" + "d".repeat(240);
        Preload.file(fs, longDir + "/short.txt", "x");
        fs.link("/index.html", "/media/index-link.html");
        Preload.file(fs, "/media/evicted.txt", "gone");
        store.evict(fs.keys().record("/media/evicted.txt"));

        Map<String, Reason> found = new LinkedHashMap<>();
        List<String> explanations = new ArrayList<>();
        NginxReach.Summary summary = NginxReach.scan(fs, u -> {
            found.put(u.path(), u.reason());
            explanations.add(u.explanation());
        });

        Map<String, Reason> expected = new LinkedHashMap<>();
        expected.put(longDir + "/short.txt", Reason.LONG_KEY);
        expected.put("/latest", Reason.SYMLINK);
        expected.put("/media/big.bin", Reason.TOO_LARGE);
        expected.put("/media/evicted.txt", Reason.MISSING_RECORD);
        expected.put("/media/pipe", Reason.SPECIAL_FILE);
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(found.entrySet()));
        assertEquals(new NginxReach.Summary(9, 5), summary);
        assertTrue(explanations.get(1).startsWith("symlink to index.html"), explanations.get(1));
        assertTrue(explanations.get(2).startsWith((partSize + 1) + " bytes, larger than one memcached item ("
                + partSize + " bytes)"), explanations.get(2));
    }

    @Test
    void aPathIsServableExactlyWhenItsKeyIsNotHashed() {
        NginxReach reach = new NginxReach(fs.keys(), fs.format().partSize());
        // "memfis://reach" is 14 bytes: a path of 236 bytes makes a key of exactly 250
        String longest = "/" + "a".repeat(235);
        Preload.file(fs, longest, "x");
        Preload.file(fs, longest + "b", "x");
        assertEquals(null, reach.check(longest, fs.getattr(longest), false));
        Unservable over = reach.check(longest + "b", fs.getattr(longest + "b"), false);
        assertEquals(Reason.LONG_KEY, over.reason());
        assertEquals("its key would be 251 bytes, memcached allows 250: memfis stores it under a hashed key",
                over.explanation());
        // a space is 3 bytes in the key (%20): what counts is the escaped key
        String spaced = "/" + "a".repeat(233) + " ";
        Preload.file(fs, spaced, "x");
        assertEquals(Reason.LONG_KEY, reach.check(spaced, fs.getattr(spaced), false).reason());
    }

    @Test
    void anEmptyNamespaceHasNothingToList() {
        assertEquals(new NginxReach.Summary(0, 0), NginxReach.scan(fs, u -> {
            throw new AssertionError(u.toString());
        }));
    }
}
