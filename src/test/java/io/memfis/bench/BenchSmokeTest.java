package io.memfis.bench;

import io.memfis.testing.BenchTag;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench/run --quick} runs to its end and prints its whole table, so the benchmark
 * scripts never rot. Whether memfis meets the targets is not judged here: on a shared CI
 * machine the ratios are noise; the full run is for people (see the README).
 */
@BenchTag
class BenchSmokeTest {

    private static final List<String> ROWS = List.of("cp -a TREE MOUNT/", "cp -a, -o writeback", "10000 creates, -o writeback",
            "tar -cf - -C MOUNT", "ls -lR, fresh mount", "find -ls, fresh mount", "memfis load TREE", "memfis load, 3000 small files",
            "memfis load, one-file tree", "10000 creates: last/first 1000", "same on bindfs",
            "write 200 MB, dd bs=1M", "read 200 MB, dd bs=1M", "memfis JVM peak RSS");

    @Test
    void quickBenchmarkRunsToTheEndAndPrintsEveryRow() {
        // memfis from the classes just compiled, with the launcher's memory options
        String memfis = MemfisCli.command().stream().collect(Collectors.joining(" "));
        Path repo = Path.of("").toAbsolutePath();
        Shell.Result r = Shell.run(repo, "MEMFIS='" + memfis + "' bench/run --quick", 900);
        assertEquals(0, r.exit(), "bench/run --quick failed:\n" + r.out() + r.err());
        for (String row : ROWS) {
            String line = r.out().lines().filter(l -> l.startsWith(row) || l.startsWith("  " + row)).findFirst()
                    .orElseThrow(() -> new AssertionError("no row '" + row + "' in:\n" + r.out()));
            assertTrue(line.matches(".*\\s[0-9.]+\\s+[0-9.]+\\s+[0-9.]+\\s+[<>]=.*"), "row without figures: " + line);
        }
    }
}
