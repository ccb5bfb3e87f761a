package io.memfis.stats;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Where a mount's statistics socket lives: {@code /run/memfis/} for root, else
 * {@code $XDG_RUNTIME_DIR/memfis/} (or {@code /tmp/memfis-USER/}), named after a hash of the
 * mount point (a socket's path is limited to 107 bytes; mount points are not).
 */
public final class StatsSockets {

    static final Path SYSTEM_DIR = Path.of("/run/memfis");

    private StatsSockets() {
    }

    /** Where the mount at {@code mountPoint} run by this user listens. */
    static Path forServer(Path mountPoint) {
        return (isRoot() ? SYSTEM_DIR : userDir()).resolve(name(mountPoint));
    }

    /** Where a mount at {@code mountPoint} may listen, the system's first (root mounts most). */
    public static List<Path> candidates(Path mountPoint) {
        List<Path> all = new ArrayList<>(List.of(SYSTEM_DIR.resolve(name(mountPoint))));
        if (!isRoot()) {
            all.add(userDir().resolve(name(mountPoint)));
        }
        return all;
    }

    private static String name(Path mountPoint) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(mountPoint.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12) + ".sock";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path userDir() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        return runtime != null && !runtime.isBlank() ? Path.of(runtime, "memfis")
                : Path.of("/tmp", "memfis-" + System.getProperty("user.name"));
    }
}
