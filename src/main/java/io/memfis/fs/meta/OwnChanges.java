package io.memfis.fs.meta;

/**
 * The one way this mount's own changes reach its caches of metadata: the records and nodes
 * ({@link Catalog}), the names known per directory ({@link Listings}) and the listings read
 * ahead ({@link ReaddirAhead}). Each of them also expires what it holds by the ticker of the
 * options; this is for what must not wait for that: a name this mount removed, replaced or
 * failed to make, a directory it removed or renamed.
 */
public final class OwnChanges {

    private final Catalog catalog;
    private final Listings listings;
    private final ReaddirAhead ahead;

    public OwnChanges(Catalog catalog, Listings listings, ReaddirAhead ahead) {
        this.catalog = catalog;
        this.listings = listings;
        this.ahead = ahead;
    }

    /** The record of {@code path} changed in a way the cache cannot follow: read it afresh next time. */
    void nameChanged(String path) {
        catalog.forget(path);
    }

    /** {@code dir} and everything below it was removed or renamed: nothing cached of it holds. */
    void treeChanged(String dir) {
        catalog.forgetTree(dir);
        listings.forgetTree(dir);
        ahead.forgetTree(dir);
    }
}
