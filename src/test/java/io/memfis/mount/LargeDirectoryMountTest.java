package io.memfis.mount;

import io.memfis.fs.FsOptions;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A directory of many names walked through a real mount (find, ls -l): every name with its
 * attributes, also when the walk outlasts the attribute timeout and its lookups read the
 * records ahead in batches; and what another mount changes after the listing shows within
 * the documented timeout.
 */
@MountTag
class LargeDirectoryMountTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final int FILES = 10_000;

    @TempDir
    Path work;

    /** {@code FILES} files of varied sizes, modes and mtimes in {@code big/}, loaded into {@code namespace}. */
    private Path loaded(String namespace) {
        Shell.ok(work, "mkdir -p src/big && cd src/big && perl -e 'for my $i (1 .. " + FILES + ") {"
                + " open(my $f, \">\", \"f$i\") or die; print $f \"x\" x ($i % 3000); close $f;"
                + " chmod(0600 + ($i % 3) * 044, \"f$i\"); utime(1000000000 + $i * 7, 1000000000 + $i * 7, \"f$i\") }'");
        Path src = work.resolve("src");
        Shell.Result r = MemfisCli.run("load", "-s", MEMCACHED.servers(), "-n", namespace, src.toString());
        assertEquals(0, r.exit(), r.err());
        return src;
    }

    private static String walk(Path dir, String command) {
        return Shell.ok(dir, command + " big -printf '%p %y %s %m %T@ %n %U %G\\n' | sort");
    }

    /** Attributes expire after 50 ms here: most lookups of the walk come after the listing's records expired. */
    @Test
    void everyNameOfALargeDirectoryShowsWithItsAttributes() {
        Path src = loaded("large");
        String expected = walk(src, "find");
        assertEquals(FILES + 1, expected.lines().count());
        FsOptions options = FsOptions.defaults("large").withHealthInterval(Duration.ofMillis(500))
                .withAttrTimeout(Duration.ofMillis(50));
        try (Mount m = Mount.of(MEMCACHED, options)) {
            assertEquals(expected.replaceFirst("big d \\d+ ", "big d "),
                    walk(m.path(), "find").replaceFirst("big d \\d+ ", "big d "), "find");
            String ls = Shell.ok(m.path(), "ls -ln --time-style=+%s big | awk 'NR > 1 { print $1, $5, $6, $7 }' | sort");
            String lsSource = Shell.ok(src, "ls -ln --time-style=+%s big | awk 'NR > 1 { print $1, $5, $6, $7 }' | sort");
            assertEquals(lsSource, ls, "ls -l");
        }
    }

    /** A listing read, then another mount creates and changes names: seen once the timeout (1 s) passed. */
    @Test
    void whatAnotherMountChangesAfterAListingShowsWithinTheTimeout() throws InterruptedException {
        loaded("changed");
        FsOptions options = FsOptions.defaults("changed").withHealthInterval(Duration.ofMillis(500));
        try (Mount a = Mount.of(MEMCACHED, options); Mount b = Mount.of(MEMCACHED, options)) {
            Shell.ok(a.path(), "find big -ls > /dev/null");
            Shell.ok(b.path(), "echo new > big/new && chmod 640 big/f7 && rm big/f8");
            // the kernel and memfis each trust what they read for the timeout (1 s), one after the other:
            // what a read before b's change is trusted no longer than two timeouts after it. A look
            // that began later must see the change; how long the look itself takes on a busy machine
            // (a shell, two stats, two seds) is no part of the contract
            long changed = System.nanoTime();
            long trustedUntil = changed + Duration.ofMillis(2_300).toNanos();
            String expected = "new 4\nf7 640\nno f8\n";
            while (true) {
                long look = System.nanoTime();
                String seen = Shell.ok(a.path(), "stat -c '%n %s' big/new 2>/dev/null | sed 's|big/||'; stat -c '%n %a' big/f7 "
                        + "| sed 's|big/||'; test -e big/f8 || echo no f8");
                if (seen.equals(expected)) {
                    break;
                }
                assertTrue(look < trustedUntil, "a look begun " + (look - changed) / 1_000_000
                        + " ms after the change still saw:\n" + seen);
                Thread.sleep(50); // nothing to poll but the mount itself
            }
        }
    }
}
