/**
 * The jnr-fuse adapter: each operation translates its arguments, calls {@code fs.MemFs}, and
 * answers through one wrapper that turns whatever happens into an errno (nothing is thrown
 * back into native code) and counts the operation. Also what only a FUSE mount needs: the
 * flags libfuse must be told, a model of the kernel's per-name attribute cache
 * ({@code KernelView}: what this mount last told the kernel of each name, so that an open of
 * a file changed meanwhile bypasses the kernel's pages with direct I/O) and how to
 * invalidate it, the mount's lifetime, libfuse's loop run on JVM threads
 * ({@code JvmThreadsLoop}) and its operation counters. It holds no filesystem
 * logic and knows nothing of memcached or of the key layout.
 */
package io.memfis.fuse;
