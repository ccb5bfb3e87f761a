package io.memfis.mount;

import io.memfis.fs.FsOptions;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two mounts, as two hosts, change the extended attributes of the same {@value #FILES}
 * files at once, in the same order, with {@code setfattr}; through a fresh mount no file
 * misses what either of them set.
 */
@MountTag
class FirstXattrsRaceMountTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final int FILES = 300;
    private static final String LOOP = "for i in $(seq " + FILES + "); do %s || exit 1; done";

    /**
     * {@code user.aN} from one, {@code user.bN} from the other: the second of two such
     * setfattr's used to start from an empty set when its copy of the record showed none
     * yet, and overwrote the first one's item.
     */
    @Test
    void twoMountsSettingAFilesFirstAttributesAtOnceKeepBoth() {
        String ns = "firstxattrs";
        race(ns, "", "setfattr -n user.a$i -v $i f$i", "setfattr -n user.b$i -v $i f$i");
        assertEquals(List.of(), missing(ns, i -> "user.a" + i + " user.b" + i + " "),
                "files missing one of the two attributes (of " + FILES + ")");
    }

    /**
     * One removes each file's only attribute while the other sets a new one: the removal used
     * to delete the item it had emptied, after the set had gone into it (0 to 2 of 200 lost).
     */
    @Test
    void removingAFilesLastAttributeWhileAnotherMountSetsOneKeepsTheNewOne() {
        String ns = "lastxattr";
        race(ns, "setfattr -n user.x -v 1 f$i", "setfattr -x user.x f$i", "setfattr -n user.b$i -v $i f$i");
        assertEquals(List.of(), missing(ns, i -> "user.b" + i + " "),
                "files whose attributes are not the new one alone (of " + FILES + ")");
    }

    /**
     * Makes the files through mount a (running {@code before} on each, if not empty), lets
     * mount b see them all, then runs {@code onA} from a and {@code onB} from b on every
     * file, both loops at once.
     */
    private static void race(String ns, String before, String onA, String onB) {
        FsOptions options = FsOptions.defaults(ns).withAttrTimeout(Duration.ofSeconds(1));
        try (Mount a = Mount.of(MEMCACHED, options); Mount b = Mount.of(MEMCACHED, options)) {
            Shell.ok(a.path(), String.format(LOOP, ": > f$i" + (before.isEmpty() ? "" : " && " + before)));
            // b has seen every file: its records say what they were before the race
            Shell.ok(b.path(), "until [ -f f" + FILES + " ]; do sleep 0.05; done; ls -l > /dev/null");
            Shell.ok(a.path(), "(" + String.format(LOOP, onA) + ") & pa=$!; "
                    + "(cd " + b.path() + " && " + String.format(LOOP, onB) + ") & pb=$!; "
                    + "wait $pa && wait $pb");
        }
    }

    /** The files whose user attributes, seen through a fresh mount, are not {@code expected} (by file number). */
    private static List<String> missing(String ns, IntFunction<String> expected) {
        try (Mount fresh = Mount.of(MEMCACHED, ns)) {
            String dump = Shell.ok(fresh.path(), "for i in $(seq " + FILES + "); do"
                    + " echo \"f$i $(getfattr --absolute-names -m '^user\\.' -d f$i | sed -n 's/=.*//p' | sort | tr '\\n' ' ')\";"
                    + " done");
            List<String> wrong = new ArrayList<>();
            for (String line : dump.split("\n")) {
                String file = line.substring(0, line.indexOf(' '));
                if (!line.equals(file + " " + expected.apply(Integer.parseInt(file.substring(1))))) {
                    wrong.add(line);
                }
            }
            return wrong;
        }
    }
}
