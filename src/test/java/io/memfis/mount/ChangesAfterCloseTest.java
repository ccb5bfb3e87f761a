package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.memfis.mount.TreeComparison.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A chmod or utime right after close(), as rsync, tar and cp -a do on every file: the
 * kernel sends RELEASE after close has returned, so the change meets the release's save.
 * None may be lost, seen through this mount or a fresh one.
 */
@MountTag
class ChangesAfterCloseTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    private static final int WRITERS = 4;
    private static final int FILES_EACH = 1000;

    /** Creates FILES_EACH files in directory argv[1]: create, write, close, utime, chmod, as fast as it can. */
    private static final String WRITER = String.join("\n",
            "import os, sys",
            "d = sys.argv[1]",
            "for i in range(" + FILES_EACH + "):",
            "    p = os.path.join(d, 'f%d' % i)",
            "    fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)",
            "    os.write(fd, b'content %d' % i)",
            "    os.close(fd)",
            "    os.utime(p, ns=(1000000000 + i, 2000000000 + i))",
            "    os.chmod(p, 0o640)",
            "");

    /** Prints, for every file under argv[1], what differs from what the writer set. */
    private static final String CHECKER = String.join("\n",
            "import os, sys",
            "count, bad = 0, []",
            "for d in sorted(os.listdir(sys.argv[1])):",
            "    for n in os.listdir(os.path.join(sys.argv[1], d)):",
            "        s = os.stat(os.path.join(sys.argv[1], d, n))",
            "        i = int(n[1:])",
            "        if s.st_mode & 0o7777 != 0o640 or s.st_mtime_ns != 2000000000 + i:",
            "            bad.append('%s/%s mode %o mtime %d' % (d, n, s.st_mode & 0o7777, s.st_mtime_ns))",
            "        count += 1",
            "print(count, len(bad))",
            "for b in bad[:20]: print(b)",
            "");

    @Test
    void changesRightAfterCloseAreKeptByEveryFile() throws Exception {
        Path writer = Files.writeString(work.resolve("writer.py"), WRITER);
        Path checker = Files.writeString(work.resolve("checker.py"), CHECKER);
        try (Mount mount = Mount.of(MEMCACHED, "afterclose")) {
            StringBuilder run = new StringBuilder("set -e\n");
            for (int w = 0; w < WRITERS; w++) {
                run.append("mkdir w").append(w).append(" && python3 ").append(quote(writer)).append(" w").append(w)
                        .append(" &\n");
            }
            run.append("for job in $(jobs -p); do wait $job; done\n");
            Shell.ok(mount.path(), run.toString());

            String expected = WRITERS * FILES_EACH + " 0\n";
            assertEquals(expected, Shell.ok(mount.path(), "python3 " + quote(checker) + " ."),
                    "every file keeps its chmod and utime, seen through this mount");
            try (Mount fresh = Mount.of(MEMCACHED, "afterclose")) {
                assertEquals(expected, Shell.ok(fresh.path(), "python3 " + quote(checker) + " ."),
                        "and through a fresh mount");
            }
        }
    }

    @Test
    void rsyncKeepsEveryTimeAndHasNothingToSendAgain() {
        Shell.ok(work, String.join("\n",
                "set -e",
                "mkdir -p src/a/b src/c",
                "for i in $(seq 1 300); do",
                "  d=src; case $((i % 3)) in 1) d=src/a;; 2) d=src/a/b;; esac",
                "  printf 'file %d\\n' $i > $d/f$i",
                "  touch -m -d \"2001-02-03 04:05:06.$i\" $d/f$i",
                "  chmod $((i % 2 ? 640 : 604)) $d/f$i",
                "done",
                "head -c 3000000 /dev/urandom > src/c/large",
                "touch -d '1999-12-31 23:59:59.123456789' src/c/large src/c src/a/b src/a",
                // src itself too: rsync touches a directory's time up after its files only when
                // the seconds differ, so a source changed in the same second as the copy's last
                // change into the destination leaves it that change's time, on any filesystem
                "touch -d '2002-03-04 05:06:07.987654321' src"));
        try (Mount mount = Mount.of(MEMCACHED, "rsync")) {
            String dst = quote(mount.path().resolve("dst"));
            Shell.ok(work, "rsync -a src/ " + dst + "/");

            String list = "find . -printf '%P %m %T@\\n' | sort";
            String expected = Shell.ok(work.resolve("src"), list);
            assertEquals(expected, Shell.ok(mount.path().resolve("dst"), list), "modes and mtimes as in the source");
            try (Mount fresh = Mount.of(MEMCACHED, "rsync")) {
                assertEquals(expected, Shell.ok(fresh.path().resolve("dst"), list), "modes and mtimes as stored");
            }
            assertEquals("", Shell.ok(work, "rsync -ai src/ " + dst + "/"), "a second rsync has nothing to send");
        }
    }
}
