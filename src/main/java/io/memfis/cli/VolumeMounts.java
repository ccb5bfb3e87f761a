package io.memfis.cli;

import io.memfis.docker.Mounts;
import io.memfis.docker.Volume;
import io.memfis.fuse.MountTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Mounts Docker volumes as a user would, with {@code memfis -s SERVERS -n NAMESPACE -o
 * allow_other,... DIR}: each mount is a background process of its own, so it outlives a
 * restart of the plugin. Containers run as any user: allow_other always.
 */
final class VolumeMounts implements Mounts {

    /** Volume options: {@code docker volume create -d memfis -o NAME=VALUE}. */
    private static final Set<String> OPTIONS = Set.of("servers", "namespace", "attr_timeout", "timeout", "ro",
            "require_no_evictions", "hash", "gzip", "proxy", "writeback", "writeback_memory");
    /** Options that are flags: any value given to them means "on". */
    private static final Set<String> FLAGS = Set.of("ro", "require_no_evictions", "gzip", "writeback");

    private final Path logDir;

    VolumeMounts(Path logDir) {
        this.logDir = logDir;
    }

    @Override
    public void check(Volume v) {
        for (String name : v.options().keySet()) {
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name + " (known: " + String.join(", ", OPTIONS.stream().sorted().toList()) + ")");
            }
        }
        try {
            MountArguments.applySource(source(v), new ServerOptions());
            MountOptions probe = new MountOptions();
            probe.server = new ServerOptions();
            probe.content = new ContentOptions();
            probe.places = new ArrayList<>(List.of("/"));
            probe.fuseOptions = new ArrayList<>(fuseOptions(v));
            MountArguments.apply(probe);
        } catch (CliException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public void mount(Volume v, Path dir) throws IOException {
        unmount(dir); // a dead mount left there (its process was killed) would refuse the new one
        List<String> args = new ArrayList<>(List.of(source(v), dir.toString(), "-o", String.join(",", fuseOptions(v)),
                "--log-file", logDir.resolve(v.name() + ".log").toString()));
        Process p = new ProcessBuilder(Daemon.self(args.toArray(String[]::new)))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mounting volume " + v.name() + " took more than 90 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while mounting volume " + v.name());
        }
        if (p.exitValue() != 0) {
            String last = said.isEmpty() ? "exit status " + p.exitValue() : said.lines().reduce((a, b) -> b).orElse(said);
            throw new IOException("cannot mount volume " + v.name() + ": " + (last.startsWith("memfis: ") ? last.substring(8) : last));
        }
    }

    @Override
    public void unmount(Path dir) throws IOException {
        if (!MountTable.isMemfis(dir)) {
            return;
        }
        if (!run("fusermount", "-u", dir.toString())) {
            run("fusermount", "-u", "-z", dir.toString()); // busy: detached now, gone when the last file closes
        }
        if (MountTable.isMemfis(dir)) {
            throw new IOException("cannot unmount " + dir);
        }
    }

    /** Mounted and serving: a mount whose process died is still listed, but its root cannot be read. */
    @Override
    public boolean isMounted(Path dir) {
        return MountTable.isMemfis(dir) && java.nio.file.Files.isDirectory(dir);
    }

    private static String source(Volume v) {
        Map<String, String> o = v.options();
        return o.getOrDefault("namespace", v.name()) + "@" + o.getOrDefault("servers", ServerOptions.DEFAULT_SERVERS);
    }

    private static List<String> fuseOptions(Volume v) {
        List<String> out = new ArrayList<>(List.of("allow_other"));
        v.options().forEach((name, value) -> {
            if (!name.equals("servers") && !name.equals("namespace")) {
                out.add(FLAGS.contains(name) ? name : name + "=" + value);
            }
        });
        return out;
    }

    private static boolean run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        try {
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
