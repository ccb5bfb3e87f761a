/**
 * The nginx configuration that serves a namespace from memcached: the upstream (plain or
 * consistent hash, weights), the locations, the gzip flag and the fallback. It builds the
 * key prefix through {@code layout.Keys}; it never talks to memcached or nginx.
 */
package io.memfis.nginx;
