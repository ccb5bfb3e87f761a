package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fs.FsOptions;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two mounts of one namespace, as two hosts would have: one tree, close-to-open content. */
@MountTag
class TwoMountsTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final Duration ATTR_TIMEOUT = Duration.ofMillis(300);

    @Test
    void eachMountSeesTheOthersChanges() throws Exception {
        FsOptions options = FsOptions.defaults("twomounts").withAttrTimeout(ATTR_TIMEOUT);
        try (Mount a = Mount.of(MEMCACHED, options); Mount b = Mount.of(MEMCACHED, options)) {
            Shell.ok(a.path(), "mkdir -p site/css && printf 'body{}' > site/css/main.css && printf v1 > site/index.html");
            assertEquals("body{}", Shell.ok(b.path(), "cat site/css/main.css"));
            assertEquals("v1", Shell.ok(b.path(), "cat site/index.html"));

            Shell.ok(b.path(), "printf 'version 2' > site/index.html && mkdir site/img && ln site/index.html site/copy.html");
            settle();
            assertEquals("version 2", Shell.ok(a.path(), "cat site/index.html"));
            assertEquals("version 2", Shell.ok(a.path(), "cat site/copy.html"));
            assertEquals("copy.html\ncss\nimg\nindex.html\n", Shell.ok(a.path(), "ls site"));
            assertEquals("2 2", Shell.ok(a.path(), "stat -c '%h' site/index.html site/copy.html").replace('\n', ' ').trim());

            Shell.ok(a.path(), "mv site/css site/styles && rm site/copy.html && chmod 600 site/index.html");
            settle();
            assertEquals("img\nindex.html\nstyles\n", Shell.ok(b.path(), "ls site"));
            assertEquals("body{}", Shell.ok(b.path(), "cat site/styles/main.css"));
            assertEquals("600 1", Shell.ok(b.path(), "stat -c '%a %h' site/index.html").trim());
            assertFalse(Files.exists(b.resolve("site/css")));

            String inodesA = Shell.ok(a.path(), "find . -printf '%i %P\\n' | sort");
            settle();
            String inodesB = Shell.ok(b.path(), "find . -printf '%i %P\\n' | sort");
            assertEquals(inodesA, inodesB, "both mounts report the same inode numbers");
        }
    }

    @Test
    void appendsFromBothMountsInTurnAreAllKept() {
        FsOptions options = FsOptions.defaults("appends").withAttrTimeout(Duration.ZERO);
        try (Mount a = Mount.of(MEMCACHED, options); Mount b = Mount.of(MEMCACHED, options)) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                Mount m = i % 2 == 0 ? a : b;
                Shell.ok(m.path(), "echo line " + i + " >> log.txt");
                expected.append("line ").append(i).append('\n');
            }
            assertEquals(expected.toString(), Shell.ok(a.path(), "cat log.txt"));
            assertEquals(expected.toString(), Shell.ok(b.path(), "cat log.txt"));
        }
    }

    /**
     * Two hosts mounting an empty namespace at the same moment: both format it, one of the
     * two formats wins, and both mount. One used to meet the other's root before its marker
     * and refuse the namespace as one whose marker memcached had evicted.
     */
    @Test
    void twoMountsStartedAtOnceOnAnEmptyNamespaceBothMount() throws Exception {
        for (int round = 0; round < 20; round++) {
            FsOptions options = FsOptions.defaults("atonce" + round);
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<Mount>> mounts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                mounts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return Mount.of(MEMCACHED, options);
                }));
            }
            List<String> failed = new ArrayList<>();
            for (CompletableFuture<Mount> m : mounts) {
                try (Mount mount = m.get(60, TimeUnit.SECONDS)) {
                    assertEquals("", Shell.ok(mount.path(), "ls -A"));
                } catch (ExecutionException e) {
                    failed.add(e.getCause().toString());
                }
            }
            assertEquals(List.of(), failed, "round " + round);
        }
    }

    @Test
    void inodeNumbersStayTheSameAcrossRemounts() {
        try (Mount a = Mount.of(MEMCACHED, "stable")) {
            Shell.ok(a.path(), "mkdir d && touch d/f g && ln g h");
            String before = Shell.ok(a.path(), "find . -printf '%i %P\\n' | sort");
            a.unmount();
            a.mount();
            assertEquals(before, Shell.ok(a.path(), "find . -printf '%i %P\\n' | sort"));
            assertTrue(before.contains(" h\n"));
        }
    }

    /**
     * flock and fcntl locks: the kernel keeps them, per mount (memfis has no lock of its
     * own in memcached). Within a mount a second locker is refused, as on a local disk; a
     * process on another mount gets the lock (README, "What works on the mount").
     */
    @Test
    void locksHoldWithinAMountNotAcrossMounts() {
        String lock = "use Fcntl; open(F, \"+<\", $ARGV[0]) or die; my $l = pack(\"s s l l i\", F_WRLCK, 0, 0, 0, 0); ";
        String untilDone = "while [ ! -e done ]; do sleep 0.05; done";
        try (Mount a = Mount.of(MEMCACHED, "locks"); Mount b = Mount.of(MEMCACHED, "locks")) {
            String other = b.resolve("lock").toString();
            assertEquals("refused refused got got", Shell.ok(a.path(), "touch lock; "
                    + "flock lock sh -c 'touch flock-held; " + untilDone + "' & "
                    + "perl -e '" + lock + "fcntl(F, F_SETLKW, $l) or die; system(\"touch fcntl-held; " + untilDone + "\")' lock & "
                    + "while [ ! -e flock-held ] || [ ! -e fcntl-held ]; do sleep 0.05; done; "
                    + "for f in lock " + other + "; do "
                    + "  flock -n $f true && echo got || echo refused; "
                    + "  perl -e '" + lock + "print fcntl(F, F_SETLK, $l) ? \"got\\n\" : \"refused\\n\"' $f; "
                    + "done; touch done; wait").replace('\n', ' ').trim());
        }
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(ATTR_TIMEOUT.toMillis() * 3);
    }

}
