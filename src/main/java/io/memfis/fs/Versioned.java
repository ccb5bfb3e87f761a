package io.memfis.fs;

/** A value read from the store with the token its next compare-and-swap must present. */
record Versioned<T>(T value, long token) {
}
