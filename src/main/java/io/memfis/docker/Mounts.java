package io.memfis.docker;

import java.io.IOException;
import java.nio.file.Path;

/** How the plugin mounts a volume: given by the command line, which knows memfis's options. */
public interface Mounts {

    /**
     * Refuses a volume that could never mount: unknown options, a bad namespace or server list.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    void check(Volume volume);

    /** Mounts {@code volume} at {@code dir} and returns once the mount is ready. */
    void mount(Volume volume, Path dir) throws IOException;

    /** Unmounts {@code dir}, also a mount whose process died; nothing when nothing is mounted there. */
    void unmount(Path dir) throws IOException;

    /** True when a mount at {@code dir} serves (a mount whose process died does not). */
    boolean isMounted(Path dir);
}
