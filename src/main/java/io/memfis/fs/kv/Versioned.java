package io.memfis.fs.kv;

/** A value read from the store with the token its next compare-and-swap must present. */
public record Versioned<T>(T value, long token) {
}
