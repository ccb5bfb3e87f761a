package io.memfis.layout;

/**
 * The format marker of a namespace. A mount refuses a namespace whose layout it does not
 * know, and takes the part and page sizes from here so that all mounts agree.
 *
 * @param layout    the layout version, {@link #CURRENT_LAYOUT} for this code
 * @param partSize  bytes per part of a file larger than one item; files up to this size are stored whole
 * @param pageBytes the size at which a directory's listing page is full and a new one is started
 */
public record FormatMarker(int layout, int partSize, int pageBytes) {

    public static final int CURRENT_LAYOUT = 1;

    /** The size at which a listing page is full, unless items are too small for it. */
    public static final int DEFAULT_PAGE_BYTES = 16 * 1024;

    /** The marker of a new namespace on servers whose items hold {@code maxValueSize} bytes. */
    public static FormatMarker forItems(int maxValueSize) {
        return new FormatMarker(CURRENT_LAYOUT, maxValueSize, Math.min(DEFAULT_PAGE_BYTES, maxValueSize / 2));
    }
}
