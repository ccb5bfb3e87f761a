package io.memfis.fs.data;

import io.memfis.layout.Attributes;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What saving an open file needs of the metadata, supplied by the facade: this package
 * reads and writes no record itself.
 */
public interface Records {

    /** Every name of the file at {@code path} as it is now (another mount may have added one). */
    List<String> names(String path);

    /**
     * Applies {@code change} to the attributes of the file at {@code path} while
     * {@code awaitContent} waits for its content to be stored: both requests in flight at
     * once, one wait for both.
     */
    void update(String path, UnaryOperator<Attributes> change, Runnable awaitContent);
}
