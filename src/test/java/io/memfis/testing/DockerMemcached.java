package io.memfis.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import java.util.List;

/**
 * A {@code memcached:1.6} container, for machines without the binary. Its port is bound to
 * a fixed host port so that a restarted server is where clients left it.
 */
final class DockerMemcached implements Backend {

    private static final int MEMCACHED_PORT = 11211;

    private GenericContainer<?> container;
    private String lastOutput = "";

    static boolean available() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    @SuppressWarnings("resource") // closed in stop()
    public void start(int port, List<String> args) {
        // the image's entrypoint runs memcached with arguments that start with '-'
        container = new GenericContainer<>(DockerImageName.parse("memcached:1.6"))
                .withCommand(args.toArray(String[]::new))
                .withExposedPorts(MEMCACHED_PORT)
                .withCreateContainerCmdModifier(cmd -> {
                    HostConfig config = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
                    cmd.withHostConfig(config.withPortBindings(new PortBinding(
                            Ports.Binding.bindIpAndPort("127.0.0.1", port), ExposedPort.tcp(MEMCACHED_PORT))));
                });
        container.start();
    }

    @Override
    public void stop() {
        if (container != null) {
            if (container.isRunning()) {
                lastOutput = container.getLogs();
            }
            container.stop();
            container = null;
        }
    }

    @Override
    public void pause() {
        DockerClientFactory.instance().client().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume() {
        DockerClientFactory.instance().client().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public boolean isAlive() {
        return container != null && container.isRunning();
    }

    @Override
    public String output() {
        return container != null && container.isRunning() ? container.getLogs() : lastOutput;
    }

    @Override
    public void close() {
        stop();
    }
}
