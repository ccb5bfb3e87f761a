package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fs.FsOptions;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import io.memfis.tools.Check;
import io.memfis.tools.CheckResult;
import io.memfis.tools.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two mounts, as two hosts, run {@code mv d x} and {@code mv d y} at once on a directory
 * of {@value #FILES} files: one mv succeeds, the other fails with ENOENT, and every mount
 * then sees exactly one of x and y, whole, and check finds nothing. Once the loser left a
 * half-copied y listed with dozens of dangling names (7 of 7 tries).
 */
@MountTag
class DirectoryRenameRaceMountTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final int FILES = 200;
    private static final int ROUNDS = 6;
    private static final String NS = "renamerace";

    @Test
    void ofTwoMvsOfOneDirectoryOneWinsWholeAndTheOtherFailsWithEnoent() {
        FsOptions options = FsOptions.defaults(NS).withAttrTimeout(Duration.ofSeconds(1));
        try (Mount a = Mount.of(MEMCACHED, options); Mount b = Mount.of(MEMCACHED, options)) {
            for (int round = 0; round < ROUNDS; round++) {
                String d = "d" + round;
                String x = "x" + round;
                String y = "y" + round;
                Shell.ok(a.path(), "mkdir " + d + " && for i in $(seq " + FILES + "); do echo \"file $i\" > "
                        + d + "/f$i; done && mkdir " + d + "/sub && echo deep > " + d + "/sub/deep");
                // b looks the directory up first, as mv does, so that both mv's start from a known d
                Shell.ok(b.path(), "until [ -d " + d + " ]; do sleep 0.05; done");
                // both mv's are started by one shell, so that they overlap
                String out = Shell.ok(a.path(), "ea=$(mktemp) eb=$(mktemp); "
                        + "(mv " + d + " " + x + " 2>$ea; echo a $?) & "
                        + "(cd " + b.path() + " && mv " + d + " " + y + " 2>$eb; echo b $?) & wait; "
                        + "cat $ea $eb; rm -f $ea $eb");
                // which mv won, and where the other failed ("cannot move": its rename() itself)
                System.out.println("rename race, round " + round + ": " + out.replace("\n", " | "));
                boolean aWon = out.contains("a 0");
                boolean bWon = out.contains("b 0");
                assertTrue(aWon ^ bWon, "round " + round + ": exactly one mv succeeds: " + out);
                assertTrue(out.contains("No such file or directory"), "round " + round + ": the other ENOENT: " + out);
                String winner = aWon ? x : y;

                try (Mount fresh = Mount.of(MEMCACHED, options)) {
                    String names = Shell.ok(fresh.path(), "ls -d d" + round + " x" + round + " y" + round
                            + " 2>/dev/null; true");
                    assertEquals(winner + "\n", names, "round " + round + ": the tree holds the winner's name only");
                    assertEquals(String.valueOf(FILES + 1), Shell.ok(fresh.path(), "ls " + winner + " | wc -l").trim());
                    assertEquals("file 17\ndeep\n", Shell.ok(fresh.path(), "cat " + winner + "/f17 " + winner + "/sub/deep"));
                    List<Finding> found = new ArrayList<>();
                    CheckResult r = Check.run(fresh.store(), NS, false, found::add);
                    assertEquals(0, r.problems(), "round " + round + ": check finds " + found);
                }
            }
        }
    }
}
