/**
 * The metadata of a namespace: the tree of names ({@code Tree}, {@code NewNames}), path
 * records and the nodes of hard-linked files through a short cache ({@code Catalog}),
 * directory listings ({@code Listings}, {@code ReaddirAhead}), extended attributes,
 * inode numbers, the namespace's format marker and pool record ({@code Namespace},
 * {@code PoolRecord}). It reads and writes no file content and knows no open file: what
 * the tree needs of them (attributes with unsaved changes, saving before a copy, deleting
 * a removed file's parts) it asks through {@code Content}, which the facade implements.
 */
package io.memfis.fs.meta;
