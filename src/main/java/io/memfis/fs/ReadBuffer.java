package io.memfis.fs;

import java.util.Arrays;

/**
 * Where a read puts its bytes. The FUSE adapter hands libfuse's own buffer, so that a
 * large read copies each byte once from the part it is in, not once more through an array.
 */
public interface ReadBuffer {

    /** Copies {@code length} bytes of {@code src} from {@code offset} to position {@code at}. */
    void put(int at, byte[] src, int offset, int length);

    /** Fills {@code length} bytes from position {@code at} with zeros (a hole). */
    void zero(int at, int length);

    /** A buffer over an array, from its first byte. */
    static ReadBuffer of(byte[] dst) {
        return new ReadBuffer() {
            @Override
            public void put(int at, byte[] src, int offset, int length) {
                System.arraycopy(src, offset, dst, at, length);
            }

            @Override
            public void zero(int at, int length) {
                Arrays.fill(dst, at, at + length, (byte) 0);
            }
        };
    }
}
