/**
 * A small asynchronous key-value interface ({@code Store}) with memcached's semantics (get,
 * gets/cas, add, set with flags, incr, delete), and its implementations: memcached through
 * spymemcached with a raw-bytes transcoder and nginx's key placement (plain or consistent
 * hash, per-server fences), metadata and content on separate pools (which keys hold
 * content, the caller tells it), memcached's text protocol through a proxy that places keys
 * itself (twemproxy; writes tell no CAS token), and one in memory (tests, the class data
 * training run). It knows nothing of paths, files or the key layout: of a key it only undoes
 * nginx's escaping ({@code layout.Keys#unescape}), since nginx hashes a key before it escapes it.
 */
package io.memfis.store;
