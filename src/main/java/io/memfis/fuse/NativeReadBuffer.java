package io.memfis.fuse;

import io.memfis.fs.ReadBuffer;
import jnr.ffi.Pointer;

/** libfuse's reply buffer of a read, filled straight from the parts. */
record NativeReadBuffer(Pointer buf) implements ReadBuffer {

    @Override
    public void put(int at, byte[] src, int offset, int length) {
        buf.put(at, src, offset, length);
    }

    @Override
    public void zero(int at, int length) {
        if (length > 0) {
            buf.setMemory(at, length, (byte) 0);
        }
    }
}
