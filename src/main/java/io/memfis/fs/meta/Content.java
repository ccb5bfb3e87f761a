package io.memfis.fs.meta;

import io.memfis.layout.Attributes;

/**
 * What the tree needs of files' content and of the files open in this mount, supplied by
 * the facade: this package reads and writes no content itself.
 */
public interface Content {

    /** The attributes to show for a file: {@code stored} with the unsaved changes of its open file. */
    Attributes shown(Attributes stored);

    /** Saves file {@code ino} (at {@code path}) if it is open here with unsaved changes: before its keys are copied. */
    void saveIfOpen(long ino, String path);

    /** Deletes the parts of a file whose last name is gone (at its last release when it is open here). */
    void deleteParts(Attributes removed);

    /** Copies the content item of {@code from} to {@code to}, if it has one (a file stored whole compressed). */
    void copyWhole(String from, String to);
}
