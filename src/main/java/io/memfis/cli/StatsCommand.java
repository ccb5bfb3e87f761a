package io.memfis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.memfis.fuse.MountTable;
import io.memfis.stats.Sample;
import io.memfis.stats.StatsClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code memfis stats MOUNTPOINT}: what a mount is doing, once a second. */
@Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Shows what a mount does, once a second until interrupted: FUSE operations per second with "
                + "mean and worst latency, memcached requests, errors and timeouts, bytes, open files, cache hits.")
final class StatsCommand implements Callable<Integer> {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "a memfis mount")
    Path mountPoint;

    @Option(names = "--once", description = "print one sample (over one second) and exit")
    boolean once;

    @Option(names = "--json", description = "one JSON object per line instead of text")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Path mp = mountPoint.toAbsolutePath().normalize();
        if (!MountTable.isMemfis(mp)) {
            throw new CliException(Cli.FAILED, "no memfis mount at " + mp);
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonNode before = fetch(mp);
        while (true) {
            Thread.sleep(1000);
            JsonNode after = fetch(mp);
            Sample s = Sample.between(before, after, Instant.now());
            out.print(json ? s.toJsonLine() + "\n" : text(s.json()));
            out.flush();
            if (once) {
                return Cli.OK;
            }
            before = after;
        }
    }

    private static JsonNode fetch(Path mp) {
        try {
            return StatsClient.fetch(mp);
        } catch (IOException e) {
            throw new CliException(Cli.FAILED, e.getMessage(), e);
        }
    }

    /** A block of lines: a heading, one line per operation that ever ran, then the rest. */
    static String text(JsonNode s) {
        StringBuilder out = new StringBuilder();
        out.append(CLOCK.format(Instant.parse(s.path("time").asText()))).append("  ")
                .append(s.path("mount").asText()).append("  ").append(s.path("source").asText()).append('\n');
        out.append(String.format(Locale.ROOT, "  %-12s %9s %10s %10s %7s %12s%n", "operation", "per s", "mean", "worst",
                "errors", "total"));
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("ops").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode o = e.getValue();
            out.append(String.format(Locale.ROOT, "  %-12s %9.1f %7.1f µs %7.1f µs %7d %12d%n", e.getKey(),
                    o.path("per_s").asDouble(), o.path("mean_us").asDouble(), o.path("worst_us").asDouble(),
                    o.path("errors").asLong(), o.path("total").asLong()));
        }
        JsonNode m = s.path("memcached");
        out.append(String.format(Locale.ROOT, "  memcached %.1f requests/s (%d in all), %d errors, %d timeouts%n",
                m.path("requests_per_s").asDouble(), m.path("requests").asLong(), m.path("errors").asLong(),
                m.path("timeouts").asLong()));
        out.append(String.format(Locale.ROOT, "  read %s/s, written %s/s (%s, %s in all); open files %d%n",
                ProgressBar.bytes(s.path("bytes_read_per_s").asLong()), ProgressBar.bytes(s.path("bytes_written_per_s").asLong()),
                ProgressBar.bytes(s.path("bytes_read").asLong()), ProgressBar.bytes(s.path("bytes_written").asLong()),
                s.path("open_files").asLong()));
        JsonNode c = s.path("cache");
        out.append(String.format(Locale.ROOT, "  cache: names %d hits, %d misses; hard links %d hits, %d misses; "
                        + "pages kept at open %d, dropped %d%n",
                c.path("names").path("hits").asLong(), c.path("names").path("misses").asLong(),
                c.path("links").path("hits").asLong(), c.path("links").path("misses").asLong(),
                c.path("pages").path("kept").asLong(), c.path("pages").path("dropped").asLong()));
        return out.toString();
    }
}
