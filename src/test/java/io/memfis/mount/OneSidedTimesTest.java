package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.memfis.mount.TreeComparison.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Programs that set one of a file's two times and leave the other ({@code utimensat} with
 * UTIME_OMIT): {@code touch -m}, {@code touch -a}, and {@code tar -x}, which sets each
 * entry's mtime that way. libfuse passes them on only when told the filesystem understands
 * UTIME_OMIT; otherwise they exit 0 and change nothing.
 */
@MountTag
class OneSidedTimesTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    @Test
    void touchSetsOnlyTheTimeItIsAskedFor() {
        try (Mount m = Mount.of(MEMCACHED, "onesided-touch")) {
            Shell.ok(m.path(), "echo x > f && touch -d '2010-01-01 00:00:00' f");
            Shell.ok(m.path(), "touch -m -d '2001-02-03 04:05:06.123456789' f");
            assertEquals("2001-02-03 04:05:06.123456789 2010-01-01 00:00:00.000000000",
                    Shell.ok(m.path(), "TZ=UTC stat -c '%y %x' f | sed 's/ +0000//g'").trim(), "mtime set, atime kept");
            String ctime = Shell.ok(m.path(), "stat -c %z f");
            Shell.ok(m.path(), "touch -a -d '2002-03-04 05:06:07' f");
            assertEquals("2001-02-03 04:05:06.123456789 2002-03-04 05:06:07.000000000",
                    Shell.ok(m.path(), "TZ=UTC stat -c '%y %x' f | sed 's/ +0000//g'").trim(), "atime set, mtime kept");
            assertNotEquals(ctime, Shell.ok(m.path(), "stat -c %z f"), "a change of times changes ctime");
            // UTIME_NOW for one time only: mtime becomes now, the old atime stays
            Shell.ok(m.path(), "touch -m f");
            assertEquals("2002-03-04", Shell.ok(m.path(), "TZ=UTC stat -c %x f").substring(0, 10), "atime kept");
            assertEquals(Shell.ok(m.path(), "TZ=UTC date +%Y").trim(),
                    Shell.ok(m.path(), "TZ=UTC stat -c %y f").substring(0, 4), "mtime is now");
        }
    }

    /** Files, directories and symlinks all keep the mtime the archive gives them. */
    @Test
    void tarExtractionKeepsEveryMtime() {
        Path src = work.resolve("src");
        Shell.ok(work, String.join(" && ",
                "mkdir -p src/site/css src/site/empty",
                "echo '<h1>hi</h1>' > src/site/index.html",
                "head -c 300000 /dev/urandom > src/site/big.bin",
                "echo 'body{}' > src/site/css/a.css",
                "ln -s index.html src/site/home.html",
                "touch -h -d '2001-02-03 04:05:06' src/site/home.html",
                "touch -d '2002-01-01 10:00:00' src/site/index.html src/site/big.bin",
                "touch -d '2003-01-01 10:00:00' src/site/css/a.css src/site/empty",
                "touch -d '2004-01-01 10:00:00' src/site/css src/site",
                "tar -C src -cf site.tar site"));
        try (Mount m = Mount.of(MEMCACHED, "onesided-tar")) {
            Shell.ok(work, "tar -xf site.tar -C " + quote(m.path()));
            String listing = "cd DIR && find site -printf '%p %y %TY-%Tm-%Td %TH:%TM:%TS\\n' | sort";
            assertEquals(Shell.ok(work, listing.replace("DIR", quote(src))),
                    Shell.ok(work, listing.replace("DIR", quote(m.path()))), "mtimes after tar -x");
        }
    }

    /** rsync compares size and mtime: a second run sends nothing when the first kept the times. */
    @Test
    void aSecondRsyncSendsNothing() {
        Shell.ok(work, String.join(" && ",
                "mkdir -p src/a/b src/c",
                "for i in $(seq 1 30); do echo $i > src/a/f$i; done",
                "head -c 200000 /dev/urandom > src/a/b/big",
                "ln -s ../c src/a/link",
                "touch -h -d '2005-05-05 05:05:05' src/a/link src/a/f* src/a/b/big src/a/b src/a src/c"));
        try (Mount m = Mount.of(MEMCACHED, "onesided-rsync")) {
            Shell.ok(work, "rsync -a src/ " + quote(m.path()) + "/dst/");
            assertEquals("", Shell.ok(work, "rsync -ai src/ " + quote(m.path()) + "/dst/"),
                    "what the second rsync -ai itemizes");
        }
    }
}
