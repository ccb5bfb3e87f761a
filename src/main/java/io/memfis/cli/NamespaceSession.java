package io.memfis.cli;

import io.memfis.fs.FsException;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.store.Store;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * A tool's connection to an existing namespace, without FUSE: the store and a filesystem
 * over it that never formats (a tool must not create a namespace by accident).
 */
final class NamespaceSession implements AutoCloseable {

    final Store store;
    final MemFs fs;
    final String namespace;

    private NamespaceSession(Store store, MemFs fs, String namespace) {
        this.store = store;
        this.fs = fs;
        this.namespace = namespace;
    }

    /**
     * Opens the namespace of {@code options}.
     *
     * @param mayFormat whether an empty namespace may be formatted (load: yes; check, export: no)
     */
    static NamespaceSession open(ServerOptions options, boolean mayFormat, PrintWriter err) {
        return open(options, mayFormat, new ContentOptions(), err);
    }

    /** Opens the namespace of {@code options} for a tool that writes content as {@code content} says. */
    static NamespaceSession open(ServerOptions options, boolean mayFormat, ContentOptions content, PrintWriter err) {
        String namespace = options.namespace();
        Store store = Connection.open(options, false, err);
        try {
            MemFs fs = MemFs.open(store, FsOptions.defaults(namespace).withMayFormat(mayFormat)
                    .withHealthInterval(Duration.ZERO).withGzip(content.gzip));
            return new NamespaceSession(store, fs, namespace);
        } catch (FsException e) {
            store.close();
            throw new CliException(Cli.FAILED, e.getMessage(), e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            fs.close();
        } finally {
            store.close();
        }
    }
}
