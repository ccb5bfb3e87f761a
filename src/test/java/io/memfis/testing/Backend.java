package io.memfis.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where a {@link MemcachedServer} runs: a local process, or a Docker container. */
interface Backend {

    /** Starts a fresh server reachable on {@code 127.0.0.1:port} with memcached's {@code args}. */
    void start(int port, List<String> args) throws IOException;

    /** Kills the server, if it runs; waits until it is gone. */
    void stop();

    void pause();

    void resume();

    boolean isAlive();

    /** What the server printed, for failure messages. */
    String output();

    /** Releases what outlives one run (log files). */
    void close();

    /** The local binary when there is one, else Docker when there is an engine, else a failure that says so. */
    static Backend choose() {
        Path binary = LocalMemcached.find();
        if (binary != null) {
            return new LocalMemcached(binary);
        }
        if (DockerMemcached.available()) {
            return new DockerMemcached();
        }
        throw new IllegalStateException("this test needs memcached, and there is neither a memcached binary"
                + " (looked on PATH and in /usr/bin, /usr/local/bin) nor a Docker engine:"
                + " install memcached (apt-get install memcached) or start Docker");
    }
}
