package io.memfis.layout;

/** The kinds of file memfis stores, with their name in JSON and their {@code S_IFMT} bits. */
public enum FileType {
    FILE("file", 0100000),
    DIRECTORY("dir", 0040000),
    SYMLINK("symlink", 0120000),
    FIFO("fifo", 0010000),
    SOCKET("socket", 0140000),
    CHAR_DEVICE("chardev", 0020000),
    BLOCK_DEVICE("blockdev", 0060000);

    private final String json;
    private final int formatBits;

    FileType(String json, int formatBits) {
        this.json = json;
        this.formatBits = formatBits;
    }

    public String json() {
        return json;
    }

    /** The {@code S_IFMT} bits of {@code st_mode}. */
    public int formatBits() {
        return formatBits;
    }

    public static FileType ofJson(String name) {
        for (FileType t : values()) {
            if (t.json.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown file type '" + name + "'");
    }

    /** The type named by the {@code S_IFMT} bits of a mode, or null when there is none. */
    public static FileType ofMode(long mode) {
        int bits = (int) (mode & 0170000);
        for (FileType t : values()) {
            if (t.formatBits == bits) {
                return t;
            }
        }
        return null;
    }
}
