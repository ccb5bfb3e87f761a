package io.memfis.cli;

import io.memfis.testing.MountTag;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.OrdinaryUser;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * When libfuse or fusermount refuses a mount, memfis says why on the terminal, in one line
 * with what to do, and exits non-zero, in the background mode (where libfuse's own words
 * go to the log file) as in the foreground. The refusals are an ordinary user's: allow_other
 * without {@code user_allow_other} in /etc/fuse.conf, a /dev/fuse they may not open, and a
 * mount point they may not write.
 */
@MountTag
class MountRefusedTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    @Test
    void allowOtherWithoutUserAllowOtherSaysSoInOneLine() throws Exception {
        try (OrdinaryUser user = OrdinaryUser.in(work).withFuseConf("# no user_allow_other here\n")) {
            Path mp = Files.createDirectory(user.home().resolve("m"));
            Shell.ok(work, "chown " + OrdinaryUser.UID + " home/m");
            String expected = "memfis: could not mount " + mp + ": fusermount: option allow_other only allowed if "
                    + "'user_allow_other' is set in /etc/fuse.conf (add user_allow_other to /etc/fuse.conf, or "
                    + "mount without -o allow_other)\n";
            for (String mode : new String[] {"", "-f "}) {
                Shell.Result r = user.run("memfis " + mode + "-s " + MEMCACHED.servers() + " -n refused -o allow_other m");
                assertNotEquals(0, r.exit(), mode + r);
                assertEquals(expected, r.err(), mode + r);
            }
        }
    }

    @Test
    void aDevFuseTheUserMayNotOpenSaysSoInOneLine() throws Exception {
        try (OrdinaryUser user = OrdinaryUser.in(work).withoutFuseAccess()) {
            Path mp = Files.createDirectory(user.home().resolve("m"));
            Shell.ok(work, "chown " + OrdinaryUser.UID + " home/m");
            String expected = "memfis: could not mount " + mp + ": fuse: failed to open /dev/fuse: Permission "
                    + "denied (this user needs read and write access to /dev/fuse, which is usually mode 0666)\n";
            for (String mode : new String[] {"", "-f "}) {
                Shell.Result r = user.run("memfis " + mode + "-s " + MEMCACHED.servers() + " -n refused m");
                assertNotEquals(0, r.exit(), mode + r);
                assertEquals(expected, r.err(), mode + r);
            }
        }
    }

    @Test
    void aMountPointTheUserMayNotWriteSaysSoInOneLine() throws Exception {
        try (OrdinaryUser user = OrdinaryUser.in(work)) {
            Path mp = Files.createDirectory(work.resolve("roots"));
            String expected = "memfis: could not mount " + mp + ": fusermount: user has no write access to mountpoint "
                    + mp + " (mount on a directory you own)\n";
            for (String mode : new String[] {"", "-f "}) {
                Shell.Result r = user.run("memfis " + mode + "-s " + MEMCACHED.servers() + " -n refused " + mp);
                assertNotEquals(0, r.exit(), mode + r);
                assertEquals(expected, r.err(), mode + r);
            }
        }
    }

    @Test
    void aBackgroundMountWithoutAWritableHomeSaysWhereToLogInOneLine() throws Exception {
        try (OrdinaryUser user = OrdinaryUser.in(work)) {
            Files.createDirectory(user.home().resolve("m"));
            Shell.ok(work, "chown " + OrdinaryUser.UID + " home/m");
            Shell.Result r = user.run("HOME=/nonexistent memfis -s " + MEMCACHED.servers() + " -n refused m");
            assertNotEquals(0, r.exit(), r.toString());
            assertEquals("memfis: cannot create /nonexistent/.local/state/memfis for the log of a background mount "
                    + "(permission denied on /nonexistent): give --log-file FILE, or mount in the foreground with -f\n",
                    r.err(), r.toString());
            // what the message says works
            Shell.Result ok = user.run("HOME=/nonexistent memfis -s " + MEMCACHED.servers() + " -n refused --log-file "
                    + "m.log m && ls m && fusermount -u m");
            assertEquals(0, ok.exit(), ok.toString());
        }
    }
}
