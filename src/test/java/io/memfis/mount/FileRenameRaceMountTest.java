package io.memfis.mount;

import io.memfis.fs.FsOptions;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import io.memfis.tools.Check;
import io.memfis.tools.CheckResult;
import io.memfis.tools.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two mounts, as two hosts, rename the same {@value #FILES} files at once, one {@code mv}
 * after the other: of each pair of mv's one succeeds and the other fails with ENOENT, as
 * the second rename of a name on a local disk does. Once both succeeded, leaving one file
 * under two names.
 */
@MountTag
class FileRenameRaceMountTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final int FILES = 300;
    private static final String NS = "filerenamerace";

    @Test
    void ofTwoMvsOfOneFileOneWinsAndTheOtherFailsWithEnoent() {
        FsOptions options = FsOptions.defaults(NS).withAttrTimeout(Duration.ofSeconds(1));
        try (Mount a = Mount.of(MEMCACHED, options); Mount b = Mount.of(MEMCACHED, options)) {
            Shell.ok(a.path(), "for i in $(seq " + FILES + "); do echo \"file $i\" > f$i; done");
            Shell.ok(b.path(), "until [ -f f" + FILES + " ]; do sleep 0.05; done");
            // each mount renames every file, in the same order: most pairs of mv's overlap;
            // each prints "won N" and, for a loss, mv's own message
            String mvs = "for i in $(seq " + FILES + "); do mv f$i %s$i 2>&1 && echo won $i; done";
            String out = Shell.ok(a.path(), "oa=$(mktemp) ob=$(mktemp); "
                    + "(" + String.format(mvs, "x") + ") > $oa & "
                    + "(cd " + b.path() + " && " + String.format(mvs, "y") + ") > $ob & wait; "
                    + "cat $oa; echo ---; cat $ob; rm -f $oa $ob");
            String[] halves = out.split("---\n", -1);
            Set<Integer> aWon = won(halves[0]);
            Set<Integer> bWon = won(halves[1]);
            Set<Integer> both = new TreeSet<>(aWon);
            both.retainAll(bWon);
            System.out.println("file rename race: a won " + aWon.size() + ", b won " + bWon.size());
            assertEquals(Set.of(), both, "renames of one file that both succeeded");
            assertEquals(FILES, aWon.size() + bWon.size(), "every file was renamed once: " + out);
            for (String line : out.split("\n")) {
                assertTrue(line.startsWith("won ") || line.equals("---") || line.contains("No such file or directory"),
                        "a lost mv fails with ENOENT: " + line);
            }

            try (Mount fresh = Mount.of(MEMCACHED, options)) {
                StringBuilder expected = new StringBuilder();
                for (int i = 1; i <= FILES; i++) {
                    expected.append(aWon.contains(i) ? "x" : "y").append(i).append(" file ").append(i).append('\n');
                }
                String listing = Shell.ok(fresh.path(),
                        "for n in $(ls | sort -k1.2n); do printf '%s %s\\n' $n \"$(cat $n)\"; done");
                assertEquals(expected.toString(), listing, "each file once, under the winner's name, whole");
                List<Finding> found = new ArrayList<>();
                CheckResult r = Check.run(fresh.store(), NS, false, found::add);
                assertEquals(0, r.problems(), "check finds " + found);
            }
        }
    }

    private static Set<Integer> won(String out) {
        Set<Integer> won = new TreeSet<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("won ")) {
                won.add(Integer.parseInt(line.substring(4).trim()));
            }
        }
        return won;
    }
}
