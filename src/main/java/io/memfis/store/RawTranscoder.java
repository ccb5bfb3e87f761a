package io.memfis.store;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Values as they are, with the flags the caller gives (0 but for content stored gzipped):
 * what nginx's memcached_pass sends is exactly what was stored. spymemcached's default
 * transcoder would serialize, and gzip values over 16 KB with flags of its own. The size
 * limit is checked by the store before encoding, against the servers' limit.
 */
final class RawTranscoder implements Transcoder<CachedData> {

    static final RawTranscoder INSTANCE = new RawTranscoder();

    private RawTranscoder() {
    }

    @Override
    public boolean asyncDecode(CachedData data) {
        return false;
    }

    @Override
    public CachedData encode(CachedData value) {
        return value;
    }

    @Override
    public CachedData decode(CachedData data) {
        return data;
    }

    static CachedData value(byte[] bytes, int flags) {
        return new CachedData(flags, bytes, Integer.MAX_VALUE);
    }

    @Override
    public int getMaxSize() {
        return Integer.MAX_VALUE;
    }
}
