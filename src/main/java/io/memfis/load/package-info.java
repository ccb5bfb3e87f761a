/**
 * A local tree into a namespace without FUSE, through {@code fs.MemFs}: {@code memfis load}
 * (with {@code --delete}, {@code --dry-run}) and {@code memfis sync}, which watches the tree
 * and loads what changed in batches. It leaves the keys {@code cp -a} through a mount would
 * leave; it builds no key and knows nothing of FUSE or of memcached's protocol.
 */
package io.memfis.load;
