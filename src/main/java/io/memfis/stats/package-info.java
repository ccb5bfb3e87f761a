/**
 * A mount's live statistics: the counters it keeps (FUSE operations, memcached requests,
 * cache hits), served as one JSON object per connection on a unix socket of its own, and
 * read back by {@code memfis stats}. It knows the counters' owners (fuse, fs, store), never
 * paths or files inside the namespace: nothing of it appears on the mount or in memcached.
 */
package io.memfis.stats;
