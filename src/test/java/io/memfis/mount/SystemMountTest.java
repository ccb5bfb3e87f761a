package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fuse.MountTable;
import io.memfis.testing.BackgroundMount;
import io.memfis.testing.InstalledMemfis;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** memfis as mount(8) and /etc/fstab run it (through Debian's mount.fuse3), and umount. */
@MountTag
class SystemMountTest {

    @RegisterExtension
    static final MemcachedServer ONE = MemcachedServer.withDefaults();

    @RegisterExtension
    static final MemcachedServer TWO = MemcachedServer.withDefaults();

    private static InstalledMemfis installed;

    @TempDir
    Path work;

    private Path mountPoint;

    @BeforeAll
    static void install() {
        installed = InstalledMemfis.install();
    }

    @AfterAll
    static void uninstall() {
        installed.close();
    }

    @AfterEach
    void unmountWhatIsLeft() {
        if (mountPoint != null && MountTable.typeAt(mountPoint) != null) {
            Shell.run(work, "umount -l '" + mountPoint + "'");
        }
        if (mountPoint != null) {
            BackgroundMount.servingProcess(mountPoint).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void mountWithSourceAndOptionsReturnsOnceReadyAndUmountEndsIt() throws Exception {
        mountPoint = Files.createDirectory(work.resolve("mnt"));
        String source = "sysmount@" + ONE.servers();
        // memfis's own options and mount(8)'s next to FUSE's: libfuse would refuse any of the first two kinds
        Shell.Result r = Shell.run(work, "mount -t fuse.memfis -o attr_timeout=0.5,timeout=2,log_file=" + work.resolve("log")
                + ",_netdev,nofail,x-systemd.requires=memcached.service,allow_other '" + source + "' '" + mountPoint + "'");
        assertEquals(0, r.exit(), r.err() + log());
        assertTrue(MountTable.isMemfis(mountPoint), "mounted when mount(8) returns");
        List<String> line = mountsAt(mountPoint);
        assertEquals(1, line.size(), line.toString());
        String[] f = line.get(0).split(" ");
        assertEquals(source, f[0]);
        assertEquals("fuse.memfis", f[2]);
        assertTrue(f[3].contains("allow_other"), f[3]);
        assertTrue(Shell.ok(work, "df --output=source,target '" + mountPoint + "'").contains(source));
        Shell.ok(mountPoint, "echo hello > file && test \"$(cat file)\" = hello");

        ProcessHandle server = BackgroundMount.servingProcess(mountPoint).orElseThrow();
        Shell.ok(work, "umount '" + mountPoint + "'");
        server.onExit().get(20, TimeUnit.SECONDS);
        assertFalse(MountTable.isMemfis(mountPoint));
        assertTrue(log().contains("unmounted"), log());
    }

    @Test
    void anFstabLineMountsByItsMountPointOnTwoServers() throws Exception {
        mountPoint = Files.createDirectory(work.resolve("mnt"));
        String source = "sysfstab@" + ONE.servers() + "," + TWO.servers();
        Path fstab = work.resolve("fstab");
        Files.writeString(fstab, "# an alternative fstab: /etc/fstab stays as it is\n"
                + source + " " + mountPoint + " fuse.memfis defaults,_netdev,nofail,x-systemd.after=memfis-memcached.service,"
                + "timeout=3,require_no_evictions,log_file=" + work.resolve("log") + " 0 0\n");
        Shell.Result r = Shell.run(work, "mount -T '" + fstab + "' '" + mountPoint + "'");
        assertEquals(0, r.exit(), r.err() + log());
        assertEquals(source, mountsAt(mountPoint).get(0).split(" ")[0]);
        Shell.ok(mountPoint, "mkdir d && seq 1 1000 > d/n && test \"$(wc -l < d/n)\" = 1000");
        Shell.ok(work, "umount '" + mountPoint + "'");
        assertTrue(mountsAt(mountPoint).isEmpty());
    }

    @Test
    void aBadSourceFailsInOneLineAndMountsNothing() throws Exception {
        mountPoint = Files.createDirectory(work.resolve("mnt"));
        for (String bad : List.of("no space@" + ONE.servers(), "@" + ONE.servers(), "ns@" + ONE.host() + ":notaport",
                "ns@127.0.0.1:1")) {
            Shell.Result r = Shell.run(work, "mount -t fuse.memfis -o log_file=" + work.resolve("log") + " '" + bad + "' '" + mountPoint + "'");
            assertTrue(r.exit() != 0, bad);
            assertEquals(1, r.err().strip().lines().count(), bad + ": " + r.err());
            assertTrue(r.err().startsWith("memfis: "), r.err());
            assertTrue(mountsAt(mountPoint).isEmpty());
        }
    }

    private String log() throws IOException {
        Path log = work.resolve("log");
        return Files.exists(log) ? "\n" + Files.readString(log) : "";
    }

    private static List<String> mountsAt(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.split(" ")[1].equals(dir.toString())).toList();
    }
}
