package io.memfis.cli;

import io.memfis.testing.MountTag;
import io.memfis.fuse.MountTable;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mount command as a user runs it: background and foreground, ends, and one-line errors. */
@MountTag
class MountCommandTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    private Path mountPoint;

    @AfterEach
    void unmountAndStopWhatIsLeft() throws Exception {
        if (mountPoint != null && MountTable.isMemfis(mountPoint)) {
            Shell.run(work, "fusermount -u -z '" + mountPoint + "'");
        }
        if (mountPoint != null) {
            servingProcess(mountPoint).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void mountsInTheBackgroundAndEndsOnFusermount() throws Exception {
        mountPoint = Files.createDirectory(work.resolve("mnt"));
        Shell.Result r = MemfisCli.run("-s", MEMCACHED.servers(), "-n", "climount",
                "--log-file", work.resolve("memfis.log").toString(), mountPoint.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out() + r.err(), "a successful mount says nothing");
        assertTrue(MountTable.isMemfis(mountPoint), "mounted when the command returns");
        Shell.ok(mountPoint, "echo hello > file && cat file >/dev/null");

        ProcessHandle server = servingProcess(mountPoint).orElseThrow();
        Shell.ok(work, "fusermount -u '" + mountPoint + "'");
        assertTrue(server.onExit().get(20, TimeUnit.SECONDS) != null);
        assertFalse(MountTable.isMemfis(mountPoint));
        assertTrue(Files.readString(work.resolve("memfis.log")).contains("unmounted"));
    }

    @Test
    void foregroundMountUnmountsOnSigterm() throws Exception {
        mountPoint = Files.createDirectory(work.resolve("fg"));
        Process p = MemfisCli.start("-f", "-s", MEMCACHED.servers(), "-n", "cliforeground", mountPoint.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!MountTable.isMemfis(mountPoint) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(MountTable.isMemfis(mountPoint), "foreground mount appears");
        Shell.ok(mountPoint, "echo data > kept");
        Shell.ok(work, "kill -TERM " + p.pid());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "memfis ends on SIGTERM");
        assertEquals(0, p.exitValue());
        assertFalse(MountTable.isMemfis(mountPoint), "SIGTERM unmounts");

        Shell.Result again = MemfisCli.run("-s", MEMCACHED.servers(), "-n", "cliforeground", mountPoint.toString());
        assertEquals(0, again.exit(), again.err());
        assertEquals("data\n", Shell.ok(mountPoint, "cat kept"));
    }

    @Test
    void unreachableServerIsOneLineAndExitOne() throws IOException {
        mountPoint = Files.createDirectory(work.resolve("nowhere"));
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Shell.Result r = MemfisCli.run("-s", "127.0.0.1:" + closed, mountPoint.toString());
        assertEquals(1, r.exit());
        assertOneLine(r.err(), "no memcached answers at 127.0.0.1:" + closed);
        assertFalse(MountTable.isMemfis(mountPoint), "no mount left behind");
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() throws IOException {
        Path dir = Files.createDirectory(work.resolve("d"));
        for (List<String> args : List.<List<String>>of(
                List.of("--no-such-option", dir.toString()),
                List.of("-s", "localhost:notaport", dir.toString()),
                List.of("-s", MEMCACHED.servers(), "-n", "bad/namespace", dir.toString()),
                List.of("-s", MEMCACHED.servers(), "--timeout", "-1", dir.toString()),
                List.of("-s", MEMCACHED.servers(), work.resolve("missing").toString()),
                List.of())) {
            Shell.Result r = MemfisCli.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), () -> args + ": " + r.err());
            assertOneLine(r.err(), "memfis: ");
        }
    }

    @Test
    void helpAndVersion() {
        Shell.Result help = MemfisCli.run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Usage: memfis"), help.out());
        assertTrue(help.out().contains("--servers"), help.out());
        Shell.Result mountHelp = MemfisCli.run("mount", "--help");
        assertEquals(0, mountHelp.exit());
        assertTrue(mountHelp.out().contains("MOUNTPOINT"));
        Shell.Result version = MemfisCli.run("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("memfis "), version.out());
    }

    @Test
    void startsAMemcachedOnLoopbackThatNeverEvicts() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        Path pidFile = work.resolve("memcached.pid");
        String program = MemcachedLauncher.program();
        assertTrue(program != null, "memcached is installed on this machine");
        MemcachedLauncher.start(program, address, 64, "-P", pidFile.toString());
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        try {
            assertTrue(MemcachedProbe.answers(address, 1000));
            String settings = Shell.ok(work, "exec 3<>/dev/tcp/127.0.0.1/" + port
                    + "; printf 'stats settings\\r\\nquit\\r\\n' >&3; cat <&3");
            assertTrue(settings.contains("STAT evictions off"), settings);
            assertTrue(settings.contains("STAT interface 127.0.0.1") || settings.contains("STAT inter 127.0.0.1"), settings);
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }

    private static void assertOneLine(String err, String expected) {
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1, "exactly one line: " + err);
        assertTrue(err.contains(expected), err);
    }

    /** The background memfis serving {@code dir} (found by its command line), if any. */
    private static Optional<ProcessHandle> servingProcess(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(dir.toString())
                        && List.of(a).contains("io.memfis.cli.Main")).orElse(false))
                .findFirst();
    }
}
