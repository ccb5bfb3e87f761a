package io.memfis.nginx;

import io.memfis.layout.Keys;
import io.memfis.store.Hash;
import io.memfis.store.ServerPool;
import io.memfis.store.Stores;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The nginx configuration that serves a namespace from memcached: an {@code upstream}
 * block of the memcached servers and a {@code server} block, both for an {@code http}
 * block. Every choice it makes is explained in its comments, which are the documentation
 * users read; {@code nginx/} in the repository holds it for documented example options.
 */
public final class NginxConfig {

    public static final String DEFAULT_LISTEN = "80";

    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern LISTEN_ADDRESS = Pattern.compile("\\*|[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9_*-][A-Za-z0-9._*-]*");
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9/._+,:@=~%-]+");

    private final String namespace;
    private final String servers;
    private final ServerPool pool;
    private final String listen;
    private final List<String> serverNames;
    private final Path fallbackRoot;
    private final String fallbackUrl;
    /** Whether {@link #servers} is one twemproxy that places the keys (memfis --proxy). */
    private final boolean proxied;

    private NginxConfig(String namespace, String servers, ServerPool pool, String listen,
                        List<String> serverNames, Path fallbackRoot, String fallbackUrl, boolean proxied) {
        this.proxied = proxied;
        this.namespace = namespace;
        this.servers = servers;
        this.pool = pool;
        this.listen = listen;
        this.serverNames = serverNames;
        this.fallbackRoot = fallbackRoot;
        this.fallbackUrl = fallbackUrl;
    }

    /**
     * The configuration for these options, checked.
     *
     * @param servers      memcached servers as memfis takes them ({@code HOST:PORT,...}), in memfis's order
     * @param listen       {@code PORT} or {@code ADDRESS:PORT}
     * @param serverNames  host names of the site; none: the namespace
     * @param fallbackRoot the site on disk, for what memcached cannot answer (or null)
     * @param fallbackUrl  an application for what memcached cannot answer: {@code http[s]://HOST[:PORT]} (or null)
     * @throws IllegalArgumentException for an option that nginx could not take, saying which
     */
    public static NginxConfig of(String namespace, String servers, String listen, List<String> serverNames,
                                 Path fallbackRoot, String fallbackUrl) {
        Keys.of(namespace);
        ServerPool pool = Stores.parsePool(servers, Hash.MODULO);
        checkListen(listen);
        List<String> names = serverNames.isEmpty() ? List.of(namespace) : List.copyOf(serverNames);
        for (String name : names) {
            if (!SERVER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid server name '" + name
                        + "': use letters, digits, '.', '-', '_' and '*' wildcards");
            }
        }
        if (fallbackRoot != null && fallbackUrl != null) {
            throw new IllegalArgumentException("give either a fallback root or a fallback URL, not both");
        }
        Path root = null;
        if (fallbackRoot != null) {
            root = fallbackRoot.toAbsolutePath().normalize();
            quote(root.toString());
        }
        return new NginxConfig(namespace, servers.strip(), pool, listen, names, root,
                fallbackUrl == null ? null : proxyTarget(fallbackUrl), false);
    }

    /** The same configuration with keys spread by {@code hash}, as memfis --hash spreads them. */
    public NginxConfig withHash(Hash hash) {
        return new NginxConfig(namespace, servers, new ServerPool(pool.servers(), hash), listen, serverNames,
                fallbackRoot, fallbackUrl, proxied);
    }

    /**
     * The same configuration with its one server a twemproxy (memfis --proxy): the proxy
     * places each key for nginx as it does for memfis, so the upstream has no hash.
     *
     * @throws IllegalArgumentException when more than one server was given
     */
    public NginxConfig throughProxy() {
        if (pool.servers().size() != 1) {
            throw new IllegalArgumentException("--proxy is one HOST:PORT: " + servers);
        }
        return new NginxConfig(namespace, servers, pool, listen, serverNames, fallbackRoot, fallbackUrl, true);
    }

    /** The command that prints this configuration, every option written out. */
    public String command() {
        List<String> args = new ArrayList<>(List.of("memfis", "nginx-config", "-n", namespace, where(), servers));
        if (pool.hash() != Hash.MODULO) {
            args.addAll(List.of("--hash", pool.hash().toString()));
        }
        args.addAll(List.of("--listen", listen, "--server-name", String.join(",", serverNames)));
        if (fallbackRoot != null) {
            args.addAll(List.of("--fallback-root", fallbackRoot.toString()));
        }
        if (fallbackUrl != null) {
            args.addAll(List.of("--fallback-url", fallbackUrl));
        }
        StringBuilder out = new StringBuilder();
        for (String a : args) {
            out.append(out.length() == 0 ? "" : " ").append(shellWord(a));
        }
        return out.toString();
    }

    /** The configuration text. */
    public String render() {
        String upstream = "memfis_" + namespace;
        String key = Keys.of(namespace).prefix();
        StringBuilder serverLines = new StringBuilder();
        for (ServerPool.Server s : pool.servers()) {
            serverLines.append("    server ").append(s.name()).append(s.weight() == 1 ? "" : " weight=" + s.weight())
                    .append(";\n");
        }
        String text = HEADER + (proxied ? PROXY_UPSTREAM : UPSTREAM) + SERVER + (fallbackRoot != null ? DISK_FALLBACK
                : fallbackUrl != null ? APP_FALLBACK : NO_FALLBACK) + "}\n";
        return text.replace("{COMMAND}", command())
                .replace("{CHECK}", "memfis nginx-check -n " + namespace + " " + where() + " " + shellWord(this.servers)
                        + (pool.hash() == Hash.MODULO ? "" : " --hash " + pool.hash()))
                .replace("{HASH}", pool.hash() == Hash.CONSISTENT ? " consistent" : "")
                .replace("{NAMESPACE}", namespace)
                .replace("{UPSTREAM}", upstream)
                .replace("{SERVERS}\n", serverLines.toString())
                .replace("{LISTEN}", listen)
                .replace("{SERVER_NAMES}", String.join(" ", serverNames))
                .replace("{ERROR_PAGE}", fallbackRoot == null && fallbackUrl == null ? "" : ERROR_PAGE)
                .replace("{KEY}", key)
                .replace("{ROOT}", fallbackRoot == null ? "" : quote(fallbackRoot.toString()))
                .replace("{URL}", fallbackUrl == null ? "" : fallbackUrl);
    }

    /** The option that names {@link #servers}. */
    private String where() {
        return proxied ? "--proxy" : "-s";
    }

    private static void checkListen(String listen) {
        int colon = listen.lastIndexOf(':');
        String port = colon < 0 ? listen : listen.substring(colon + 1);
        boolean ok = PORT.matcher(port).matches() && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535
                && (colon < 0 || LISTEN_ADDRESS.matcher(listen.substring(0, colon)).matches());
        if (!ok) {
            throw new IllegalArgumentException("invalid --listen '" + listen + "': give PORT or ADDRESS:PORT");
        }
    }

    /** {@code scheme://host[:port]}: nginx takes no path in a named location's proxy_pass. */
    private static String proxyTarget(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid fallback URL '" + url + "': " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("invalid fallback URL '" + url
                    + "': give http://HOST[:PORT] or https://HOST[:PORT], without a path (the request's own is passed on)");
        }
        return scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** A value as nginx reads it: bare, or in double quotes; what nginx would change ($, \, ") is refused. */
    static String quote(String value) {
        if (BARE.matcher(value).matches()) {
            return value;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '$') {
                throw new IllegalArgumentException("'" + value + "' cannot be written in an nginx configuration"
                        + " (it holds a control character, '\"', '\\' or '$')");
            }
        }
        return '"' + value + '"';
    }

    /** {@code value} as one word for a POSIX shell. */
    private static String shellWord(String value) {
        return BARE.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    private static final String HEADER = """
            # nginx serves the memfis namespace "{NAMESPACE}" straight from memcached.
            # Made by: {COMMAND}
            #
            # Include this file in the http { } block of nginx.conf (Debian: save it as
            # /etc/nginx/conf.d/{NAMESPACE}.conf), then: nginx -t && nginx -s reload
            # What nginx cannot serve from memcached, and the fallback must, is listed by:
            #   {CHECK}

            """;

    private static final String UPSTREAM = """
            # The memcached servers, in the order memfis has them (-s), with its weights and hash
            # (--hash). With several servers memfis stores each key on the one that this "hash"
            # line picks (plain: CRC32 modulo the weights, in this order; consistent: a ring of 160
            # points per unit of weight, placed by each server's address as written here), so keep
            # the two lists the same, written as addresses. keepalive reuses connections to memcached.
            upstream {UPSTREAM} {
                hash $memcached_key{HASH};
            {SERVERS}
                keepalive 16;
            }

            """;

    private static final String PROXY_UPSTREAM = """
            # The twemproxy (nutcracker) that memfis goes through (--proxy): it places each key on
            # one of the memcached servers of its yml, for nginx as for memfis, so nginx has no hash
            # here. Never point nginx at those servers themselves while memfis goes through the
            # proxy: the proxy hashes the key as sent (escaped: a%20b.html), nginx the unescaped one
            # (a b.html). keepalive reuses connections to the proxy.
            upstream {UPSTREAM} {
            {SERVERS}
                keepalive 16;
            }

            """;

    private static final String SERVER = """
            server {
                listen {LISTEN};
                server_name {SERVER_NAMES};

                # Content-Type by the URI's extension, from the types map of the http block, the one
                # nginx uses for files on disk: a stock nginx.conf includes mime.types there (if yours
                # does not, add "include /etc/nginx/mime.types;" to it, not here, where a relative path
                # depends on nginx's -p and -c). A name without a known extension is sent as bytes.
                default_type application/octet-stream;

                # Redirects name the path only (Location: /docs/), right behind a proxy too.
                absolute_redirect off;

                # A slow or dead memcached is given up on quickly. nginx sends memcached's answer on
                # as it arrives, one buffer at a time: 64k takes a large file in fewer steps than
                # the default 4k, and each request in flight holds one.
                memcached_connect_timeout 1s;
                memcached_send_timeout 2s;
                memcached_read_timeout 2s;
                memcached_buffer_size 64k;

                # Files memfis stored gzip-compressed (memfis --gzip: text files that shrink by a
                # tenth) carry flag 2 in memcached. memcached_gzip_flag sends those as they are, with
                # Content-Encoding: gzip; a client that does not accept gzip gets them decompressed
                # by gunzip (then without Content-Length, and a Range request gets the whole file:
                # only a client that accepts gzip gets ranges, of the compressed bytes). gzip_vary
                # adds Vary: Accept-Encoding, so that caches keep the two answers apart. Files
                # stored plain are sent as stored; nginx's own gzip leaves compressed ones alone.
                memcached_gzip_flag 2;
                gunzip on;
                gzip_vary on;
            {ERROR_PAGE}
                # A file. Its key is "memfis://" + namespace + the URI's path as nginx decodes and
                # normalises it ($uri: no query string, %XX decoded, no "//" or ".."); memcached_pass
                # escapes space, "%" and control characters in the key exactly as memfis did when it
                # stored the file, so /a%20b.html finds the file "a b.html".
                #
                # memcached gives nginx the bytes only: no Last-Modified, no ETag. A browser cannot
                # ask whether its copy changed (If-Modified-Since, If-None-Match), it can only keep
                # it for a while or fetch it whole again. "expires 5m" lets it keep a copy for five
                # minutes (Cache-Control: max-age=300): nginx serves a change made through memfis at
                # once, a browser that has the old copy shows it within five minutes. Give longer
                # to files whose names change with their content; "expires off" gives no lifetime.
                location / {
                    set $memcached_key "{KEY}$uri";
                    memcached_pass {UPSTREAM};
                    expires 5m;
                }

                # A directory URI (/docs/, and / itself) is the directory's index.html, as text/html.
                # No directory listing is ever sent: memfis keeps listings under keys no URI maps
                # to. This regular expression location comes before prefix locations: write locations
                # of your own as "location ^~ /path/" so that it does not take their directory URIs.
                location ~ /$ {
                    set $memcached_key "{KEY}${uri}index.html";
                    memcached_pass {UPSTREAM};
                    expires 5m;
                    default_type text/html;
                }

                # Several sites in one memcached: each has a namespace of its own (memfis -n) and a
                # server block like this one. Or one server block serves every site whose namespace
                # is its host name: write "memfis://$host$uri" and "memfis://$host${uri}index.html"
                # above and list the names in server_name. $host comes from the client (the Host
                # header, lower-cased, without the port): any client can then read any namespace on
                # these memcached servers by sending its name, so do it only when all may be public.
            """;

    private static final String ERROR_PAGE = """

                # What memcached does not answer goes to the fallback, which gives the status:
                #   404  no such key: a missing file; a file larger than one memcached item (memfis
                #        stores it in parts); a symlink (memfis stores no content for it); a
                #        directory without its trailing slash (/docs)
                #   405  a method other than GET and HEAD
                #   502  memcached refused the key (over 250 bytes: memfis hashes such keys) or is down
                #   504  memcached did not answer in time
                error_page 404 405 502 504 = @fallback;
            """;

    private static final String DISK_FALLBACK = """

                # The fallback: the site on disk, the directory memfis was loaded from, which holds
                # what memcached cannot serve. nginx follows symlinks there, sends Last-Modified and
                # ETag, and redirects a directory without its slash (/docs) to /docs/ (301).
                location @fallback {
                    root {ROOT};
                    # a directory URI: its index.html, never a listing
                    rewrite ^(.*/)$ $1index.html break;
                }
            """;

    private static final String APP_FALLBACK = """

                # The fallback: an application, which gets the request as the client sent it
                # (method, URI with its query string, body). It also answers a directory without
                # its slash (/docs): redirect to /docs/ there if the site needs it.
                location @fallback {
                    proxy_pass {URL};
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                }
            """;

    private static final String NO_FALLBACK = """

                # No fallback (memfis nginx-config --fallback-root or --fallback-url): what memcached
                # does not have is a 404, a refused key or a dead memcached a 502, a timeout a 504.
            """;
}
