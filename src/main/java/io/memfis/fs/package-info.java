/**
 * The filesystem, unaware of FUSE: {@code MemFs} is its facade, with names and records
 * ({@code Tree}, {@code Catalog}, {@code Listings}, {@code NewNames}), content and open files
 * ({@code Files}, {@code OpenFile}, {@code Contents}), the namespace's marker and pool record,
 * and the typed access to the store with its compare-and-swap loops ({@code Kv}). Errors
 * leave it as {@code FsException} with an errno. It reaches memcached only through
 * {@code store.Store} and builds keys only through {@code layout.Keys}.
 */
package io.memfis.fs;
