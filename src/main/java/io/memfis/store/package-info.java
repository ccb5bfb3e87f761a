/**
 * A small asynchronous key-value interface ({@code Store}) with memcached's semantics (get,
 * gets/cas, add, set with flags, incr, delete), and its implementations: memcached through
 * spymemcached with a raw-bytes transcoder and nginx's key placement (plain or consistent
 * hash, per-server fences), metadata and content on separate pools, memcached's text
 * protocol through a proxy that places keys itself (twemproxy; writes tell no CAS token),
 * and memory for tests.
 * It knows nothing of paths, files or the key layout.
 */
package io.memfis.store;
