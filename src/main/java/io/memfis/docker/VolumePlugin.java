package io.memfis.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memfis.docker.UnixHttpServer.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Docker's volume plugin protocol over the volumes it keeps: each answer is JSON with
 * {@code Err} (empty when it went well). A volume is mounted under the state directory at
 * the first Mount and unmounted at the last Unmount; several containers share it. The
 * volumes and their users are written to {@code volumes.json} after every change, so a
 * plugin that restarts keeps the mounts that still serve and cleans up the others.
 * Requests are answered one at a time: a mount takes a second, and Docker sends few.
 */
public final class VolumePlugin {

    private static final Logger log = LoggerFactory.getLogger(VolumePlugin.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Docker's own rule for volume names; it also keeps a name from leaving the state directory. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");

    private final Path stateDir;
    private final Path stateFile;
    private final Mounts mounts;
    private final Map<String, Volume> volumes = new TreeMap<>();

    private VolumePlugin(Path stateDir, Mounts mounts) {
        this.stateDir = stateDir;
        this.stateFile = stateDir.resolve("volumes.json");
        this.mounts = mounts;
    }

    /** The plugin with the volumes of {@code stateDir}: mounts that still serve are kept, the rest cleaned up. */
    public static VolumePlugin open(Path stateDir, Mounts mounts) throws IOException {
        VolumePlugin p = new VolumePlugin(stateDir, mounts);
        Files.createDirectories(p.mountsDir());
        p.load();
        p.recover();
        return p;
    }

    /** Serves the protocol on {@code socket} until {@link AutoCloseable#close}. */
    public AutoCloseable serve(Path socket) throws IOException {
        return UnixHttpServer.start(socket, this::handle, reason -> new Response(400, error(reason)));
    }

    synchronized Response handle(HttpRequest request) {
        if (!"POST".equals(request.method())) {
            return new Response(405, error("the plugin protocol uses POST, not " + request.method()));
        }
        JsonNode body;
        try {
            body = request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            return new Response(400, error("the body is not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            return new Response(400, error("the body cannot be read: " + e.getMessage()));
        }
        if (body == null || !body.isObject()) {
            return new Response(400, error("the body is not a JSON object"));
        }
        ObjectNode answer = JSON.createObjectNode();
        try {
            switch (request.path()) {
                case "/Plugin.Activate" -> answer.putArray("Implements").add("VolumeDriver");
                case "/VolumeDriver.Capabilities" -> answer.putObject("Capabilities").put("Scope", "global");
                case "/VolumeDriver.Create" -> create(name(body), body.path("Opts"));
                case "/VolumeDriver.Remove" -> remove(existing(body));
                case "/VolumeDriver.Mount" -> answer.put("Mountpoint", mount(existing(body), id(body)).toString());
                case "/VolumeDriver.Unmount" -> unmount(existing(body), id(body));
                case "/VolumeDriver.Path" -> answer.put("Mountpoint", mountpoint(existing(body)));
                case "/VolumeDriver.Get" -> describe(existing(body), answer.putObject("Volume"));
                case "/VolumeDriver.List" -> {
                    var list = answer.putArray("Volumes");
                    volumes.values().forEach(v -> describe(v, list.addObject()));
                }
                default -> {
                    return new Response(404, error("no such endpoint: " + request.path()));
                }
            }
        } catch (Refusal | IllegalArgumentException e) {
            return new Response(200, error(e.getMessage()));
        } catch (IOException | UncheckedIOException e) {
            return new Response(200, error(e.getMessage()));
        }
        answer.put("Err", "");
        return new Response(200, answer.toString());
    }

    /** A request the protocol allows but the plugin turns down: said in Err. */
    private static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message);
        }
    }

    private static String error(String message) {
        return JSON.createObjectNode().put("Err", message == null || message.isBlank() ? "failed" : message).toString();
    }

    private static String name(JsonNode body) {
        String name = body.path("Name").asText("");
        if (!NAME.matcher(name).matches()) {
            throw new Refusal(name.isEmpty() ? "missing Name" : "invalid volume name '" + name + "'");
        }
        return name;
    }

    private static String id(JsonNode body) {
        String id = body.path("ID").asText("");
        if (id.isEmpty()) {
            throw new Refusal("missing ID (the container's)");
        }
        return id;
    }

    private Volume existing(JsonNode body) {
        String name = name(body);
        Volume v = volumes.get(name);
        if (v == null) {
            throw new Refusal("no such volume: " + name);
        }
        return v;
    }

