package io.memfis.cli;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a memcached for a user who has none running: on loopback only (memcached has no
 * access control), with {@code -M} so that it never evicts a file, and daemonized so that
 * it outlives the mount: the content must stay for nginx.
 */
final class MemcachedLauncher {

    private MemcachedLauncher() {
    }

    /** The memcached program on the PATH, or null. */
    static String program() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : (path + ":/usr/sbin:/usr/bin").split(":")) {
            File f = new File(dir, "memcached");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    /** A quarter of the machine's memory, between 64 MiB and 8 GiB. */
    static long memoryMegabytes() {
        long total = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            total = os.getTotalMemorySize();
        }
        long quarter = total / 4 / (1024 * 1024);
        return Math.max(64, Math.min(8192, quarter));
    }

    /** Starts memcached at {@code address} and waits until it answers; {@code extra} are more memcached options. */
    static void start(String program, InetSocketAddress address, long megabytes, String... extra) {
        List<String> cmd = new ArrayList<>(List.of(program, "-d", "-l", address.getHostString(),
                "-p", String.valueOf(address.getPort()), "-U", "0", "-M", "-m", String.valueOf(megabytes)));
        cmd.addAll(List.of(extra));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("-u");
            cmd.add("root");
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new CliException(Cli.FAILED, "could not start memcached: " + (out.isEmpty() ? "exit " + p.exitValue() : out));
            }
        } catch (IOException e) {
            throw new CliException(Cli.FAILED, "could not start memcached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Cli.FAILED, "interrupted while starting memcached");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!MemcachedProbe.answers(address, 500)) {
            if (System.nanoTime() > deadline) {
                throw new CliException(Cli.FAILED, "started memcached but it does not answer at " + address);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
