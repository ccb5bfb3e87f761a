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

    /** Unmounts {@code dir}; returns once it is no longer mounted. */
    void unmount(Path dir) throws IOException;

    boolean isMounted(Path dir);
}
