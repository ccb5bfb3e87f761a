package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.layout.FileType;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.memfis.mount.TreeComparison.assertSameTree;
import static io.memfis.mount.TreeComparison.quote;
import static io.memfis.mount.TreeComparison.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code memfis export} gives back what {@code cp -a} put into a mount: the awkward tree
 * (odd and long names, deep paths, large, sparse and empty files, every kind of symlink, hard
 * links, set-id and sticky modes, old times, xattrs) is the same tree again after the
 * export, by diff -r and by metadata; plus what a backup must keep beyond that: other owners,
 * trusted xattrs, a symlink target byte for byte, devices.
 */
@MountTag
class ExportRoundTripTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    /** Beyond the awkward tree: other owners (of a symlink itself too), root-only xattrs, an unnormalised target. */
    private static final String EXTRAS = String.join("\n",
            "set -euo pipefail",
            "chown 1234:5678 big.bin private",
            "chown -h 42:43 rel-link",
            "ln -s 'emptydir//sub/./' odd-target",
            "setfattr -n trusted.secret -v s3cr3t secret",
            "setfattr -n user.on-dir -v 1 private");
    private static final String TRUSTED = "getfattr -R -h -d -m '^trusted\\.' -e hex . 2>/dev/null";

    @TempDir
    Path work;

    @Test
    void exportGivesBackTheTreeThatWasCopiedIn() {
        Path src = work.resolve("src");
        Path out = work.resolve("out");
        Shell.ok(work, "mkdir src && cd src && bash " + script("awkward-tree.sh") + "\n" + EXTRAS);
        try (Mount mount = Mount.of(MEMCACHED, "roundtrip")) {
            Shell.ok(work, "cp -a src/. " + quote(mount.path()) + "/");
            mount.unmount();
        }
        Shell.Result export = MemfisCli.run("export", "-s", MEMCACHED.servers(), "-n", "roundtrip", out.toString());
        assertEquals(0, export.exit(), export.err());
        String entries = Shell.ok(work, "find src -mindepth 1 -printf x | wc -c").strip();
        assertTrue(export.err().startsWith("memfis: exported " + entries + " entries ("), export.err());

        assertSameTree(src, out);
        assertEquals(Shell.ok(src, TRUSTED), Shell.ok(out, TRUSTED));
        Shell.ok(work, "[ $(stat -c %b out/sparse.bin) -le 64 ]  # 5 MB with 6 bytes of data: holes take no blocks");
    }

    @Test
    void devicesFifosAndSocketsComeBackAsThemselves() {
        String stat = "stat -c '%F %t:%T %a %u:%g %y %n' *";
        String onMount;
        try (Mount mount = Mount.of(MEMCACHED, "devices")) {
            Shell.ok(mount.path(), "mknod null-again c 1 3 && mknod loop-again b 7 0 && mkfifo pipe"
                    + " && chown 7:8 pipe && chmod 0620 null-again && touch -h -d '2001-01-01 01:01:01.5' pipe");
            mount.fs().mknod("/sock", FileType.SOCKET, 0755, 0, 0, 0);
            onMount = Shell.ok(mount.path(), stat);
            mount.unmount();
        }
        Path out = work.resolve("out");
        Shell.Result export = MemfisCli.run("export", "-s", MEMCACHED.servers(), "-n", "devices", out.toString());
        assertEquals(0, export.exit(), export.err());
        assertEquals(4, onMount.lines().count());
        assertEquals(onMount, Shell.ok(out, stat));
    }
}
