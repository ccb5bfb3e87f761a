package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.layout.FileType;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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

    /**
     * Export works on many entries of a directory at once: each directory still gets its times
     * and mode once everything in it is written (a read-only one too), hard links across
     * directories come back linked, and files whose content is missing are reported, one line
     * each, while the rest of the tree is exported as it was.
     */
    @Test
    void aWideTreeComesBackWholeAndMissingContentIsReportedAlone() throws IOException {
        Path src = work.resolve("src");
        Shell.ok(work, """
                set -e
                mkdir -p src/a src/b/c src/ro
                for i in $(seq 400); do printf "file $i" > src/a/f$i; printf "$i" > src/b/c/g$i; done
                for i in $(seq 30); do ln src/a/f$i src/b/link$i; done
                printf inside > src/ro/inside && chmod 0555 src/ro
                touch -d '2001-02-03 04:05:06.123456789' src/a src/b src/b/c src/ro
                """);
        try (Mount mount = Mount.of(MEMCACHED, "wide")) {
            Shell.ok(work, "cp -a src/. " + quote(mount.path()) + "/");
            mount.unmount();
        }
        Path whole = work.resolve("whole");
        Shell.Result export = MemfisCli.run("export", "-s", MEMCACHED.servers(), "-n", "wide", whole.toString());
        assertEquals(0, export.exit(), export.err());
        assertSameTree(src, whole);

        Keys keys = Keys.of("wide");
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2))) {
            store.await(store.delete(keys.content("/a/f300")));
            store.await(store.delete(keys.content("/b/c/g7")));
        }
        Path damaged = work.resolve("damaged");
        export = MemfisCli.run("export", "-s", MEMCACHED.servers(), "-n", "wide", damaged.toString());
        assertEquals(1, export.exit(), export.err());
        List<String> lines = export.err().lines().toList();
        assertEquals(3, lines.size(), export.err());
        assertEquals(List.of("memfis: /a/f300: ", "memfis: /b/c/g7: "),
                lines.subList(0, 2).stream().map(l -> l.substring(0, l.indexOf(": ", 8) + 2)).sorted().toList(), export.err());
        assertTrue(lines.get(2).endsWith(" to " + damaged + "; 2 could not be exported"), export.err());
        for (Path missing : List.of(damaged.resolve("a/f300"), damaged.resolve("b/c/g7"))) {
            Files.deleteIfExists(missing);
        }
        Files.delete(src.resolve("a/f300"));
        Files.delete(src.resolve("b/c/g7"));
        Shell.ok(work, "touch -r whole/a src/a damaged/a && touch -r whole/b/c src/b/c damaged/b/c");
        assertSameTree(src, damaged);
    }
}
