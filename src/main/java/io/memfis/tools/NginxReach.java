package io.memfis.tools;

import io.memfis.layout.Keys;

import java.nio.charset.StandardCharsets;

/**
 * Why nginx's memcached_pass cannot serve a regular file, if it cannot: the two reasons that
 * are properties of the file (its size, its key), worded as {@code memfis nginx-check} words them.
 */
final class NginxReach {

    private NginxReach() {
    }

    /** The reason, or null when nginx finds the file's content under the key it computes. */
    static String reason(Keys keys, String path, long size, int partSize) {
        if (!keys.nginxReachable(path)) {
            int bytes = (keys.prefix() + Keys.escape(path)).getBytes(StandardCharsets.UTF_8).length;
            return "its key would be " + bytes + " bytes, memcached allows " + Keys.MAX_KEY_BYTES
                    + ": memfis stores it under a hashed key";
        }
        if (size > partSize) {
            return size + " bytes, larger than one memcached item (" + partSize + " bytes): memfis stores it in parts";
        }
        return null;
    }
}
