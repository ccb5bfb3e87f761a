package io.memfis.nginx;

import io.memfis.testing.NginxTag;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Nginx;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code memfis nginx-config}: what it prints, that nginx takes it, and the files shipped in nginx/. */
@NginxTag
class NginxConfigTest {

    private static final Path SHIPPED = Path.of("nginx");
    private static final String MADE_BY = "# Made by: ";

    /** Each shipped file names the command that made it; run it again and compare. */
    @Test
    void theShippedFilesAreWhatNginxConfigPrints() throws IOException {
        List<Path> files = shippedFiles();
        assertEquals(4, files.size(), "nginx/ holds four examples: " + files);
        assertAll(files.stream().map(file -> () -> {
            String shipped = Files.readString(file);
            String command = shipped.lines().filter(l -> l.startsWith(MADE_BY)).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " has no '" + MADE_BY + "' line"))
                    .substring(MADE_BY.length());
            List<String> words = shellWords(command);
            assertEquals(List.of("memfis", "nginx-config"), words.subList(0, 2), command);
            Shell.Result r = MemfisCli.inProcess(words.subList(1, words.size()).toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertEquals(shipped, r.out(), file + " is not what its command prints now: run bin/" + command + " > " + file);
        }));
    }

    /** A subcommand beside the default mount command: its help needs no MOUNTPOINT. */
    @Test
    void theCommandsTellWhatTheyDo() {
        for (String command : List.of("nginx-config", "nginx-check")) {
            Shell.Result help = MemfisCli.inProcess(command, "--help");
            assertEquals(0, help.exit(), help.err());
            assertTrue(help.out().startsWith("Usage: memfis " + command), help.out());
        }
    }

    /** All four at once, as four sites of one nginx: their upstream names differ. */
    @Test
    void nginxAcceptsTheShippedFilesIncludedInItsHttpBlock() throws IOException {
        StringBuilder http = new StringBuilder();
        for (Path file : shippedFiles()) {
            http.append("include ").append(file.toAbsolutePath()).append(";\n");
        }
        String said = Nginx.check(http.toString());
        assertFalse(said.contains("[warn]"), said);
    }

    @Test
    void nginxAcceptsEveryVariant(@TempDir Path dir) throws IOException {
        Path spaced = Files.createDirectory(dir.resolve("my site (copy)"));
        List<String[]> variants = List.of(
                new String[]{"-n", "plain"},
                new String[]{"-n", "disk", "--fallback-root", spaced.toString(), "--listen", "127.0.0.1:8080"},
                new String[]{"-n", "app", "-s", "[::1]:11211,127.0.0.1:11212", "--listen", "[::1]:8081",
                        "--fallback-url", "https://localhost:8443/", "--server-name", "*.example.org,example.org"});
        for (String[] options : variants) {
            Shell.Result r = config(options);
            assertEquals(0, r.exit(), r.err());
            String said = Nginx.check(r.out());
            assertFalse(said.contains("[warn]"), said);
        }
    }

    @Test
    void severalServersMakeAHashedUpstreamInMemfisOrderWrittenAsAddresses() {
        String out = config("-n", "site", "-s", "10.0.0.2:11211,localhost:11300,[::1]").out();
        assertTrue(out.contains("""
                upstream memfis_site {
                    hash $memcached_key;
                    server 10.0.0.2:11211;
                    server 127.0.0.1:11300;
                    server [0:0:0:0:0:0:0:1]:11211;
                    keepalive 16;
                }
                """), out);
        assertTrue(out.contains("memcached_pass memfis_site;"), out);
    }

    @Test
    void defaultsAreTheMountsAndAnOrdinarySite() {
        String out = config("-n", "www.example.org").out();
        assertTrue(out.contains("    server 127.0.0.1:11211;\n"), out);
        assertTrue(out.contains("    listen 80;\n    server_name www.example.org;\n"), out);
        assertTrue(out.contains("set $memcached_key \"memfis://www.example.org$uri\";"), out);
        assertTrue(out.contains("set $memcached_key \"memfis://www.example.org${uri}index.html\";"), out);
        assertFalse(out.contains("error_page"), "without a fallback nginx's own pages answer: " + out);
    }

    @Test
    void aRootThatNeedsQuotesIsQuotedInTheConfigurationAndInTheCommand(@TempDir Path dir) {
        String root = dir.resolve("it's a site").toString();
        String out = config("-n", "q", "--fallback-root", root).out();
        assertTrue(out.contains("        root \"" + root + "\";\n"), out);
        String command = out.lines().filter(l -> l.startsWith(MADE_BY)).findFirst().orElseThrow();
        assertTrue(command.endsWith(" --fallback-root '" + root.replace("'", "'\\''") + "'"), command);
        assertEquals(root, shellWords(command).get(shellWords(command).size() - 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "-n|bad name",
            "-n|x|--fallback-root|/srv/site|--fallback-url|http://127.0.0.1:8080",
            "-n|x|--fallback-url|http://127.0.0.1:8080/app",
            "-n|x|--fallback-url|ftp://127.0.0.1",
            "-n|x|--fallback-url|http://127.0.0.1:8080/?q=1",
            "-n|x|--fallback-root|/srv/$site",
            "-n|x|--listen|99999",
            "-n|x|--listen|here is:80",
            "-n|x|--server-name|a.org;b.org",
            "-n|x|-s|127.0.0.1:0"})
    void optionsNginxCouldNotTakeAreUsageErrors(String args) {
        Shell.Result r = config(args.split("\\|"));
        assertEquals(2, r.exit(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("memfis: ") && r.err().lines().count() == 1, r.err());
    }

    private static Shell.Result config(String... options) {
        List<String> args = new ArrayList<>(List.of("nginx-config"));
        args.addAll(Arrays.asList(options));
        return MemfisCli.inProcess(args.toArray(String[]::new));
    }

    private static List<Path> shippedFiles() throws IOException {
        try (Stream<Path> files = Files.list(SHIPPED)) {
            return files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
    }

    /** Words as a shell splits them, for the quoting {@code NginxConfig.command} writes: '...' and \'. */
    private static List<String> shellWords(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        boolean escaped = false;
        for (char c : command.toCharArray()) {
            if (escaped) {
                word.append(c);
                escaped = false;
            } else if (c == '\\' && !quoted) {
                word = word == null ? new StringBuilder() : word;
                escaped = true;
            } else if (c == '\'') {
                quoted = !quoted;
                word = word == null ? new StringBuilder() : word;
            } else if (c == ' ' && !quoted) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
