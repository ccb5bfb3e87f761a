package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fs.FsOptions;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One mount changes a name while another still trusts what it cached about it (within the
 * attribute timeout, which is long here so that it surely does), or changes a file through
 * one of its names while the kernel caches another. Whatever the second
 * mount then does to that name must act on the name as it is now: never on the file it
 * remembers, which would lose the new one, leave its parts behind or say it removed
 * something that was already gone.
 */
@MountTag
class StaleCacheTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final FsOptions OPTIONS = FsOptions.defaults("stale").withAttrTimeout(Duration.ofSeconds(30));

    /** Close-to-open: what one mount closed, another reads on its next open, size and pages alike. */
    @Test
    void aFileAnotherMountRewroteReadsAsRewrittenOnTheNextOpen() {
        try (Mount a = Mount.of(MEMCACHED, OPTIONS); Mount b = Mount.of(MEMCACHED, OPTIONS)) {
            Shell.ok(a.path(), "mkdir c && yes old | head -c 20000 > c/f && cat c/f > /dev/null && stat c/f > /dev/null");
            Shell.ok(b.path(), "yes new | head -c 100 > c/f");
            assertEquals(Shell.ok(b.path(), "yes new | head -c 100"), Shell.ok(a.path(), "cat c/f"), "a smaller file");
            Shell.ok(b.path(), "yes NEW | head -c 100 > c/f");
            assertEquals(Shell.ok(b.path(), "yes NEW | head -c 100"), Shell.ok(a.path(), "cat c/f"), "same size, new bytes");
            Shell.ok(b.path(), "yes more | head -c 50000 > c/f");
            assertEquals(Shell.ok(b.path(), "yes more | head -c 50000"), Shell.ok(a.path(), "cat c/f"), "a larger file");
            assertEquals("50000", Shell.ok(a.path(), "stat -c %s c/f").trim());
        }
    }

    /** The kernel caches per name: the name still holds the old file's size and pages. */
    @Test
    void aFileAnotherMountPutInTheNamesPlaceReadsAsTheNewFile() {
        try (Mount a = Mount.of(MEMCACHED, OPTIONS); Mount b = Mount.of(MEMCACHED, OPTIONS)) {
            Shell.ok(a.path(), "mkdir n && yes old | head -c 537 > n/f && cat n/f > /dev/null && stat n/f > /dev/null");
            Shell.ok(b.path(), "rm n/f && yes new | head -c 1996 > n/f");
            assertEquals(Shell.ok(b.path(), "yes new | head -c 1996"), Shell.ok(a.path(), "cat n/f"), "a larger new file");
            Shell.ok(a.path(), "stat n/f > /dev/null");
            Shell.ok(b.path(), "rm n/f && yes NEW | head -c 1996 > n/f");
            assertEquals(Shell.ok(b.path(), "yes NEW | head -c 1996"), Shell.ok(a.path(), "cat n/f"), "same size, new file");
        }
    }

    /** Two names of one file are two kernel inodes: a write through one must show through the other. */
    @Test
    void aWriteThroughOneNameReadsThroughAnotherAtOnce() throws InterruptedException {
        try (Mount a = Mount.of(MEMCACHED, OPTIONS)) {
            Shell.ok(a.path(), "mkdir h && yes one | head -c 2174 > h/f && ln h/f h/g");
            Thread.sleep(1000); // past the link's own effect on the kernel's cache: g is cached as any name
            Shell.ok(a.path(), "stat h/g > /dev/null && cat h/g > /dev/null");
            for (String[] step : new String[][] {{"two", "5000", "a larger content"}, {"TWO", "5000", "same size"},
                    {"six", "600", "a smaller content"}}) {
                String content = "yes " + step[0] + " | head -c " + step[1];
                Shell.ok(a.path(), content + " > h/f");
                String expected = Shell.ok(a.path(), content);
                // read twice: the first read caches the name's pages for the next
                assertEquals(expected, Shell.ok(a.path(), "cat h/g"), step[2]);
                assertEquals(expected, Shell.ok(a.path(), "cat h/g"), step[2] + ", read again");
            }
            Shell.ok(a.path(), "yes three | head -c 5000 >> h/g");
            assertEquals(Shell.ok(a.path(), "yes six | head -c 600; yes three | head -c 5000"),
                    Shell.ok(a.path(), "cat h/f"), "appended through the other name");
        }
    }

    /** A deployment on one host (new file, renamed over the old) meets a rename on another. */
    @Test
    void renamingANameAnotherMountReplacedMovesTheNewFile() {
        try (Mount a = Mount.of(MEMCACHED, OPTIONS); Mount b = Mount.of(MEMCACHED, OPTIONS)) {
            Shell.ok(a.path(), "mkdir r && printf old > r/f && cat r/f > /dev/null");
            Shell.ok(b.path(), "head -c 3000000 /dev/urandom > r/tmp && mv r/tmp r/f && md5sum < r/f > ../stale-new.md5");
            String expected = Shell.ok(b.path(), "md5sum < r/f");
            Shell.ok(a.path(), "mv r/f r/g");
            assertEquals(expected, Shell.ok(b.path(), "md5sum < r/g"), "the file b made, under its new name");
            assertEquals("g\n", Shell.ok(b.path(), "ls r"));
            assertTrue(Shell.run(b.path(), "cat r/f").exit() != 0);
        }
    }

    @Test
    void removingANameAnotherMountReplacedRemovesTheNewFileAndItsParts() {
        try (Mount a = Mount.of(MEMCACHED, OPTIONS); Mount b = Mount.of(MEMCACHED, OPTIONS)) {
            Shell.ok(a.path(), "mkdir u && printf old > u/f && cat u/f > /dev/null");
            Shell.ok(b.path(), "head -c 3000000 /dev/urandom > u/tmp && mv u/tmp u/f");
            String ino = Shell.ok(b.path(), "stat -c %i u/f").trim();
            Shell.ok(a.path(), "rm u/f");
            assertEquals("", Shell.ok(b.path(), "ls u"));
            List<String> parts = b.store().keys(b.keys().prefix() + "%data." + ino + ".");
            assertEquals(List.of(), parts, "the parts of the removed file are gone");
        }
    }

    @Test
    void removingANameAnotherMountRemovedIsEnoent() {
        try (Mount a = Mount.of(MEMCACHED, OPTIONS); Mount b = Mount.of(MEMCACHED, OPTIONS)) {
            Shell.ok(a.path(), "mkdir e && printf x > e/f && cat e/f > /dev/null");
            Shell.ok(b.path(), "rm e/f");
            Shell.Result r = Shell.run(a.path(), "rm e/f");
            assertTrue(r.exit() != 0 && r.err().contains("No such file or directory"), r.toString());
        }
    }

    @Test
    void linkingANameAnotherMountReplacedLinksTheNewFile() {
        try (Mount a = Mount.of(MEMCACHED, OPTIONS); Mount b = Mount.of(MEMCACHED, OPTIONS)) {
            Shell.ok(a.path(), "mkdir l && printf old > l/f && cat l/f > /dev/null");
            Shell.ok(b.path(), "printf new > l/tmp && mv l/tmp l/f");
            Shell.ok(a.path(), "ln l/f l/g");
            assertEquals("new|new|2", Shell.ok(b.path(), "cat l/f; printf '|'; cat l/g; printf '|'; stat -c %h l/g").trim());
        }
    }
}
