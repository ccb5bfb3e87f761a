package io.memfis.mount;

import io.memfis.testing.Shell;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compares two trees as a user would: diff -r, then types, modes, sizes, times, links and xattrs. */
final class TreeComparison {

    private TreeComparison() {
    }

    /** The path of a script under src/test/resources. */
    static String script(String name) {
        try {
            return Path.of(TreeComparison.class.getResource("/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String quote(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    /** Fails unless {@code actual} holds the same tree as {@code expected}. */
    static void assertSameTree(Path expected, Path actual) {
        Shell.Result diff = Shell.run(expected.getParent(),
                "diff -r --no-dereference -x fifo " + quote(expected) + " " + quote(actual));
        assertEquals("", diff.out() + diff.err(), "diff -r finds differences");
        assertEquals(0, diff.exit(), "diff -r exit status");
        assertEquals(snapshot(expected), snapshot(actual), "types, modes, sizes, times, links or xattrs differ");
    }

    static String snapshot(Path dir) {
        return Shell.ok(dir.getParent(), "bash " + script("tree-snapshot.sh") + " " + quote(dir));
    }
}
