package io.memfis.cli;

import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.load.Loader;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.tools.Check;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The launcher's training run for class data sharing: it loads the classes that commands
 * load on their way to work, so that the JVM lists them ({@code -XX:DumpLoadedClassList}) for
 * an archive made once, parsed and verified, next to the jar ({@code -Xshare:dump}), and every
 * later command maps them instead of loading them again. It parses every subcommand's options
 * and asks for the version, then runs {@code load} (twice:
 * once sending, once comparing), {@code check}, {@code nginx-check} and {@code export} of a
 * small tree against a memcached of its own, started on a free loopback port and stopped at
 * the end; without a memcached program it loads into a store in its own memory instead.
 * Not a command: {@code bin/memfis} runs it with {@code java -cp memfis.jar} after each build.
 */
final class ClassDataTraining {

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Logging.configure(new String[0]);
        Main.class.getName(); // loaded, not run: every command starts there
        run("--version");
        for (String[] line : List.of(new String[]{"-n", "training", "/mnt"},
                new String[]{"mount", "-o", "ro", "/mnt"}, new String[]{"nginx-config", "-n", "training"})) {
            Cli.commandLine(line).parseArgs(line);
        }
        Path work = Files.createTempDirectory("memfis-training");
        try {
            Path tree = fill(Files.createDirectory(work.resolve("tree")));
            String memcached = MemcachedLauncher.program();
            if (memcached != null) {
                withMemcached(memcached, tree, work.resolve("export"));
            } else {
                inMemory(tree);
            }
        } finally {
            delete(work);
        }
    }

    /** The commands users run, as they run them, against a memcached of this run's own. */
    private static void withMemcached(String program, Path tree, Path exportDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(program, "-l", "127.0.0.1", "-p", String.valueOf(port),
                "-U", "0", "-m", "64"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "root"));
        }
        Process memcached = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!MemcachedProbe.answers(address, 200)) {
                if (!memcached.isAlive() || System.nanoTime() > deadline) {
                    inMemory(tree);
                    return;
                }
                Thread.sleep(20);
            }
            String servers = "127.0.0.1:" + port;
            run("load", "-s", servers, "-n", "training", tree.toString());
            run("load", "-s", servers, "-n", "training", tree.toString());
            run("check", "-s", servers, "-n", "training");
            run("nginx-check", "-s", servers, "-n", "training");
            run("export", "-s", servers, "-n", "training", exportDir.toString());
        } finally {
            memcached.destroy();
            memcached.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** As {@link Main} runs a command, printing nothing. */
    private static void run(String... args) {
        StartAhead.start(args);
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        Cli.commandLine(args).setOut(nowhere).setErr(nowhere).execute(args);
    }

    private static void inMemory(Path tree) throws IOException, InterruptedException {
        try (Store store = Stores.inMemory(1 << 20)) {
            MemFs fs = MemFs.open(store, FsOptions.defaults("training").withHealthInterval(Duration.ZERO));
            try {
                new Loader(fs, "/", Loader.DEFAULT_JOBS).load(tree);
            } finally {
                fs.close();
            }
            Check.run(store, "training", false, finding -> {
            });
        }
    }

    /** A small tree with one of each thing a load handles. */
    private static Path fill(Path tree) throws IOException {
        Path dir = Files.createDirectories(tree.resolve("d"));
        Files.writeString(tree.resolve("index.html"), "<p>hello</p>\n", StandardCharsets.UTF_8);
        Files.write(dir.resolve("large.bin"), new byte[3 << 20]);
        Files.createSymbolicLink(tree.resolve("link"), Path.of("index.html"));
        Files.createLink(dir.resolve("hard"), tree.resolve("index.html"));
        return tree;
    }

    private static void delete(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
