package io.memfis.cli;

import io.memfis.testing.MountTag;
import io.memfis.fuse.MountTable;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash: memfis killed with SIGKILL while {@code cp -a} copies a few thousand small
 * files and some large ones into it. The mount point is freed with {@code fusermount -u},
 * a new mount works, check finds what the crash left (or nothing, depending on the moment),
 * --repair repairs it, a second check is clean, and every file reads; every file that got
 * its full size has its full content.
 */
@MountTag
class KillDuringCopyTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final String NS = "crash";
    private static final int DIRS = 30;

    private Path work;
    private Path mountPoint;

    @BeforeEach
    void tree() throws IOException {
        work = Shell.tmpfsDirectory("memfis-kill-");
        mountPoint = Files.createDirectory(work.resolve("mnt"));
        Shell.ok(work, """
                set -e
                for d in $(seq %d); do
                    mkdir -p src/d$d/sub
                    for f in $(seq 100); do printf 'file %%s of %%s\\n' $f $d > src/d$d/f$f; done
                    ln src/d$d/f1 src/d$d/sub/link-to-f1
                    ln -s ../f2 src/d$d/sub/symlink-to-f2
                done
                for d in 3 11 19 27; do head -c 3000000 /dev/urandom > src/d$d/big.bin; done
                """.formatted(DIRS));
    }

    @AfterEach
    void clean() {
        if (MountTable.typeAt(mountPoint) != null) {
            Shell.run(work, "fusermount -u -z '" + mountPoint + "'");
        }
        Shell.run(work.getParent(), "rm -rf '" + work + "'");
    }

    @Test
    void killMinusNineMidCopyLeavesWhatCheckRepairs() throws Exception {
        try (MemfisProcess memfis = MemfisProcess.mount(MEMCACHED, NS, mountPoint)) {
            Process cp = new ProcessBuilder("cp", "-a", work.resolve("src") + "/.", mountPoint + "/")
                    .redirectErrorStream(true).redirectOutput(work.resolve("cp.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (topLevelEntries() < DIRS / 6 && cp.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(cp.isAlive(), "cp was still copying when memfis was killed");
                memfis.kill9();
                assertTrue(cp.waitFor(60, TimeUnit.SECONDS), "cp ends once its filesystem is gone");
                assertNotEquals(0, cp.exitValue(), "cp saw the filesystem go");
            } finally {
                cp.destroyForcibly();
            }
            Shell.Result dead = Shell.run(work, "ls mnt");
            assertNotEquals(0, dead.exit());
            assertTrue(dead.err().contains("Transport endpoint is not connected"), dead.err());
            Shell.ok(work, "fusermount -u mnt");
            assertFalse(MountTable.typeAt(mountPoint) != null, "the mount point is free");
            assertEquals("", Shell.ok(work, "ls -A mnt"));
        }

        try (MemfisProcess again = MemfisProcess.mount(MEMCACHED, NS, mountPoint)) {
            Shell.ok(mountPoint, "ls -R > /dev/null");
            again.unmount();
        }
        CliRun first = CliRun.of("check", "-s", MEMCACHED.servers(), "-n", NS);
        System.out.println("check after the crash:\n" + first);
        assertTrue(first.exit() == 0 || first.exit() == 1, first.toString());
        CliRun repair = CliRun.of("check", "--repair", "-s", MEMCACHED.servers(), "-n", NS);
        System.out.println("check --repair:\n" + repair);
        assertEquals(first.exit(), repair.exit(), repair.toString());
        CliRun second = CliRun.of("check", "-s", MEMCACHED.servers(), "-n", NS);
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().lines().allMatch(l -> l.startsWith("note: ")), second.toString());

        try (MemfisProcess last = MemfisProcess.mount(MEMCACHED, NS, mountPoint)) {
            Shell.ok(mountPoint, "find . > /dev/null");
            int files = 0;
            int complete = 0;
            try (Stream<Path> all = Files.walk(mountPoint)) {
                for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                    files++;
                    Path source = work.resolve("src").resolve(mountPoint.relativize(p).toString());
                    byte[] copied = Files.readAllBytes(p); // as cat would: every file reads
                    if (copied.length == Files.size(source)) {
                        assertArrayEquals(Files.readAllBytes(source), copied, "a file of full size has its full content: " + p);
                        complete++;
                    }
                }
            }
            System.out.println(files + " files after the repair, " + complete + " of them complete and equal to the source");
            last.unmount();
        }
    }

    private long topLevelEntries() {
        try (Stream<Path> s = Files.list(mountPoint)) {
            return s.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
