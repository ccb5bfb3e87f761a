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

import static io.memfis.mount.TreeComparison.assertSameTree;
import static io.memfis.mount.TreeComparison.quote;
import static io.memfis.mount.TreeComparison.script;

/**
 * The core promise: what {@code cp -a} puts on the mount is what a local disk holds, down
 * to modes, nanosecond times, link targets, link counts and xattrs, still after a remount;
 * and the everyday commands that change a tree do the same on both.
 */
@MountTag
class CopyTreeTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    /** Applied to the local copy and to the mount alike; the trees must stay equal. */
    private static final String OPERATIONS = String.join("\n",
            "set -euo pipefail",
            "mv plain.txt moved.txt",
            "mv 'a name with spaces.txt' emptydir/",
            "mv deep 'moved deep'",
            "mv 'what?.txt' 'hash#tag'",
            "mv 'dir with space' emptydir/",
            "rm -r private",
            "rm 'x%attr'",
            "truncate -s 10 big.bin",
            "truncate -s 2M sparse-small.bin",
            "truncate -s 3 one-byte-over.bin",
            "truncate -s 1500000 one-part.bin",
            "dd if=\"$DATA\" of=old.txt bs=1k seek=3000 conv=notrunc status=none",
            "dd if=\"$DATA\" of=sparse.bin bs=1000 seek=1 count=3 conv=notrunc status=none",
            "printf 'appended\\n' >> hard1",
            "printf 'more\\n' >> 'trailing.'",
            "ln moved.txt another-name",
            "ln -s moved.txt newlink",
            "ln -sf 'moved deep' dir-link2",
            "chmod 640 readonly",
            "chmod u+s,g+w script.sh",
            "mkdir -p new/dir/tree && printf 'x' > new/dir/tree/f",
            "mv new emptydir/",
            "rmdir sticky",
            "setfattr -n user.added -v 1 moved.txt",
            "setfattr -x user.color moved.txt",
            "find . -exec touch -h -d '2020-02-02 02:02:02.020202020' {} +");

    @Test
    void copyKeepsEverythingAndCommonCommandsBehaveAsOnDisk() {
        Path src = work.resolve("src");
        Shell.ok(work, "mkdir src && cd src && bash " + script("awkward-tree.sh"));
        Shell.ok(work, "head -c 4000000 /dev/urandom > data");
        try (Mount mount = Mount.of(MEMCACHED, "copytree")) {
            Shell.ok(work, "cp -a src/. " + quote(mount.path()) + "/");
            assertSameTree(src, mount.path());

            mount.unmount();
            mount.mount();
            assertSameTree(src, mount.path());

            String ops = "export DATA=" + quote(work.resolve("data")) + "\n" + OPERATIONS;
            Shell.ok(src, ops);
            Shell.ok(mount.path(), ops);
            assertSameTree(src, mount.path());

            mount.unmount();
            mount.mount();
            assertSameTree(src, mount.path());
        }
    }

    @Test
    void copyOfThisMachinesDocumentationRoundTrips() throws Exception {
        Path doc = Path.of("/usr/share/doc");
        try (Mount mount = Mount.of(MEMCACHED, "usrsharedoc")) {
            Shell.ok(work, "cp -a /usr/share/doc/. " + quote(mount.path()) + "/");
            mount.unmount();
            mount.mount();
            Path back = work.resolve("back");
            Files.createDirectories(back);
            Shell.ok(work, "cp -a " + quote(mount.path()) + "/. back/");
            Shell.Result diff = Shell.run(work, "diff -r --no-dereference " + quote(doc) + " " + quote(mount.path()));
            org.junit.jupiter.api.Assertions.assertEquals("", diff.out() + diff.err());
            org.junit.jupiter.api.Assertions.assertEquals(TreeComparison.snapshot(doc), TreeComparison.snapshot(back));
        }
    }
}
