package io.memfis.fs;

import io.memfis.layout.Attributes;

/**
 * What {@link MemFs#createAll} made of one entry: its attributes and, for a regular file
 * that was not made complete, the handle it is open with (write only, as create leaves it;
 * else -1); or why it failed.
 */
public record Created(Attributes attributes, long fh, FsException failure) {
}