    private void create(String name, JsonNode opts) throws IOException {
        if (!opts.isMissingNode() && !opts.isNull() && !opts.isObject()) {
            throw new Refusal("Opts must be an object of strings");
        }
        Map<String, String> options = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = opts.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw new Refusal("option " + e.getKey() + " must be a string");
            }
            options.put(e.getKey(), e.getValue().asText());
        }
        Volume v = new Volume(name, options, Set.of());
        Volume known = volumes.get(name);
        if (known != null) {
            if (!known.options().equals(v.options())) {
                throw new Refusal("volume " + name + " exists with other options " + known.options());
            }
            return;
        }
        mounts.check(v);
        volumes.put(name, v);
        save();
        log.info("created volume {} {}", name, options);
    }

    private void remove(Volume v) throws IOException {
        if (!v.users().isEmpty()) {
            throw new Refusal("volume " + v.name() + " is in use by " + v.users().size() + " container(s)");
        }
        Path dir = dirOf(v);
        if (mounts.isMounted(dir)) {
            mounts.unmount(dir);
        }
        Files.deleteIfExists(dir);
        volumes.remove(v.name());
        save();
        log.info("removed volume {} (its files stay in memcached)", v.name());
    }

    private Path mount(Volume v, String id) throws IOException {
        Path dir = dirOf(v);
        if (!mounts.isMounted(dir)) {
            Files.createDirectories(dir);
            mounts.mount(v, dir);
            log.info("mounted volume {} at {}", v.name(), dir);
        }
        Set<String> users = new HashSet<>(v.users());
        users.add(id);
        volumes.put(v.name(), v.withUsers(users));
        save();
        return dir;
    }

    private void unmount(Volume v, String id) throws IOException {
        Set<String> users = new HashSet<>(v.users());
        users.remove(id);
        Path dir = dirOf(v);
        if (users.isEmpty() && mounts.isMounted(dir)) {
            mounts.unmount(dir);
            log.info("unmounted volume {} (its last container left)", v.name());
        }
        volumes.put(v.name(), v.withUsers(users));
        save();
    }

    private String mountpoint(Volume v) {
        Path dir = dirOf(v);
        return mounts.isMounted(dir) ? dir.toString() : "";
    }

    private void describe(Volume v, ObjectNode out) {
        out.put("Name", v.name());
        out.put("Mountpoint", mountpoint(v));
        ObjectNode status = out.putObject("Status");
        v.options().forEach(status::put);
        status.put("containers", v.users().size());
    }

    private Path mountsDir() {
        return stateDir.resolve("volumes");
    }

    private Path dirOf(Volume v) {
        return mountsDir().resolve(v.name());
    }

    private void load() throws IOException {
        if (!Files.exists(stateFile)) {
            return;
        }
        JsonNode root = JSON.readTree(stateFile.toFile());
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("volumes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Map<String, String> options = new LinkedHashMap<>();
            e.getValue().path("options").fields().forEachRemaining(o -> options.put(o.getKey(), o.getValue().asText()));
            Set<String> users = new HashSet<>();
            e.getValue().path("users").forEach(u -> users.add(u.asText()));
            volumes.put(e.getKey(), new Volume(e.getKey(), options, users));
        }
    }

    /**
     * After a restart: a volume whose mount still serves keeps its containers; one whose
     * mount died loses them (Docker mounts again when a container starts); a mount nobody
     * uses, or of a volume no longer known, is unmounted.
     */
    private void recover() throws IOException {
        for (Volume v : List.copyOf(volumes.values())) {
            Path dir = dirOf(v);
            boolean mounted = mounts.isMounted(dir);
            if (!mounted) {
                if (!v.users().isEmpty()) {
                    log.warn("volume {}: its mount ended while the plugin was away; {} container(s) forgotten",
                            v.name(), v.users().size());
                    volumes.put(v.name(), v.withUsers(Set.of()));
                }
                mounts.unmount(dir); // what a killed mount left, if anything
            } else if (v.users().isEmpty()) {
                mounts.unmount(dir);
            } else {
                log.info("volume {}: found mounted, used by {} container(s)", v.name(), v.users().size());
            }
        }
        try (Stream<Path> dirs = Files.list(mountsDir())) {
            for (Path dir : dirs.toList()) {
                if (!volumes.containsKey(dir.getFileName().toString())) {
                    mounts.unmount(dir);
                }
            }
        }
        save();
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode all = root.putObject("volumes");
        for (Volume v : volumes.values()) {
            ObjectNode one = all.putObject(v.name());
            v.options().forEach(one.putObject("options")::put);
            var users = one.putArray("users");
            v.users().stream().sorted().forEach(users::add);
        }
        try {
            Path tmp = stateFile.resolveSibling("volumes.json.tmp");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile + ": " + e.getMessage(), e);
        }
    }
}
