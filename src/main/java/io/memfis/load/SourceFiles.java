package io.memfis.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tree being loaded: what {@code lstat} says of an entry, and its user extended attributes. */
final class SourceFiles {

    /** The fields of {@code lstat} a copy keeps; asking for "unix:*" would also look up user names. */
    private static final String STAT = "unix:mode,ino,dev,rdev,nlink,uid,gid,size,lastAccessTime,lastModifiedTime";

    private SourceFiles() {
    }

    static Map<String, Object> lstat(Path p) throws IOException {
        return Files.readAttributes(p, STAT, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The {@code user.*} extended attributes of a regular file or directory, in the order
     * the filesystem lists them (the order {@code cp -a} copies them in). Never call this on
     * a fifo: reading them opens the file.
     */
    static Map<String, byte[]> userXattrs(Path p) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return Map.of();
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        try {
            for (String name : view.list()) {
                ByteBuffer value = ByteBuffer.allocate(view.size(name));
                view.read(name, value);
                out.put("user." + name, java.util.Arrays.copyOf(value.array(), value.position()));
            }
        } catch (FileSystemException e) {
            if (String.valueOf(e.getReason()).contains("not supported")) {
                return Map.of();
            }
            throw e;
        }
        return out;
    }
}
