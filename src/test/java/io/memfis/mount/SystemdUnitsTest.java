package io.memfis.mount;

import io.memfis.testing.InstalledMemfis;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The systemd units the repository ships are accepted by systemd-analyze verify (systemd is on this machine). */
class SystemdUnitsTest {

    private static final Path UNITS = Path.of("systemd");

    @TempDir
    Path work;

    @Test
    void everyShippedUnitVerifies() throws Exception {
        List<Path> units;
        try (Stream<Path> files = Files.list(UNITS)) {
            units = files.filter(p -> p.toString().matches(".*\\.(service|mount|socket|timer|target)$")).sorted().toList();
        }
        assertTrue(units.stream().anyMatch(p -> p.toString().endsWith("memfis-memcached.service")), units.toString());
        assertTrue(units.stream().anyMatch(p -> p.toString().endsWith(".mount")), units.toString());
        // units run /usr/local/bin/memfis, and verify requires the programs they run to be there
        try (InstalledMemfis installed = InstalledMemfis.install()) {
            for (Path unit : units) {
                Shell.Result r = verify(unit);
                assertEquals(0, r.exit(), unit + ": " + r.out() + r.err());
                assertEquals("", r.err().strip(), unit + " gives warnings");
            }
        }
    }

    @Test
    void aBrokenUnitIsRefused() throws Exception {
        Path broken = work.resolve("memfis-memcached.service");
        Files.writeString(broken, Files.readString(UNITS.resolve("memfis-memcached.service"))
                .replace("/usr/bin/memcached", "/usr/bin/memcached-that-is-not-installed"));
        assertFalse(verify(broken).exit() == 0);
    }

    @Test
    void theMountUnitIsNamedAfterWhereItMounts() throws Exception {
        Path unit = UNITS.resolve("srv-memfis.mount");
        String where = Files.readString(unit).lines().filter(l -> l.startsWith("Where=")).findFirst().orElseThrow().substring(6);
        assertEquals(unit.getFileName().toString(), Shell.ok(work, "systemd-escape -p --suffix=mount '" + where + "'").strip());
    }

    private static Shell.Result verify(Path unit) {
        return Shell.run(Path.of("."), "systemd-analyze verify '" + unit.toAbsolutePath() + "'");
    }
}
