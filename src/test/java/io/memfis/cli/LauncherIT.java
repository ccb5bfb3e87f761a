package io.memfis.cli;

import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/memfis} as a user runs it, on the jar the build just made: it builds its class
 * data archive once per jar, silently, later starts map memfis's and picocli's classes from it, and it
 * works through a link from another directory (an install in /usr/local/bin).
 */
class LauncherIT {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final Path REPO = Path.of("").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void buildsItsArchiveOnceSilentlyAndLaterStartsMapIt() throws IOException {
        jarBuilt();
        Shell.ok(REPO, "rm -f target/memfis-*.jsa");
        Shell.Result first = Shell.run(REPO, "bin/memfis --version");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().startsWith("memfis "), first.out());
        assertEquals("", first.err(), "the training run must not print anything");
        Path archive = archive();
        long built = Files.getLastModifiedTime(archive).toMillis();
        assertEquals("", Shell.ok(REPO, "ps -eo args | grep -e '-p [0-9]* -U 0 -m 64$' | grep -v grep || true"),
                "the training run's memcached is still running");

        Path tree = Files.createDirectories(work.resolve("tree/d"));
        Files.writeString(tree.resolve("index.html"), "hello\n");
        Path classes = work.resolve("classes.log");
        Shell.Result load = Shell.run(REPO, "MEMFIS_JAVA_OPTS=-Xlog:class+load:file=" + classes
                + " bin/memfis load -s " + MEMCACHED.servers() + " -n launcher " + work.resolve("tree"));
        assertEquals(0, load.exit(), load.err());
        assertTrue(load.err().startsWith("memfis: loaded ") && load.err().lines().count() == 1,
                "only the summary, no JVM warning: " + load.err());
        String log = Files.readString(classes);
        for (String cls : new String[]{"io.memfis.load.LoadRun", "io.memfis.fs.MemFs", "io.memfis.store.MemcachedStore",
                "picocli.CommandLine", "picocli.CommandLine$Model$CommandSpec"}) {
            assertTrue(log.contains(cls + " source: shared objects file"), cls + " not mapped from the archive");
        }
        assertEquals(built, Files.getLastModifiedTime(archive()).toMillis(), "a second start rebuilt the archive");
    }

    @Test
    void worksThroughALinkAndRebuildsTheArchiveForANewJar() throws IOException {
        jarBuilt();
        Path link = work.resolve("memfis");
        Files.createSymbolicLink(link, REPO.resolve("bin/memfis"));
        // an archive older than the jar is one of another build: the JVM would refuse it
        Shell.ok(REPO, "touch -d '-1 hour' target/memfis-*.jsa");
        Shell.Result r = Shell.run(work, link + " --version");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertTrue(Files.getLastModifiedTime(archive()).compareTo(Files.getLastModifiedTime(REPO.resolve("target/memfis.jar"))) >= 0,
                "the archive of an older jar was kept");
    }

    /**
     * The launcher builds the jar first when a source is newer, and says so on stderr: so it
     * does when these tests run before {@code package} ({@code -Dtest=...} runs them with the
     * unit tests), which is not what they are about.
     */
    private static void jarBuilt() {
        Shell.Result r = Shell.run(REPO, "bin/memfis --version");
        assertEquals(0, r.exit(), r.err());
    }

    private static Path archive() throws IOException {
        try (Stream<Path> files = Files.list(REPO.resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("memfis-[0-9]+\\.jsa")).findFirst()
                    .orElseThrow(() -> new AssertionError("no class data archive in target/"));
        }
    }
}
