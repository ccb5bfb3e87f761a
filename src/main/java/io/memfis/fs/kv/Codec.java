package io.memfis.fs.kv;

import io.memfis.layout.ExtendedAttributes;
import io.memfis.layout.FormatMarker;
import io.memfis.layout.Json;
import io.memfis.layout.NodeRecord;
import io.memfis.layout.PathRecord;

import java.util.List;

/** How one kind of value of the layout turns into the bytes of an item and back. */
public interface Codec<T> {

    T decode(byte[] bytes);

    byte[] encode(T value);

    Codec<PathRecord> RECORD = of(Json::decodePathRecord, Json::encode);
    Codec<NodeRecord> NODE = of(Json::decodeNodeRecord, Json::encode);
    Codec<List<String>> NAMES = of(Json::decodeNames, Json::encodeNames);
    Codec<ExtendedAttributes> XATTRS = of(Json::decodeXattrs, Json::encode);
    Codec<FormatMarker> FORMAT = of(Json::decodeFormatMarker, Json::encode);
    Codec<byte[]> BYTES = of(b -> b, b -> b);

    static <T> Codec<T> of(java.util.function.Function<byte[], T> decode, java.util.function.Function<T, byte[]> encode) {
        return new Codec<>() {
            @Override
            public T decode(byte[] bytes) {
                return decode.apply(bytes);
            }

            @Override
            public byte[] encode(T value) {
                return encode.apply(value);
            }
        };
    }
}
