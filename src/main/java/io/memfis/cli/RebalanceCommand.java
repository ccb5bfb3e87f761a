package io.memfis.cli;

import io.memfis.layout.Keys;
import io.memfis.store.Hash;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.tools.Rebalance;
import io.memfis.tools.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code memfis rebalance -n NS -s OLD --to NEW [--hash H] [--to-hash H] [--dry-run | --finish]}. */
@Command(name = "rebalance", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Moves a namespace (its content, with --meta-servers) to another server list or hash: copies each key whose server changes to its"
                + " new server, then records the new list; run it again if it was stopped. Then reload nginx with the"
                + " new upstream (memfis nginx-config) and run it with --finish to delete the copies left behind.",
                "Run it while no mount writes. Exit status: 0 done, 1 failed, 2 bad arguments."})
final class RebalanceCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT[:WEIGHT][,...]",
            description = "the servers to move the namespace to, in the new upstream's order")
    String to;

    @Option(names = "--to-hash", paramLabel = "consistent|modulo",
            description = "the hash on the new servers (default: --hash)")
    String toHash;

    @Option(names = "--dry-run", description = "print how many keys and bytes would move between which servers; move nothing")
    boolean dryRun;

    @Option(names = "--finish", description = "after nginx was reloaded with the new upstream: delete the old copies")
    boolean finish;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (dryRun && finish) {
            throw new CliException(Cli.USAGE, "give --dry-run or --finish, not both");
        }
        server.refuseProxy("rebalance");
        String namespace = server.namespace();
        var newPool = Stores.parsePool(to, toHash == null ? Hash.parse(server.hash) : Hash.parse(toHash));
        ProgressLine progress = new ProgressLine(err, ProgressLine.onTerminal());
        long start = System.nanoTime();
        try (Store from = Connection.open(server, false, err);
             Store target = server.metaPool() == null ? Stores.memcached(newPool, server.timeout())
                     : Stores.memcached(server.metaPool(), newPool, Keys::isContent, server.timeout())) {
            Rebalance rebalance = Rebalance.of(from, target, Keys.of(namespace));
            if (finish) {
                long deleted = rebalance.finish(line -> progress.update("memfis: " + line));
                progress.clear();
                err.println("memfis: deleted " + deleted + " old copies of " + namespace + "'s keys");
                return Cli.OK;
            }
            Rebalance.Result r = dryRun ? rebalance.dryRun(line -> progress.update("memfis: " + line))
                    : rebalance.run(line -> progress.update("memfis: " + line));
            progress.clear();
            for (Rebalance.Move m : r.moves()) {
                out.println(m.from() + " -> " + m.to() + ": " + m.keys() + " keys, " + ProgressBar.bytes(m.bytes()));
            }
            out.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf("memfis: %s %d of %d keys (%s) in %.1f s%s%n", dryRun ? "would move" : "moved", r.moved(), r.keys(),
                    ProgressBar.bytes(r.bytes()), seconds, dryRun ? "" : "; now reload nginx with: memfis nginx-config -n "
                            + namespace + " -s " + newPool.spec() + " --hash " + newPool.hash()
                            + " ...; then run this again with --finish");
            err.flush();
            return Cli.OK;
        } catch (ToolException e) {
            progress.clear();
            throw new CliException(Cli.FAILED, e.getMessage(), e);
        }
    }
}
