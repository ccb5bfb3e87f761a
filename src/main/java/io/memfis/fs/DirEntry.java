package io.memfis.fs;

import io.memfis.layout.Attributes;

/**
 * One name of a directory listing.
 *
 * @param attributes null when the name's record is missing (reported in the log)
 */
public record DirEntry(String name, Attributes attributes) {
}
