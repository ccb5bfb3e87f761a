package io.memfis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Collectors;

/**
 * {@code memfis} on the PATH mount(8) gives its helpers: mount(8) clears the environment,
 * so mount.fuse3's {@code sh} finds commands on its default path only, which starts with
 * {@code /usr/local/bin}. The command runs this build's classes (the launcher would build
 * the jar first); {@link #close} puts back whatever was there before.
 */
public final class InstalledMemfis implements AutoCloseable {

    public static final Path PATH = Path.of("/usr/local/bin/memfis");

    private final Path saved;

    private InstalledMemfis(Path saved) {
        this.saved = saved;
    }

    public static InstalledMemfis install() {
        try {
            Path saved = null;
            if (Files.exists(PATH, LinkOption.NOFOLLOW_LINKS)) {
                saved = PATH.resolveSibling(".memfis-saved-by-test-" + ProcessHandle.current().pid());
                Files.move(PATH, saved);
            }
            String command = MemfisCli.command().stream().map(InstalledMemfis::quote).collect(Collectors.joining(" "));
            Files.writeString(PATH, "#!/bin/sh\nexec " + command + " \"$@\"\n");
            Files.setPosixFilePermissions(PATH, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new InstalledMemfis(saved);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(PATH);
            if (saved != null) {
                Files.move(saved, PATH);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
