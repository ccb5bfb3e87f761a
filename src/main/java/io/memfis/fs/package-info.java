/**
 * The filesystem, unaware of FUSE: {@code MemFs} is its facade and the class others call
 * (the tools also use {@code fs.kv} and {@code meta.PoolRecord}), with the public types of its API ({@code FsOptions}, {@code DirEntry},
 * {@code Created}, {@code NewEntry}, {@code FsStats}, {@code ReadBuffer}, {@code PathNames},
 * {@code OpenFlags}) and its errors ({@code Errno}, {@code FsException}, which every package
 * below uses).
 * {@code MemFs} coordinates two parts that never call each other: {@code fs.meta} (names,
 * records, listings, extended attributes, inode numbers, the namespace marker) and
 * {@code fs.data} (open files, parts, saving); where one needs the other it states it in
 * an interface of its own ({@code meta.Content}, {@code data.Records}) that {@code MemFs}
 * implements. Both reach the store only through the typed layer {@code fs.kv}, and build
 * keys only through {@code layout.Keys}. It takes Linux's open flags ({@code OpenFlags}) as
 * POSIX calls do, but must not know FUSE nor model the kernel's caches: that is
 * {@code fuse}'s, from the attributes the facade answers.
 */
package io.memfis.fs;
