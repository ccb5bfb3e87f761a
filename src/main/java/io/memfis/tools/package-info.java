/**
 * The tools that work on a whole namespace from outside a mount. Check and repair read the
 * layout as memcached holds it (raw items through {@code store.Store}, changed only by
 * compare-and-swap) to find what the filesystem would hide: names that lead nowhere, wrong
 * counts, orphans. Where says on which server each key of a path lives, rebalance moves a
 * namespace onto another server list; export and the scan of what nginx cannot serve walk
 * the tree through {@code fs.MemFs}. Keys are built and read back only by
 * {@code layout.Keys}; they know nothing of FUSE or of memcached's protocol.
 */
package io.memfis.tools;
