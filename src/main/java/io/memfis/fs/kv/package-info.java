/**
 * The typed store layer: values through their codecs ({@code Codec}), with the token of
 * their next compare-and-swap ({@code Versioned}), the compare-and-swap retry loop every
 * read-modify-write of a shared value goes through (waited for, or started as a future whose
 * retries run on threads of its own, never the store's), and store failures turned into
 * errnos ({@code FsException}). The filesystem and the tools reach memcached through it
 * ({@code Kv}); only what is no value (per-server reads, fences, reconnections of the
 * pool) uses {@code store.Store} directly. It knows keys only as strings: no paths, no
 * layout, no filesystem state.
 */
package io.memfis.fs.kv;
