package io.memfis.docker;

import io.memfis.testing.MountTag;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memfis.fuse.MountTable;
import io.memfis.testing.BackgroundMount;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.MemfisProcess;
import io.memfis.testing.Nutcracker;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * memfis docker-plugin as Docker's engine talks to it: JSON over HTTP POST on its unix socket
 * (sent here with curl, as there is no Docker engine), two containers sharing a volume, a
 * restart of the plugin, and requests no engine would send.
 */
@MountTag
class DockerPluginTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private Process plugin;

    private Path socket() {
        return work.resolve("run/memfis.sock");
    }

    private Path state() {
        return work.resolve("state");
    }

    @AfterEach
    void stopThePluginAndUnmount() throws Exception {
        stopPlugin();
        Path volumes = state().resolve("volumes");
        if (Files.isDirectory(volumes)) {
            try (Stream<Path> dirs = Files.list(volumes)) {
                for (Path dir : dirs.toList()) {
                    if (MountTable.typeAt(dir) != null) {
                        Shell.run(work, "fusermount -u -z '" + dir + "'");
                    }
                    BackgroundMount.servingProcess(dir).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    @Test
    void twoContainersShareAVolumeAndTheLastUnmountUnmounts() throws Exception {
        startPlugin();
        assertEquals("VolumeDriver", ok("/Plugin.Activate", "{}").path("Implements").get(0).asText());
        assertEquals("global", ok("/VolumeDriver.Capabilities", "{}").path("Capabilities").path("Scope").asText());
        ok("/VolumeDriver.Create", "{\"Name\":\"web\",\"Opts\":{\"servers\":\"" + MEMCACHED.servers()
                + "\",\"namespace\":\"dockerweb\",\"attr_timeout\":\"0.5\"}}");
        JsonNode listed = ok("/VolumeDriver.List", "{}").path("Volumes");
        assertEquals(1, listed.size());
        assertEquals("web", listed.get(0).path("Name").asText());
        assertEquals("", listed.get(0).path("Mountpoint").asText(), "not mounted before a container needs it");

        Path dir = Path.of(ok("/VolumeDriver.Mount", "{\"Name\":\"web\",\"ID\":\"container-1\"}").path("Mountpoint").asText());
        assertTrue(dir.startsWith(state()), dir.toString());
        assertTrue(MountTable.isMemfis(dir));
        String line = Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.split(" ")[1].equals(dir.toString()))
                .findFirst().orElseThrow();
        assertTrue(line.startsWith("dockerweb@" + MEMCACHED.servers() + " "), line);
        assertTrue(line.contains("allow_other"), "containers run as any user: " + line);
        Shell.ok(dir, "echo from-one > shared.txt");

        assertEquals(dir.toString(), ok("/VolumeDriver.Mount", "{\"Name\":\"web\",\"ID\":\"container-2\"}").path("Mountpoint").asText());
        assertEquals(2, ok("/VolumeDriver.Get", "{\"Name\":\"web\"}").path("Volume").path("Status").path("containers").asInt());
        assertEquals(dir.toString(), ok("/VolumeDriver.Path", "{\"Name\":\"web\"}").path("Mountpoint").asText());

        ok("/VolumeDriver.Unmount", "{\"Name\":\"web\",\"ID\":\"container-1\"}");
        assertTrue(MountTable.isMemfis(dir), "the second container still uses it");
        assertEquals("from-one", Shell.ok(dir, "cat shared.txt").strip());
        assertTrue(err("/VolumeDriver.Remove", "{\"Name\":\"web\"}").contains("in use by 1 container"));

        ok("/VolumeDriver.Unmount", "{\"Name\":\"web\",\"ID\":\"container-2\"}");
        assertFalse(MountTable.isMemfis(dir), "the last container left");
        assertEquals("", ok("/VolumeDriver.Path", "{\"Name\":\"web\"}").path("Mountpoint").asText());
        ok("/VolumeDriver.Remove", "{\"Name\":\"web\"}");
        assertEquals(0, ok("/VolumeDriver.List", "{}").path("Volumes").size());
        assertTrue(err("/VolumeDriver.Get", "{\"Name\":\"web\"}").contains("no such volume"));
    }

    @Test
    void aRestartedPluginKeepsLiveMountsAndCleansUpTheRest() throws Exception {
        startPlugin();
        for (String v : new String[] {"alive", "killed", "forgotten"}) {
            ok("/VolumeDriver.Create", "{\"Name\":\"" + v + "\",\"Opts\":{\"servers\":\"" + MEMCACHED.servers()
                    + "\",\"namespace\":\"docker" + v + "\"}}");
            ok("/VolumeDriver.Mount", "{\"Name\":\"" + v + "\",\"ID\":\"c-" + v + "\"}");
        }
        Path alive = state().resolve("volumes/alive");
        Path killed = state().resolve("volumes/killed");
        Path forgotten = state().resolve("volumes/forgotten");
        Shell.ok(alive, "echo kept > f");
        stopPlugin();
        assertTrue(MountTable.isMemfis(alive), "mounts outlive the plugin");

        // while the plugin is away: one mount's process is killed, one volume drops out of the state
        ProcessHandle server = BackgroundMount.servingProcess(killed).orElseThrow();
        server.destroyForcibly();
        server.onExit().get(20, TimeUnit.SECONDS);
        ObjectNode stateJson = (ObjectNode) JSON.readTree(state().resolve("volumes.json").toFile());
        ((ObjectNode) stateJson.path("volumes")).remove("forgotten");
        Files.writeString(state().resolve("volumes.json"), stateJson.toString());

        startPlugin();
        assertEquals(alive.toString(), ok("/VolumeDriver.Path", "{\"Name\":\"alive\"}").path("Mountpoint").asText());
        assertEquals(1, ok("/VolumeDriver.Get", "{\"Name\":\"alive\"}").path("Volume").path("Status").path("containers").asInt());
        assertEquals("kept", Shell.ok(alive, "cat f").strip());
        assertEquals("", ok("/VolumeDriver.Path", "{\"Name\":\"killed\"}").path("Mountpoint").asText());
        assertEquals(null, MountTable.typeAt(killed), "the dead mount was cleaned up");
        assertEquals(null, MountTable.typeAt(forgotten), "a mount of no known volume was unmounted");
        assertTrue(err("/VolumeDriver.Path", "{\"Name\":\"forgotten\"}").contains("no such volume"));

        // the killed volume mounts again for the next container; the alive one ends with its container
        assertEquals(killed.toString(), ok("/VolumeDriver.Mount", "{\"Name\":\"killed\",\"ID\":\"c-new\"}").path("Mountpoint").asText());
        assertTrue(MountTable.isMemfis(killed));
        ok("/VolumeDriver.Unmount", "{\"Name\":\"killed\",\"ID\":\"c-new\"}");
        ok("/VolumeDriver.Unmount", "{\"Name\":\"alive\",\"ID\":\"c-alive\"}");
        assertFalse(MountTable.isMemfis(alive));
        assertFalse(MountTable.isMemfis(killed));
    }

    /**
     * A volume through twemproxy and one in the writeback mode: both options reach the mount.
     * The writeback volume's files are stored after its last container left (the mount
     * process stays until they are); the proxy volume's namespace says it lives behind the
     * proxy, so a mount pointed at the server directly is refused.
     */
    @Test
    void proxyAndWritebackVolumesMountWithTheirOptions() throws Exception {
        try (Nutcracker proxy = Nutcracker.start(List.of(MEMCACHED.address()))) {
            startPlugin();
            ok("/VolumeDriver.Create", "{\"Name\":\"wb\",\"Opts\":{\"servers\":\"" + MEMCACHED.servers()
                    + "\",\"namespace\":\"dockerwb\",\"writeback\":\"\",\"writeback_memory\":\"8M\"}}");
            ok("/VolumeDriver.Create", "{\"Name\":\"px\",\"Opts\":{\"servers\":\"" + MEMCACHED.servers()
                    + "\",\"proxy\":\"" + proxy.spec() + "\",\"namespace\":\"dockerpx\"}}");
            for (String v : new String[] {"wb", "px"}) {
                Path dir = Path.of(ok("/VolumeDriver.Mount", "{\"Name\":\"" + v + "\",\"ID\":\"c\"}").path("Mountpoint").asText());
                String args = BackgroundMount.servingProcess(dir).orElseThrow().info().commandLine().orElseThrow();
                assertTrue(List.of(args.split("[ ,]")).containsAll(v.equals("wb") ? List.of("writeback", "writeback_memory=8M")
                        : List.of("proxy=" + proxy.spec())), args);
                Shell.ok(dir, "mkdir d && for i in $(seq 1 200); do seq 1 $i > d/f$i; done && chmod 640 d/f7");
                ok("/VolumeDriver.Unmount", "{\"Name\":\"" + v + "\",\"ID\":\"c\"}");
                assertFalse(MountTable.isMemfis(dir));
            }

            Path direct = Files.createDirectory(work.resolve("direct"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) { // the writeback volume's process stores what is queued after its unmount
                try (MemfisProcess m = MemfisProcess.mount(direct, "-s", MEMCACHED.servers(), "-n", "dockerwb")) {
                    Shell.Result r = Shell.run(direct, "ls d | wc -l; stat -c %a d/f7; seq 1 200 | cmp - d/f200");
                    if (r.exit() == 0 && r.out().equals("200\n640\n")) {
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, "the writeback volume's files were not stored: " + r.out() + r.err());
                }
                Thread.sleep(200);
            }
            Path proxied = Files.createDirectory(work.resolve("proxied"));
            try (MemfisProcess m = MemfisProcess.mount(proxied, "--proxy", proxy.spec(), "-n", "dockerpx")) {
                assertEquals("200\n640\n", Shell.ok(proxied, "ls d | wc -l; stat -c %a d/f7; seq 1 200 | cmp - d/f200"));
            }
            Shell.Result refused = MemfisCli.run("-f", "-s", MEMCACHED.servers(), "-n", "dockerpx", direct.toString());
            assertTrue(refused.exit() != 0 && refused.err().contains("proxy"), refused.out() + refused.err());
            assertFalse(MountTable.isMemfis(direct));
        }
    }

    @Test
    void badRequestsGetAnErrNeverACrash() throws Exception {
        startPlugin();
        String servers = MEMCACHED.servers();
        assertTrue(err("/VolumeDriver.Create", "not json").startsWith("the body is not JSON"));
        assertTrue(err("/VolumeDriver.Create", "[1,2]").contains("not a JSON object"));
        assertTrue(err("/VolumeDriver.Create", "{}").contains("missing Name"));
        assertTrue(err("/VolumeDriver.Create", "{\"Name\":\"../../etc\"}").contains("invalid volume name"));
        assertTrue(err("/VolumeDriver.Create", "{\"Name\":\"v\",\"Opts\":{\"servers\":\"" + servers + "\",\"colour\":\"red\"}}")
                .contains("unknown option colour"));
        assertTrue(err("/VolumeDriver.Create", "{\"Name\":\"v\",\"Opts\":{\"namespace\":\"has space\"}}").contains("invalid namespace"));
        assertTrue(err("/VolumeDriver.Create", "{\"Name\":\"v\",\"Opts\":{\"servers\":\"host:notaport\"}}").contains("port"));
        assertTrue(err("/VolumeDriver.Create", "{\"Name\":\"v\",\"Opts\":{\"timeout\":\"soon\"}}").contains("timeout"));
        assertTrue(err("/VolumeDriver.Create", "{\"Name\":\"v\",\"Opts\":[1]}").contains("Opts"));
        assertTrue(err("/VolumeDriver.Mount", "{\"Name\":\"nosuch\",\"ID\":\"c\"}").contains("no such volume"));
        ok("/VolumeDriver.Create", "{\"Name\":\"v\",\"Opts\":{\"servers\":\"127.0.0.1:1\"}}");
        assertTrue(err("/VolumeDriver.Create", "{\"Name\":\"v\",\"Opts\":{\"servers\":\"" + servers + "\"}}").contains("other options"));
        assertTrue(err("/VolumeDriver.Mount", "{\"Name\":\"v\"}").contains("missing ID"));
        assertEquals("cannot mount volume v: no memcached answers at 127.0.0.1:1",
                err("/VolumeDriver.Mount", "{\"Name\":\"v\",\"ID\":\"c\"}"));
        assertEquals(0, ok("/VolumeDriver.Get", "{\"Name\":\"v\"}").path("Volume").path("Status").path("containers").asInt());

        Shell.Result get = Shell.run(work, "curl -s -w '\\n%{http_code}' --unix-socket '" + socket() + "' http://plugin/VolumeDriver.List");
        assertEquals("405", get.out().lines().reduce((a, b) -> b).orElseThrow(), get.out());
        assertTrue(post("/VolumeDriver.Nonsense", "{}").contains("\"Err\":\"no such endpoint"));
        assertTrue(raw("NOT HTTP AT ALL\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(raw("POST /VolumeDriver.List HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n").contains("\"Err\":\"body too large"));
        assertTrue(raw("POST /VolumeDriver.List HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}").contains("\"Err\":\"\""),
                "an HTTP/1.1 request without a body length or Connection: close is answered all the same");

        assertTrue(plugin.isAlive());
        assertEquals("VolumeDriver", ok("/Plugin.Activate", "").path("Implements").get(0).asText());
    }

    private void startPlugin() throws Exception {
        plugin = MemfisCli.start("docker-plugin", "--socket", socket().toString(), "--state-dir", state().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!answers()) {
            if (!plugin.isAlive()) {
                throw new AssertionError("the plugin ended: " + new String(plugin.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            assertTrue(System.nanoTime() < deadline, "the plugin did not answer within 30 s");
            Thread.sleep(50);
        }
    }

    private boolean answers() {
        return Files.exists(socket()) && Shell.run(work, "curl -s -X POST --unix-socket '" + socket() + "' http://plugin/Plugin.Activate").exit() == 0;
    }

    /** SIGTERM, as systemd stops it. */
    private void stopPlugin() throws InterruptedException {
        if (plugin != null && plugin.isAlive()) {
            plugin.destroy();
            assertTrue(plugin.waitFor(20, TimeUnit.SECONDS));
        }
    }

    private String post(String endpoint, String body) {
        Path request = work.resolve("request.json");
        try {
            Files.writeString(request, body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Shell.Result r = Shell.run(work, "curl -s -X POST -H 'Content-Type: application/json' --data-binary @'" + request
                + "' --unix-socket '" + socket() + "' http://plugin" + endpoint, 120);
        assertEquals(0, r.exit(), r.err());
        return r.out();
    }

    private JsonNode ok(String endpoint, String body) throws IOException {
        JsonNode answer = JSON.readTree(post(endpoint, body));
        assertEquals("", answer.path("Err").asText("missing"), endpoint + " " + body + " -> " + answer);
        return answer;
    }

    private String err(String endpoint, String body) throws IOException {
        JsonNode answer = JSON.readTree(post(endpoint, body));
        assertTrue(answer.has("Err") && !answer.path("Err").asText().isEmpty(), endpoint + " " + body + " -> " + answer);
        return answer.path("Err").asText();
    }

    /** Bytes no HTTP client would send, and the answer until the plugin closes or a second passes. */
    private String raw(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ch.shutdownOutput();
            return new String(readAll(ch), StandardCharsets.UTF_8);
        }
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) > 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return out.toByteArray();
    }
}
