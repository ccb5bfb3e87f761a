package io.memfis.cli;

import io.memfis.docker.VolumePlugin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code memfis docker-plugin}: serves Docker's volume plugin protocol until stopped. */
@Command(name = "docker-plugin", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Serves Docker's volume plugin protocol: a volume is a namespace on given servers "
                + "(docker volume create -d memfis -o servers=HOST:PORT -o namespace=NAME VOLUME).")
final class DockerPluginCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "/run/docker/plugins/memfis.sock",
            description = "where Docker looks for the plugin (default: ${DEFAULT-VALUE})")
    Path socket;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/memfis/docker",
            description = "the volumes, their mounts and logs (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Override
    public Integer call() throws InterruptedException {
        AutoCloseable server;
        try {
            VolumePlugin plugin = VolumePlugin.open(stateDir, new VolumeMounts(stateDir.resolve("logs")));
            server = plugin.serve(socket);
        } catch (IOException | RuntimeException e) {
            throw new CliException(Cli.FAILED, "cannot serve the Docker plugin on " + socket + ": " + e.getMessage(), e);
        }
        // SIGTERM and SIGINT end the plugin; the volumes stay mounted for the next one to find
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // the process is ending anyway
            }
        }, "memfis-docker-plugin-stop"));
        spec.commandLine().getErr().println("memfis: serving Docker's volume plugin protocol on " + socket);
        spec.commandLine().getErr().flush();
        new CountDownLatch(1).await();
        return Cli.OK;
    }
}
