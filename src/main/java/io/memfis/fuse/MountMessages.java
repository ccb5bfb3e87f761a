package io.memfis.fuse;

import jnr.constants.platform.OpenFlags;
import jnr.ffi.LibraryLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * What libfuse and fusermount say while a mount starts. They write to file descriptor 2,
 * which Java cannot read back, and which in the background mode is the log file, where a
 * refusal's reason was lost to the user. So while a mount starts, descriptor 2 is a
 * temporary file; then it is the stderr it was, and gets back everything captured except
 * the refusal, which the mount's failure tells in one line with what to do.
 */
final class MountMessages {

    /** The few C library calls that move a file descriptor. */
    public interface LibC {
        int open(String path, int flags, int mode);

        int dup(int fd);

        int dup2(int from, int to);

        int close(int fd);
    }

    private static final Logger log = LoggerFactory.getLogger(MountMessages.class);

    private static final int STDERR = 2;

    /** Descriptor 2 belongs to the whole process: one capture at a time. */
    private static final ReentrantLock ONE_AT_A_TIME = new ReentrantLock();

    /** How libfuse ("fuse: ...") and fusermount ("fusermount: ...", "fusermount3: ...") start their words. */
    private static final Pattern REFUSAL = Pattern.compile("^(fuse|fusermount\\d*): .*");

    private static LibC libc;

    private final Path file;
    private final int saved;

    private MountMessages(Path file, int saved) {
        this.file = file;
        this.saved = saved;
    }

    /**
     * Points descriptor 2 to a temporary file until {@link #stop}. Where it cannot, it
     * changes nothing and captures nothing: libfuse's words then go where they always went.
     */
    static MountMessages start() {
        ONE_AT_A_TIME.lock();
        Path file = null;
        try {
            LibC c = libc();
            file = Files.createTempFile("memfis-mount-", ".txt");
            int fd = c.open(file.toString(), OpenFlags.O_WRONLY.intValue() | OpenFlags.O_APPEND.intValue(), 0);
            if (fd < 0) {
                throw new IOException("cannot open " + file);
            }
            System.err.flush();
            int saved = c.dup(STDERR);
            if (saved < 0 || c.dup2(fd, STDERR) < 0) {
                c.close(fd);
                if (saved >= 0) {
                    c.close(saved);
                }
                throw new IOException("cannot redirect stderr");
            }
            c.close(fd);
            return new MountMessages(file, saved);
        } catch (IOException | RuntimeException | LinkageError e) {
            log.debug("libfuse's messages stay on stderr: {}", e.toString());
            deleteQuietly(file);
            return new MountMessages(null, -1);
        }
    }

    /**
     * Gives descriptor 2 back and returns the refusal: libfuse's and fusermount's lines
     * joined in one, with what to do, or "" when they said nothing. Everything else
     * captured goes on to stderr, as does the refusal when the mount succeeded anyway
     * ({@code refused} false).
     */
    String stop(boolean refused) {
        if (file == null) {
            ONE_AT_A_TIME.unlock();
            return "";
        }
        String captured;
        try {
            System.err.flush();
            libc.dup2(saved, STDERR);
            libc.close(saved);
            captured = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            captured = "";
        } finally {
            deleteQuietly(file);
            ONE_AT_A_TIME.unlock();
        }
        List<String> reasons = new ArrayList<>();
        StringBuilder rest = new StringBuilder();
        for (String line : captured.split("\n")) {
            if (refused && REFUSAL.matcher(line).matches()) {
                reasons.add(line.strip());
            } else if (!line.isEmpty()) {
                rest.append(line).append('\n');
            }
        }
        System.err.print(rest);
        System.err.flush();
        return reasons.isEmpty() ? "" : withHint(String.join("; ", reasons));
    }

    /** {@code reason}, followed by what to do about it where that is known. */
    static String withHint(String reason) {
        String hint = hint(reason);
        return hint == null ? reason : reason + " (" + hint + ")";
    }

    private static String hint(String reason) {
        if (reason.contains("user_allow_other")) {
            return "add user_allow_other to /etc/fuse.conf, or mount without -o allow_other";
        }
        if (reason.contains("no write access to mountpoint")) {
            return "mount on a directory you own";
        }
        if (reason.contains("/dev/fuse") && reason.contains("Permission denied")) {
            return "this user needs read and write access to /dev/fuse, which is usually mode 0666";
        }
        if (reason.contains("/dev/fuse") || reason.contains("modprobe fuse")) {
            return "load the fuse kernel module (modprobe fuse); in a container, pass it the device /dev/fuse";
        }
        if (reason.contains("exec fusermount")) {
            return "install fuse3, which provides fusermount";
        }
        if (reason.contains("mount_max")) {
            return "unmount another FUSE filesystem, or raise mount_max in /etc/fuse.conf";
        }
        return null;
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a leftover empty file in the temporary directory is harmless
        }
    }

    private static synchronized LibC libc() {
        if (libc == null) {
            libc = LibraryLoader.create(LibC.class).load("c");
        }
        return libc;
    }
}
