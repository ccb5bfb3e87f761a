package io.memfis.fuse;

import io.memfis.fs.Errno;
import io.memfis.fs.FsException;
import org.slf4j.Logger;

/**
 * The one place where what an operation threw becomes the negative errno FUSE expects:
 * refusals at DEBUG, EIO at WARN, anything unexpected (a bug: EIO) at ERROR, each in one
 * line with the operation and the path; the stack only at DEBUG.
 */
final class Errnos {

    private Errnos() {
    }

    static int of(Throwable t, String op, String path, Logger log) {
        if (t instanceof FsException e) {
            if (e.errno() == Errno.EIO || e.errno() == Errno.ENOSPC) {
                log.warn("{} {}: {}", op, path, e.getMessage());
                log.debug("{} {} failed", op, path, e);
            } else {
                log.debug("{} {}: {}", op, path, e.getMessage());
            }
            return -e.errno().number();
        }
        log.error("{} {}: unexpected {}", op, path, t.toString());
        log.debug("{} {} failed", op, path, t);
        return -Errno.EIO.number();
    }
}
