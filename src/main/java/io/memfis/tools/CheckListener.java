package io.memfis.tools;

/** Receives a check's findings as they come, and the number of entries checked now and then. */
public interface CheckListener {

    void finding(Finding finding);

    default void progress(long entriesChecked) {
    }
}
