package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what on a mount: it is private to the user who made it; with
 * {@code -o allow_other} others come in, and the kernel checks their permissions
 * ({@code default_permissions}) against the modes and owners memfis keeps. The other user
 * is nobody (uid 65534); the mounts are root's.
 */
@MountTag
class PermissionsTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final String DENIED = "Permission denied";
    private static final String NOT_PERMITTED = "Operation not permitted";

    @TempDir
    Path work;

    @BeforeEach
    void letOthersThrough() throws Exception {
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aMountIsPrivateToItsUserWithoutAllowOther() throws Exception {
        try (MemfisProcess mount = MemfisProcess.mount(mountPoint(), "-s", MEMCACHED.servers(), "-n", "private")) {
            Path m = mount.mountPoint();
            Shell.ok(m, "printf open > f && chmod 644 f && mkdir d && chmod 777 d");
            for (String op : new String[] {"stat " + q(m), "ls " + q(m), "cat " + q(m) + "/f", ": > " + q(m) + "/d/x"}) {
                assertNobodyFails(op, DENIED);
            }
            assertEquals("open", Shell.ok(m, "cat f"), "the owner still reads");
        }
    }

    @Test
    void withAllowOtherTheKernelChecksModesAndOwners() throws Exception {
        try (MemfisProcess mount = MemfisProcess.mount(mountPoint(), "-s", MEMCACHED.servers(), "-n", "shared",
                "-o", "allow_other")) {
            Path m = mount.mountPoint();
            Shell.ok(m, String.join(" && ",
                    "printf public > public && chmod 644 public",
                    "printf secret > secret && chmod 600 secret",
                    "mkdir rootdir && chmod 755 rootdir",
                    "mkdir shared && chmod 777 shared && printf r > shared/rootfile",
                    "mkdir sticky && chmod 1777 sticky && printf r > sticky/rootfile"));
            String at = q(m);

            assertEquals("public", asNobody("cat " + at + "/public").ok().out());
            assertNobodyFails("cat " + at + "/secret", DENIED);
            assertNobodyFails(": > " + at + "/public", DENIED);
            assertNobodyFails(": > " + at + "/rootdir/new", DENIED);
            assertNobodyFails("mkdir " + at + "/rootdir/sub", DENIED);
            assertNobodyFails("rm -f " + at + "/public", DENIED);
            assertNobodyFails("mv " + at + "/public " + at + "/shared/", DENIED);
            assertNobodyFails("setfattr -n user.x -v 1 " + at + "/public", DENIED);
            assertNobodyFails("chmod 666 " + at + "/public", NOT_PERMITTED);
            assertNobodyFails("chown 65534 " + at + "/public", NOT_PERMITTED);
            assertNobodyFails("perl -e 'utime(1, 1, $ARGV[0]) or die \"$!\\n\"' " + at + "/public", NOT_PERMITTED);
            assertNobodyFails("rm -f " + at + "/sticky/rootfile", NOT_PERMITTED);

            // where the modes let them, others work as on a local disk, as themselves
            asNobody("printf mine > " + at + "/shared/mine && chmod 600 " + at + "/shared/mine"
                    + " && rm " + at + "/shared/rootfile && mkdir " + at + "/sticky/own && touch " + at + "/sticky/own/f").ok();
            assertEquals("65534:65534 600", Shell.ok(m, "stat -c '%u:%g %a' shared/mine").trim());
            assertEquals("mine", asNobody("cat " + at + "/shared/mine").ok().out());
            assertEquals("mine", Shell.ok(m, "cat shared/mine"), "root reads any file");
            assertEquals("public\nrootdir\nsecret\nshared\nsticky\n", Shell.ok(m, "ls"));
            assertEquals("mine\n", Shell.ok(m, "ls shared"));
            assertTrue(Shell.ok(m, "ls sticky").contains("rootfile"), "the sticky directory kept root's file");
        }
    }

    private Path mountPoint() throws java.io.IOException {
        return Files.createDirectory(work.resolve("mnt"));
    }

    private static Shell.Result asNobody(String script) {
        return Shell.run(Path.of("/"), "setpriv --reuid=65534 --regid=65534 --clear-groups bash -c " + q(script));
    }

    private static void assertNobodyFails(String script, String message) {
        Shell.Result r = asNobody(script);
        assertTrue(r.exit() != 0 && r.err().contains(message), "as nobody, " + script + " must fail with '"
                + message + "': " + r);
    }

    /** A single-quoted bash word. */
    private static String q(Object s) {
        return "'" + s.toString().replace("'", "'\\''") + "'";
    }
}
