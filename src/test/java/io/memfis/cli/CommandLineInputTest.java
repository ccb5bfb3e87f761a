package io.memfis.cli;

import io.memfis.fuse.MountTable;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the command line answers to bad input: a malformed server address, a bad option
 * value, a mount point that is missing, a file, not empty, or out of the user's reach.
 * Each is one line on stderr and exit status 2, before memcached is even asked: nothing
 * is mounted and no namespace is formatted.
 */
class CommandLineInputTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    /** The classpath, linked where another user can read it (~/.m2 of root is private). */
    private static Path sharedClasspath;

    @TempDir
    Path work;

    @BeforeAll
    static void shareClasspath() throws IOException {
        sharedClasspath = Files.createTempDirectory("memfis-cp-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @AfterAll
    static void removeClasspath() {
        if (sharedClasspath != null) {
            Shell.run(sharedClasspath.getParent(), "rm -rf '" + sharedClasspath + "'");
        }
    }

    @Test
    void malformedServerAddresses() throws IOException {
        Path mp = Files.createDirectory(work.resolve("mp"));
        for (String servers : List.of("127.0.0.1:99999", "127.0.0.1:0", "127.0.0.1:", ":11211", "[::1", "[::1]x",
                "::1:11211", "host name:11211", "127.0.0.1:11211,,127.0.0.1:11212", "127.0.0.1:11211,",
                "127.0.0.1:11211x", "127.0.0.1:-5", "127.0.0.1/24")) {
            assertUsageError(List.of("-s", servers, "-n", "input", mp.toString()), "memfis: invalid memcached server");
        }
        assertUsageError(List.of("-s", "", "-n", "input", mp.toString()), "memfis: no memcached server given");
    }

    @Test
    void badOptionValues() throws IOException {
        Path mp = Files.createDirectory(work.resolve("mp"));
        String s = MEMCACHED.servers();
        for (List<String> args : List.of(
                List.of("-s", s, "--attr-timeout", "-1", mp.toString()),
                List.of("-s", s, "--attr-timeout", "soon", mp.toString()),
                List.of("-s", s, "--attr-timeout", "NaN", mp.toString()),
                List.of("-s", s, "--timeout", "0", mp.toString()),
                List.of("-s", s, "--timeout", "99999", mp.toString()),
                List.of("-s", s, "-n", "", mp.toString()),
                List.of("-s", s, "-n", "memfis://x", mp.toString()),
                List.of("-s", s, "-n", "x".repeat(101), mp.toString()),
                List.of("-s", s, mp.toString(), mp.toString()),
                List.of("-s", s, "-o"),
                List.of("--servers"),
                List.of("-s", s, "mount", "--bogus", mp.toString()))) {
            assertUsageError(args, "memfis: ");
        }
    }

    @Test
    void mountPointsThatCannotBeUsed() throws IOException {
        Path file = Files.writeString(work.resolve("file"), "x");
        Path full = Files.createDirectory(work.resolve("full"));
        Files.writeString(full.resolve("index.html"), "x");
        String s = MEMCACHED.servers();
        assertUsageError(List.of("-s", s, "-n", "input", work.resolve("missing").toString()), "does not exist");
        assertUsageError(List.of("-s", s, "-n", "input", file.toString()), "is not a directory");
        assertUsageError(List.of("-s", s, "-n", "input", full.toString()), "is not empty");
        assertFalse(MountTable.isMemfis(full));
    }

    @Test
    void mountPointsOutOfTheUsersReach() throws Exception {
        // as another user: root may read anything
        Path locked = Files.createDirectory(work.resolve("locked"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path inside = Files.createDirectory(locked.resolve("mp"));
        Path closed = Files.createDirectory(sharedClasspath.resolve("closed"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Shell.Result unreachable = asNobody("-s", MEMCACHED.servers(), "-n", "input", inside.toString());
        assertEquals(2, unreachable.exit(), unreachable.toString());
        assertOneLine(unreachable.err(), "cannot be reached");
        Shell.Result unreadable = asNobody("-s", MEMCACHED.servers(), "-n", "input", closed.toString());
        assertEquals(2, unreadable.exit(), unreadable.toString());
        assertOneLine(unreadable.err(), "is not readable");
        assertNothingFormatted();
    }

    /** Runs memfis in this JVM with its output captured: these fail before anything starts. */
    private static void assertUsageError(List<String> args, String expected) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] argv = args.toArray(String[]::new);
        var cl = Cli.commandLine(argv);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(argv);
        assertEquals(2, exit, () -> args + " -> " + err);
        assertOneLine(err.toString(), expected);
        assertEquals("", out.toString(), args + " prints nothing on stdout");
        assertNothingFormatted();
    }

    private static void assertOneLine(String err, String expected) {
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1, "exactly one line: " + err);
        assertTrue(err.startsWith("memfis: ") && err.contains(expected), "expected '" + expected + "' in: " + err);
    }

    private static void assertNothingFormatted() {
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2))) {
            assertEquals(List.of(), store.keys("memfis://"), "no namespace was formatted");
        }
    }

    /** memfis as user nobody (uid 65534), with the classpath linked where that user can read it. */
    private static Shell.Result asNobody(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        List<String> memfis = new ArrayList<>(MemfisCli.command(args));
        int cp = memfis.indexOf("-cp") + 1;
        memfis.set(cp, share(memfis.get(cp)));
        cmd.addAll(memfis);
        Process p = new ProcessBuilder(cmd).redirectInput(new java.io.File("/dev/null")).start();
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("memfis as nobody did not finish: " + cmd);
        }
        return new Shell.Result(p.exitValue(), out.join(), err.join());
    }

    /** Links (or copies) each classpath entry into the shared directory; returns the new classpath. */
    private static String share(String classpath) throws IOException {
        List<String> shared = new ArrayList<>();
        int i = 0;
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            Path from = Path.of(entry);
            Path to = sharedClasspath.resolve((i++) + "-" + from.getFileName());
            if (!Files.exists(to)) {
                if (Files.isDirectory(from)) {
                    Shell.ok(sharedClasspath, "cp -r '" + from + "' '" + to + "' && chmod -R a+rX '" + to + "'");
                } else if (Files.exists(from)) {
                    try {
                        Files.createLink(to, from);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(from, to);
                    }
                }
            }
            shared.add(to.toString());
        }
        return String.join(java.io.File.pathSeparator, shared);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
