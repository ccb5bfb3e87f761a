package io.memfis.cli;

import io.memfis.fuse.MountTable;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a mount point before anything else happens, where a problem is still one line
 * and exit status 2; libfuse would say it in several lines, after the namespace was opened.
 */
final class MountPoint {

    private MountPoint() {
    }

    /** The normalised mount point, checked as the user who runs memfis would use it. */
    static Path check(Path given, List<String> fuseOptions) {
        Path mp = given.toAbsolutePath().normalize();
        if (!Files.isDirectory(mp)) {
            if (Files.notExists(mp)) {
                throw usage(mp, "does not exist");
            }
            // neither there nor absent: a parent denies access, or a dead mount sits there
            throw usage(mp, Files.exists(mp) ? "is not a directory" : "cannot be reached (permission denied, or a dead mount)");
        }
        if (MountTable.isMemfis(mp)) {
            throw new CliException(Cli.FAILED, "memfis is already mounted at " + mp);
        }
        if (!Files.isReadable(mp) || !Files.isExecutable(mp)) {
            throw usage(mp, "is not readable");
        }
        if (!fuseOptions.contains("nonempty") && !isEmpty(mp)) {
            throw usage(mp, "is not empty (-o nonempty mounts over it anyway)");
        }
        return mp;
    }

    private static boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw usage(dir, "cannot be listed: " + e.getMessage());
        }
    }

    private static CliException usage(Path mp, String what) {
        return new CliException(Cli.USAGE, "mount point " + mp + " " + what);
    }
}
