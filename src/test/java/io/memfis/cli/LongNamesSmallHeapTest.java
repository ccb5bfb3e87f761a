package io.memfis.cli;

import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caches of names are bounded by the bytes of the names, as a share of the heap: bounded
 * by counts sized for short names, a load of 80,000 files with names of 240 characters in a
 * heap of 16 MB collected garbage for 22 minutes, and this one ran out of memory in 24 MB
 * (it now takes some 18 s there, 10 s in 32 MB). In 16 MB the load's own read-ahead of
 * the tree (10,000 entries) is too much for such names.
 */
@MountTag
class LongNamesSmallHeapTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final String SMALL_HEAP = "24m";
    private static final int DIRS = 40;
    private static final int FILES_PER_DIR = 1000;

    private Path work;

    @BeforeEach
    void work() throws IOException {
        work = Shell.tmpfsDirectory("memfis-long-");
    }

    @AfterEach
    void clean() {
        Shell.run(work.getParent(), "rm -rf '" + work + "'");
    }

    @Test
    void aLoadOfManyLongNamesRunsInASmallHeap() throws IOException {
        Path tree = work.resolve("tree");
        byte[] content = "<p>x</p>".getBytes(StandardCharsets.UTF_8);
        for (int d = 0; d < DIRS; d++) {
            Path dir = Files.createDirectories(tree.resolve(longName(d)));
            for (int i = 0; i < FILES_PER_DIR; i++) {
                Files.write(dir.resolve(longName(i)), content);
            }
        }
        Shell.Result run = MemfisCli.run(MemfisCli.commandWithHeap(SMALL_HEAP,
                "load", "-s", MEMCACHED.servers(), "-n", "long", tree.toString()));
        assertEquals(0, run.exit(), run.toString());
        int entries = 1 + DIRS + DIRS * FILES_PER_DIR;
        assertTrue(run.err().contains(": " + entries + " entries, " + entries + " sent"), run.toString());
    }

    /** A name of 240 characters, told apart by its end. */
    private static String longName(int i) {
        return "a-long-name-".repeat(19) + String.format("%012d", i);
    }
}
