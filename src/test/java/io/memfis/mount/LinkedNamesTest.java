package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fs.FsOptions;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Within one mount a change through one name of a file shows through its other names at
 * once, with the default attribute timeout: the kernel caches attributes per name, and
 * would otherwise show the old link count, ctime or mode until the timeout passes.
 */
@MountTag
class LinkedNamesTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    /** A namespace of its own, with the default timeout written out: the test means it. */
    private static FsOptions options(String namespace) {
        return FsOptions.defaults(namespace).withAttrTimeout(Duration.ofSeconds(1));
    }

    /** Each step waits for a new second, so that a ctime the step should set surely differs. */
    private static final String NEXT_SECOND = "{ s=$(date +%s); while [ \"$(date +%s)\" = \"$s\" ]; do sleep 0.05; done; }";

    @Test
    void linkShowsThroughTheFirstName() {
        try (Mount m = Mount.of(MEMCACHED, options("linked-ln"))) {
            Shell.ok(m.path(), "mkdir -p d/e && echo x > d/e/a && stat d/e/a > /dev/null && " + NEXT_SECOND);
            String before = Shell.ok(m.path(), "stat -c '%h %Z' d/e/a");
            String linked = Shell.ok(m.path(), "ln d/e/a d/b && stat -c '%h %Z' d/e/a");
            assertEquals("2", linked.split(" ")[0], "link count of the first name right after ln");
            assertNotEquals(before.split(" ")[1], linked.split(" ")[1], "ctime of the first name right after ln");
            assertEquals(linked, Shell.ok(m.path(), "stat -c '%h %Z' d/b"), "both names agree");
        }
    }

    @Test
    void removingOneOfThreeNamesShowsThroughTheOthers() {
        try (Mount m = Mount.of(MEMCACHED, options("linked-rm"))) {
            Shell.ok(m.path(), "echo x > a && ln a b && ln a c && stat a b c > /dev/null && " + NEXT_SECOND);
            assertEquals("3\n3\n", Shell.ok(m.path(), "stat -c %h a b"));
            assertEquals("2\n2\n", Shell.ok(m.path(), "rm c && stat -c %h a b"), "after rm of one name");
            assertEquals("1\n", Shell.ok(m.path(), "rm b && stat -c %h a"), "after rm of another");
        }
    }

    @Test
    void renameAndChmodThroughOneNameShowThroughTheOther() {
        try (Mount m = Mount.of(MEMCACHED, options("linked-mv"))) {
            Shell.ok(m.path(), "mkdir x && echo x > x/a && ln x/a b && stat x/a b > /dev/null && " + NEXT_SECOND);
            String before = Shell.ok(m.path(), "stat -c %Z b");
            String renamed = Shell.ok(m.path(), "mv x/a x/moved && stat -c %Z x/moved b");
            String[] ctimes = renamed.split("\n");
            assertNotEquals(before, ctimes[1] + "\n", "ctime of the other name right after mv");
            assertEquals(ctimes[0], ctimes[1], "both names agree on ctime");
            assertEquals("600\n", Shell.ok(m.path(), "chmod 600 x/moved && stat -c %a b"), "mode through the other name");
        }
    }

    @Test
    void aWriteThroughOneNameShowsInTheOthersSizeAndMtime() {
        try (Mount m = Mount.of(MEMCACHED, options("linked-write"))) {
            Shell.ok(m.path(), "echo x > a && ln a b && stat a b > /dev/null && " + NEXT_SECOND);
            String written = Shell.ok(m.path(), "echo more >> a && stat -c '%s %Y' a");
            assertEquals("7", written.split(" ")[0]);
            assertEquals(written, Shell.ok(m.path(), "stat -c '%s %Y' b"), "size and mtime through the other name");
        }
    }

    /** A file with a single name: the kernel keeps its inode across the rename and must see the new ctime. */
    @Test
    void renameOfASingleNameChangesItsCtime() {
        try (Mount m = Mount.of(MEMCACHED, options("linked-single"))) {
            Shell.ok(m.path(), "echo x > a && stat a > /dev/null && " + NEXT_SECOND);
            String before = Shell.ok(m.path(), "stat -c %Z a");
            assertNotEquals(before, Shell.ok(m.path(), "mv a b && stat -c %Z b"), "ctime right after mv");
        }
    }
}
