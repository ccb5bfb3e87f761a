package io.memfis.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs scripts as an ordinary user (nobody, uid 65534) who has a home of their own and
 * {@code memfis} on the PATH, as a user who installed it would. The tests run as root;
 * what they need arranged for the user, they arrange without changing the machine: each
 * script runs in a mount namespace of its own, where {@code /dev/fuse} is a device node
 * the user may open (it is 0666 on most systems, 0600 on some) and, when asked, where
 * {@code /etc/fuse.conf} is another file. Mounts the script makes live in that namespace
 * and vanish with it; {@link #close} ends whatever memfis the user left running.
 */
public final class OrdinaryUser implements AutoCloseable {

    public static final int UID = 65534;

    private final Path work;
    private final Path home;
    private final Path lib;
    private String fuseConf;
    private String fuseMode = "0666";
    private int scripts;

    private OrdinaryUser(Path work, Path home, Path lib) {
        this.work = work;
        this.home = home;
        this.lib = lib;
    }

    /**
     * Prepares the user in {@code work} (made traversable by others): a home they own, and
     * a copy of memfis's classes they can read (the local Maven repository is root's).
     */
    public static OrdinaryUser in(Path work) {
        try {
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path lib = Files.createDirectory(work.resolve("lib"));
            List<String> classPath = new ArrayList<>();
            int n = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path from = Path.of(entry);
                if (!Files.exists(from)) {
                    continue;
                }
                Path to = lib.resolve((n++) + "-" + from.getFileName());
                Shell.expect(0, work, "cp -r " + quote(from) + " " + quote(to) + " && chmod -R a+rX " + quote(to));
                classPath.add(to.toString());
            }
            Path bin = Files.createDirectory(work.resolve("bin"));
            Path memfis = bin.resolve("memfis");
            Files.writeString(memfis, "#!/bin/sh\nexec " + quote(Path.of(System.getProperty("java.home"), "bin", "java"))
                    + " -Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dfile.encoding=UTF-8 -cp "
                    + quote(String.join(File.pathSeparator, classPath)) + " io.memfis.cli.Main \"$@\"\n");
            Shell.expect(0, work, "chmod 755 " + quote(bin) + " " + quote(memfis));
            Path home = Files.createDirectory(work.resolve("home"));
            Shell.expect(0, work, "chown " + UID + ":" + UID + " " + quote(home));
            return new OrdinaryUser(work, home, lib);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user's home, where scripts start. */
    public Path home() {
        return home;
    }

    /** From now on, scripts see {@code content} as {@code /etc/fuse.conf} (the machine's stays as it is). */
    public OrdinaryUser withFuseConf(String content) {
        fuseConf = content;
        return this;
    }

    /** From now on, scripts see a {@code /dev/fuse} that only root may open, as on some systems. */
    public OrdinaryUser withoutFuseAccess() {
        fuseMode = "0600";
        return this;
    }

    /** Runs {@code script} with bash as the user, in their home, with {@code memfis} on the PATH. */
    public Shell.Result run(String script) {
        try {
            int n = scripts++;
            Path file = work.resolve("script-" + n + ".sh");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            Path dev = Files.createDirectory(work.resolve("dev-" + n));
            long rdev = ((Number) Files.getAttribute(Path.of("/dev/fuse"), "unix:rdev")).longValue();
            long major = (rdev >> 8) & 0xfff;
            long minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
            StringBuilder setup = new StringBuilder()
                    .append("mount -t tmpfs -o mode=0755 memfis-test ").append(quote(dev))
                    .append(" && mknod -m ").append(fuseMode).append(' ').append(quote(dev.resolve("fuse"))).append(" c ").append(major)
                    .append(' ').append(minor)
                    .append(" && mount --bind ").append(quote(dev.resolve("fuse"))).append(" /dev/fuse");
            if (fuseConf != null) {
                Path conf = dev.resolve("fuse.conf");
                setup.append(" && printf %s ").append(quote(fuseConf)).append(" > ").append(quote(conf))
                        .append(" && mount --bind ").append(quote(conf)).append(" /etc/fuse.conf");
            }
            setup.append(" && cd ").append(quote(home))
                    .append(" && exec setpriv --reuid=").append(UID).append(" --regid=").append(UID)
                    .append(" --clear-groups env -i HOME=").append(quote(home))
                    .append(" PATH=").append(quote(work.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin"))
                    .append(" LANG=C.UTF-8 bash ").append(quote(file));
            return Shell.run(home, "unshare -m sh -c " + quote(setup));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ends whatever memfis the user's scripts left running (found by the classes only they
     * use), which unmounts what it served; their namespaces go with them.
     */
    @Override
    public void close() {
        String marker = lib.toString();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
                .forEach(p -> {
                    p.destroy();
                    try {
                        p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
    }

    /** A single-quoted shell word. */
    public static String quote(Object s) {
        return "'" + s.toString().replace("'", "'\\''") + "'";
    }
}
