/**
 * The tools that read a namespace as memcached holds it, through the key layout rather
 * than the filesystem: check and repair, export, what nginx can reach, where a path's keys
 * live, and rebalance onto another server list. They use {@code store.Store} and
 * {@code layout}; they know nothing of FUSE.
 */
package io.memfis.tools;
