package io.memfis.fs.data;

import io.memfis.layout.Attributes;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * What saving an open file needs of the metadata, supplied by the facade: this package
 * reads and writes no record itself.
 */
public interface Records {

    /** Every name of the file at {@code path} as it is now (another mount may have added one). */
    List<String> names(String path);

    /**
     * Starts applying {@code change} to the attributes of the file at {@code path} while its
     * {@code content} is being stored: both requests in flight at once; {@link Pending#finish}
     * waits for both (the content first: a failure to store it leaves the update unwaited, as
     * a crash would).
     */
    Pending update(String path, UnaryOperator<Attributes> change, CompletableFuture<Void> content);

    /** An update in flight. */
    @FunctionalInterface
    interface Pending {
        void finish();
    }
}
