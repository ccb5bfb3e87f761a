package io.memfis.cli;

import io.memfis.fs.FsOptions;
import io.memfis.load.Loader;
import io.memfis.load.Sync;
import io.memfis.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code memfis sync [OPTIONS] DIR}: keeps a namespace directory equal to DIR until SIGTERM or SIGINT. */
@Command(name = "sync", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Keeps a namespace directory equal to DIR: a load --delete, then each change on disk "
                + "within a second, until SIGTERM or SIGINT; refills the namespace when memcached restarts empty."})
final class SyncCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server;

    @Mixin
    ContentOptions content;

    @Option(names = "--into", paramLabel = "/PATH", defaultValue = "/",
            description = "the directory of the namespace kept equal to DIR (default: ${DEFAULT-VALUE})")
    String into;

    @Parameters(index = "0", paramLabel = "DIR", description = "the local directory to follow")
    Path dir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new CliException(Cli.USAGE, dir + " is not a directory");
        }
        String target;
        try {
            target = Loader.normalize(into);
        } catch (IllegalArgumentException e) {
            throw new CliException(Cli.USAGE, e.getMessage());
        }
        try (Store store = Connection.connect(server)) {
            Sync sync = new Sync(store, FsOptions.defaults(server.namespace()).withGzip(content.gzip), dir, target,
                    Loader.DEFAULT_JOBS);
            for (String signal : new String[]{"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> sync.stop());
            }
            sync.run();
        }
        return Cli.OK;
    }
}
