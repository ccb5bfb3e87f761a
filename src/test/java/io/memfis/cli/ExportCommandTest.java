package io.memfis.cli;

import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code memfis export} round trip: a tree with everything {@code cp -a} keeps goes into a
 * mount, the namespace is exported, and the export is the tree again: same content
 * ({@code diff -r}), types, modes, owners, nanosecond mtimes, symlink targets, link
 * counts and extended attributes; hard links are one inode again, holes stay holes.
 */
class ExportCommandTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    /** Everything cp -a keeps, in the kinds that are easy to get wrong. */
    static final String TREE = """
            set -e
            mkdir -p src/dir/sub src/empty 'src/with space' src/deep/a/b/c
            printf 'hello' > src/file.txt
            : > src/empty.txt
            head -c 3000000 /dev/urandom > src/big.bin
            head -c 1047552 /dev/urandom > src/exactly-one-item.bin
            truncate -s 5M src/sparse.bin && printf 'end' >> src/sparse.bin
            printf 'x' > 'src/with space/100% ü ?attr.txt'
            printf 'deep' > src/deep/a/b/c/leaf
            long=$(printf 'd%.0s' $(seq 200)); mkdir "src/$long"; printf 'hashed' > "src/$long/$(printf 'f%.0s' $(seq 50))"
            ln src/file.txt src/dir/hard-link
            ln src/file.txt src/deep/third-name
            ln src/big.bin src/dir/big-hard
            ln -s file.txt src/rel-link
            ln -s /etc/hostname src/abs-link
            ln -s nowhere/at/all src/dangling
            ln -s 'dir//sub/' src/odd-target
            mkfifo src/fifo
            mknod src/chardev c 1 3
            chmod 4755 src/file.txt
            chmod 1777 src/empty
            chmod 2750 src/dir
            chmod 0600 src/empty.txt
            chown 1234:5678 src/dir/sub src/big.bin
            chown -h 42:43 src/rel-link
            setfattr -n user.color -v blue src/file.txt
            setfattr -n user.bin -v 0x00ff01 src/dir
            setfattr -n trusted.secret -v s3cr3t src/empty.txt
            touch -h -d '2001-02-03 04:05:06.123456789' src/rel-link
            touch -d '1999-12-31 23:59:59.987654321' src/empty.txt
            touch -d '2010-10-10 10:10:10.000000001' src/deep/a/b/c src/with\\ space
            """;

    /** Type, mode, owner, mtime (ns), symlink target, link count; size except for directories. */
    static final String METADATA = "find . \\( -type d -printf '%P %y %m %U:%G %T@ %n\\n' \\)"
            + " -o -printf '%P %y %m %U:%G %T@ %l %n %s\\n' | LC_ALL=C sort";
    static final String XATTRS = "getfattr -R -d -h -m - -e hex . 2>/dev/null";

    private Path work;

    @BeforeEach
    void tree() throws IOException {
        work = Files.createTempDirectory("memfis-export-");
        Shell.ok(work, TREE);
    }

    @AfterEach
    void clean() {
        Shell.run(work.getParent(), "rm -rf '" + work + "'");
    }

    @Test
    void exportGivesBackWhatCpCopiedIn() {
        try (Mount m = Mount.of(MEMCACHED, "export")) {
            Shell.ok(work, "cp -a src/. '" + m.path() + "'/");
            m.unmount();
            CliRun run = CliRun.of("export", "-s", MEMCACHED.servers(), "-n", "export", work.resolve("out").toString());
            assertEquals(0, run.exit(), run.toString());
            String entries = Shell.ok(work, "find src -mindepth 1 | wc -l").strip();
            assertTrue(run.err().startsWith("memfis: exported " + entries + " entries"), run.toString());
        }
        Shell.ok(work, "diff -r --no-dereference -x fifo -x chardev src out");
        assertEquals(Shell.ok(work.resolve("src"), METADATA), Shell.ok(work.resolve("out"), METADATA));
        assertEquals(Shell.ok(work.resolve("src"), XATTRS), Shell.ok(work.resolve("out"), XATTRS));
        Shell.ok(work, "[ out/file.txt -ef out/dir/hard-link ] && [ out/file.txt -ef out/deep/third-name ]"
                + " && [ out/big.bin -ef out/dir/big-hard ]");
        Shell.ok(work, "[ $(stat -c %b out/sparse.bin) -lt 1024 ]  # a hole of 5 MB took no blocks");
    }

    @Test
    void anExportIntoADirectoryThatIsNotEmptyIsRefused() throws IOException {
        try (Mount m = Mount.of(MEMCACHED, "refused")) {
            m.unmount();
            Path full = Files.createDirectories(work.resolve("full"));
            Files.writeString(full.resolve("precious"), "keep me");
            CliRun run = CliRun.of("export", "-s", MEMCACHED.servers(), "-n", "refused", full.toString());
            assertEquals(1, run.exit(), run.toString());
            assertEquals("memfis: " + full + " is not empty: export writes into an empty or new directory\n", run.err());
            assertEquals("keep me", Files.readString(full.resolve("precious")));
        }
        CliRun missing = CliRun.of("export", "-s", MEMCACHED.servers(), "-n", "never-made", work.resolve("x").toString());
        assertEquals(1, missing.exit(), missing.toString());
        assertEquals("memfis: namespace memfis://never-made does not exist\n", missing.err());
    }
}
