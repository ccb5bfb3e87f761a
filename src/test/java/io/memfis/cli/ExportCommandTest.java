package io.memfis.cli;

import io.memfis.testing.MountTag;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What {@code memfis export} refuses, in one line and before writing anything (the round
 * trip itself is {@code io.memfis.mount.ExportRoundTripTest}).
 */
@MountTag
class ExportCommandTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    @Test
    void aDirectoryThatIsNotEmptyIsLeftAlone() throws IOException {
        try (Mount m = Mount.of(MEMCACHED, "refused")) {
            m.unmount();
        }
        Path full = Files.createDirectories(work.resolve("full"));
        Files.writeString(full.resolve("precious"), "keep me");
        CliRun run = CliRun.of("export", "-s", MEMCACHED.servers(), "-n", "refused", full.toString());
        assertEquals(1, run.exit(), run.toString());
        assertEquals("memfis: " + full + " is not empty: export writes into an empty or new directory\n", run.err());
        assertEquals("keep me", Files.readString(full.resolve("precious")));
    }

    @Test
    void aNamespaceThatDoesNotExistIsNotCreated() {
        CliRun run = CliRun.of("export", "-s", MEMCACHED.servers(), "-n", "never-made", work.resolve("x").toString());
        assertEquals(1, run.exit(), run.toString());
        assertEquals("memfis: namespace memfis://never-made does not exist\n", run.err());
        assertFalse(Files.exists(work.resolve("x")));
    }
}
