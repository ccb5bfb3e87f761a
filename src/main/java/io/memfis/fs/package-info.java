/**
 * The filesystem, unaware of FUSE: {@code MemFs} is its facade and the only class others
 * call, with the public types of its API ({@code FsOptions}, {@code DirEntry},
 * {@code Created}, {@code NewEntry}, {@code FsStats}, {@code ReadBuffer}, {@code PathNames})
 * and its errors ({@code Errno}, {@code FsException}, which every package below uses).
 * {@code MemFs} coordinates two parts that never call each other: {@code fs.meta} (names,
 * records, listings, extended attributes, inode numbers, the namespace marker) and
 * {@code fs.data} (open files, parts, saving); where one needs the other it states it in
 * an interface of its own ({@code meta.Content}, {@code data.Records}) that {@code MemFs}
 * implements. Both reach the store only through the typed layer {@code fs.kv}, and build
 * keys only through {@code layout.Keys}. It must not know the kernel (flags, caches).
 */
package io.memfis.fs;
