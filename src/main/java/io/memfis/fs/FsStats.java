package io.memfis.fs;

/** What {@code statfs} reports: memcached's memory as blocks, inodes from the namespace's counters. */
public record FsStats(long blockSize, long blocks, long blocksFree, long files, long filesFree, long nameMax) {
}
