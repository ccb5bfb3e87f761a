package io.memfis.mount;

import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.MountTag;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What developers run on a filesystem besides cp: git (many small files, lock files
 * renamed over, pack files, fsync) and an editor that saves by writing a new file and
 * renaming it over the old one; then a second mount, and after a writeback mount a fresh
 * one, must find the same repository.
 */
@MountTag
class DeveloperToolsTest {

    @RegisterExtension
    final MemcachedServer memcached = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    /** git's identity and a home of the test's own: nothing of the machine's configuration. */
    private static final String GIT_ENV = "export HOME=\"$PWD\" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t "
            + "GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org; ";

    /** A repository with a tree of source files, two commits, packed by gc, in {@code m/r}. */
    private static final String MAKE_REPOSITORY = GIT_ENV + """
            set -e
            mkdir -p src/a/b
            for i in $(seq 1 60); do seq 1 $((i * 37)) > src/a/f$i.txt; done
            for i in $(seq 1 20); do echo "class C$i {}" > src/a/b/C$i.java; done
            git init -q m/r
            cp -a src m/r/
            git -C m/r add -A
            git -C m/r commit -qm one
            echo changed >> m/r/src/a/f7.txt
            git -C m/r commit -qam two
            git -C m/r gc -q
            git -C m/r fsck --strict
            """;

    @Test
    void gitAndAnEditorOnAMountAndASecondMountFindsTheSameRepository() throws Exception {
        Path m = Files.createDirectory(work.resolve("m"));
        Path other = Files.createDirectory(work.resolve("other"));
        try (MemfisProcess a = MemfisProcess.mount(m, "-s", memcached.servers(), "-n", "dev");
                MemfisProcess b = MemfisProcess.mount(other, "-s", memcached.servers(), "-n", "dev")) {
            Shell.ok(work, MAKE_REPOSITORY);
            assertEquals("", Shell.ok(work, GIT_ENV + "git -C m/r status --porcelain"));
            Shell.ok(work, GIT_ENV + "git clone -q m/r clone && diff -r clone/src m/r/src");

            assertEquals("2", Shell.ok(work, GIT_ENV + "git -C other/r fsck --strict && git -C other/r log --oneline | wc -l").trim());
            assertEquals("", Shell.ok(work, GIT_ENV + "git -C other/r status --porcelain"));

            // vim with backupcopy=no saves as editors do: a new file renamed over the old one
            Shell.ok(work, "vim -es -u NONE -i NONE -c 'set backupcopy=no writebackup' -c '%s/^changed$/edited/' -c wq m/r/src/a/f7.txt");
            assertEquals("edited", Shell.ok(work, "tail -n 1 m/r/src/a/f7.txt").trim());
            assertEquals("edited", Shell.ok(work, "cat other/r/src/a/f7.txt | tail -n 1").trim(), "close-to-open");
            namesReadAreTrustedNoLonger(); // other's git status read f7.txt's attributes a moment ago
            assertEquals("M src/a/f7.txt", Shell.ok(work, GIT_ENV + "git -C other/r status --porcelain").trim());
            Shell.ok(work, GIT_ENV + "git -C other/r commit -qam three");
            namesReadAreTrustedNoLonger(); // m's fsck and clone listed the object directories a moment ago
            Shell.ok(work, GIT_ENV + "git -C m/r fsck --strict");
            assertEquals("three", Shell.ok(work, GIT_ENV + "git -C m/r log -1 --format=%s").trim());
        }
    }

    /**
     * Another mount's new names and attributes show within --attr-timeout (README,
     * Consistency); a mount that read a directory or a file's attributes less than that ago
     * may still answer from them, as this one did once: ENOENT for a loose object the other
     * mount had just written into an object directory it had listed.
     */
    private static void namesReadAreTrustedNoLonger() throws InterruptedException {
        Thread.sleep(1_200); // the default --attr-timeout, 1 s, and a margin
    }

    @Test
    void gitOnAWritebackMountIsWholeInAFreshMountAfterUnmount() throws Exception {
        Path m = Files.createDirectory(work.resolve("m"));
        try (MemfisProcess wb = MemfisProcess.mount(m, "-s", memcached.servers(), "-n", "devwb", "-o", "writeback")) {
            Shell.ok(work, MAKE_REPOSITORY);
            wb.unmount();
            assertEquals(0, wb.exitCode(), wb.output());
        }
        try (MemfisProcess fresh = MemfisProcess.mount(m, "-s", memcached.servers(), "-n", "devwb")) {
            assertEquals("2", Shell.ok(work, GIT_ENV + "git -C m/r fsck --strict && git -C m/r log --oneline | wc -l").trim());
            assertEquals("", Shell.ok(work, GIT_ENV + "git -C m/r status --porcelain"));
            Shell.ok(work, "diff -r src m/r/src | grep -c '^>' | grep -qx 1"); // f7.txt's line "changed", nothing else
        }
    }
}
