/**
 * A small asynchronous key-value interface ({@code Store}) with memcached's semantics (get,
 * gets/cas, add, set with flags, incr, delete), and its implementations: memcached through
 * spymemcached with a raw-bytes transcoder and nginx's key placement (plain or consistent
 * hash, per-server fences), metadata and content on separate pools, and memory for tests.
 * It knows nothing of paths, files or the key layout: of the keys it only undoes nginx's
 * escaping ({@code layout.Keys#unescape}), as nginx hashes a key before escaping it.
 */
package io.memfis.store;
