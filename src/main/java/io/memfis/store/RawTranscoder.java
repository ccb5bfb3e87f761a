package io.memfis.store;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Values as they are, with flags 0: what nginx's memcached_pass sends is exactly what was
 * stored. spymemcached's default transcoder would serialize, and gzip values over 16 KB.
 * The size limit is checked by the store before encoding, against the servers' limit.
 */
final class RawTranscoder implements Transcoder<byte[]> {

    static final RawTranscoder INSTANCE = new RawTranscoder();

    private RawTranscoder() {
    }

    @Override
    public boolean asyncDecode(CachedData data) {
        return false;
    }

    @Override
    public CachedData encode(byte[] value) {
        return new CachedData(0, value, Integer.MAX_VALUE);
    }

    /** Whatever the flags: an item some other client wrote is still its bytes to memfis. */
    @Override
    public byte[] decode(CachedData data) {
        return data.getData();
    }

    @Override
    public int getMaxSize() {
        return Integer.MAX_VALUE;
    }
}
