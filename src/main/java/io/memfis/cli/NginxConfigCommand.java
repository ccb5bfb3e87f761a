package io.memfis.cli;

import io.memfis.nginx.NginxConfig;
import io.memfis.store.Hash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code memfis nginx-config}: prints the nginx configuration that serves a namespace from memcached. */
@Command(name = "nginx-config", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Prints the nginx configuration that serves a namespace straight from memcached: an upstream"
                + " block of the servers and a server block, to include in nginx's http block.",
                "Misses, refused keys and a down memcached go to the fallback: the site on disk or an application."})
final class NginxConfigCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAME",
            description = "the namespace to serve (default: this host's name in lower case)")
    String namespace;

    @Option(names = {"-s", "--servers"}, paramLabel = "HOST:PORT[:WEIGHT][,...]", defaultValue = ServerOptions.DEFAULT_SERVERS,
            description = "memcached servers, in the order memfis has them, with their weights (default: ${DEFAULT-VALUE})")
    String servers;

    @Option(names = "--proxy", paramLabel = "HOST:PORT",
            description = "the twemproxy (nutcracker) memfis goes through (its --proxy): the upstream is the proxy alone")
    String proxy;

    @Option(names = "--hash", paramLabel = "consistent|modulo", defaultValue = "modulo",
            description = "the hash memfis spreads keys with (--hash of the mount; default: ${DEFAULT-VALUE})")
    String hash;

    @Option(names = "--listen", paramLabel = "[ADDRESS:]PORT", defaultValue = NginxConfig.DEFAULT_LISTEN,
            description = "where nginx listens (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--server-name", paramLabel = "NAME[,NAME...]", split = ",",
            description = "the site's host names (default: the namespace)")
    List<String> serverNames = new ArrayList<>();

    @Option(names = "--fallback-root", paramLabel = "DIR",
            description = "serve what memcached cannot from this directory: the site memfis was loaded from")
    Path fallbackRoot;

    @Option(names = "--fallback-url", paramLabel = "URL",
            description = "pass what memcached cannot serve to this application: http://HOST[:PORT]")
    String fallbackUrl;

    @Override
    public Integer call() {
        String ns = namespace != null ? namespace : ServerOptions.defaultNamespace();
        if (proxy != null && spec.commandLine().getParseResult().hasMatchedOption("-s")) {
            throw new CliException(Cli.USAGE, "--proxy and -s both name the upstream: give one");
        }
        NginxConfig config = proxy != null
                ? NginxConfig.of(ns, proxy, listen, serverNames, fallbackRoot, fallbackUrl).throughProxy()
                : NginxConfig.of(ns, servers, listen, serverNames, fallbackRoot, fallbackUrl).withHash(Hash.parse(hash));
        PrintWriter out = spec.commandLine().getOut();
        out.print(config.render());
        out.flush();
        return Cli.OK;
    }
}
