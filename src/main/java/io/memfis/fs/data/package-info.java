/**
 * The content of files: open files and their handles ({@code FileIo}, {@code OpenFiles},
 * {@code OpenFile}), parts and whole items, plain or gzip ({@code Contents}), the
 * attribute changes an open file carries until it is saved ({@code Patch}), and the parts
 * failed writes left behind ({@code Leftovers}). It reads and writes no record and knows
 * no name but the paths it is given: what saving needs of the metadata (a file's names,
 * its attributes written along with its content) it asks through {@code Records}, which
 * the facade implements.
 */
package io.memfis.fs.data;
