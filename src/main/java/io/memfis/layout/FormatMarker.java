package io.memfis.layout;

/**
 * The format marker of a namespace. A mount refuses a namespace whose layout it does not
 * know, and takes the part and page sizes from here so that all mounts agree.
 *
 * <p>Layout 2 differs from layout 1 only in the extended attribute items: they name the
 * inode of their file ({@link ExtendedAttributes}), which memfis versions of layout 1 read
 * as corrupt. This code reads both and writes layout 2; a namespace of layout 1 is marked 2
 * before the first item of the new form is written into it.
 *
 * @param layout    the layout version, {@link #CURRENT_LAYOUT} or an older one this code reads
 * @param partSize  bytes per part of a file larger than one item; files up to this size are stored whole
 * @param pageBytes the size at which a directory's listing page is full and a new one is started
 */
public record FormatMarker(int layout, int partSize, int pageBytes) {

    /** The layout this code writes. */
    public static final int CURRENT_LAYOUT = 2;

    /** The oldest layout this code reads: 1, with extended attribute items that name no inode. */
    public static final int OLDEST_LAYOUT = 1;

    /** The size at which a listing page is full, unless items are too small for it. */
    public static final int DEFAULT_PAGE_BYTES = 16 * 1024;

    /** The marker of a new namespace on servers whose items hold {@code maxValueSize} bytes. */
    public static FormatMarker forItems(int maxValueSize) {
        return new FormatMarker(CURRENT_LAYOUT, maxValueSize, Math.min(DEFAULT_PAGE_BYTES, maxValueSize / 2));
    }

    /** Whether this code reads namespaces of {@code layout}. */
    public static boolean isKnown(int layout) {
        return layout >= OLDEST_LAYOUT && layout <= CURRENT_LAYOUT;
    }

    /** The layouts this code reads, in words for a refusal. */
    public static String knownLayouts() {
        return "layouts " + OLDEST_LAYOUT + " to " + CURRENT_LAYOUT;
    }

    /** This marker at the current layout, its sizes kept. */
    public FormatMarker atCurrentLayout() {
        return new FormatMarker(CURRENT_LAYOUT, partSize, pageBytes);
    }
}
