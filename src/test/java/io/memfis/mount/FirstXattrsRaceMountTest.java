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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two mounts, as two hosts, give the same {@value #FILES} files their first extended
 * attributes at once: {@code setfattr -n user.aN} from one, {@code user.bN} from the other,
 * in the same order. Through a fresh mount every file has both. The second of two such
 * setfattr's used to start from an empty set when its copy of the record showed none yet,
 * and overwrote the first one's item.
 */
@MountTag
class FirstXattrsRaceMountTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final int FILES = 300;
    private static final String NS = "firstxattrs";

    @Test
    void twoMountsSettingAFilesFirstAttributesAtOnceKeepBoth() {
        FsOptions options = FsOptions.defaults(NS).withAttrTimeout(Duration.ofSeconds(1));
        try (Mount a = Mount.of(MEMCACHED, options); Mount b = Mount.of(MEMCACHED, options)) {
            Shell.ok(a.path(), "for i in $(seq " + FILES + "); do : > f$i; done");
            // b has seen every file without attributes: its records say none
            Shell.ok(b.path(), "until [ -f f" + FILES + " ]; do sleep 0.05; done; ls -l > /dev/null");
            String setfattrs = "for i in $(seq " + FILES + "); do setfattr -n user.%s$i -v $i f$i || exit 1; done";
            Shell.ok(a.path(), "(" + String.format(setfattrs, "a") + ") & pa=$!; "
                    + "(cd " + b.path() + " && " + String.format(setfattrs, "b") + ") & pb=$!; "
                    + "wait $pa && wait $pb");
        }
        try (Mount fresh = Mount.of(MEMCACHED, NS)) {
            String dump = Shell.ok(fresh.path(), "for i in $(seq " + FILES + "); do"
                    + " echo \"f$i $(getfattr --absolute-names -m '^user\\.' -d f$i | sed -n 's/=.*//p' | sort | tr '\\n' ' ')\";"
                    + " done");
            List<String> lost = new ArrayList<>();
            for (String line : dump.split("\n")) {
                String file = line.substring(0, line.indexOf(' '));
                String i = file.substring(1);
                if (!line.equals(file + " user.a" + i + " user.b" + i + " ")) {
                    lost.add(line);
                }
            }
            assertEquals(List.of(), lost, "files missing one of the two attributes (of " + FILES + ")");
        }
    }
}
