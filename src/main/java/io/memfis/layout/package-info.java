/**
 * The contract with nginx and with every other mount: the keys ({@code Keys} builds them,
 * reads them back as a {@code ParsedKey}, and holds nginx's escaping and its inverse; no
 * other class builds or parses a key), the JSON of records, nodes and the format marker,
 * the part ranges of sparse files and the gzip flag of compressed content. Pure functions
 * and values: it does no I/O and knows neither the store nor the filesystem's logic.
 */
package io.memfis.layout;
