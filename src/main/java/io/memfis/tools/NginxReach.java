package io.memfis.tools;

import io.memfis.layout.Keys;

/** Why nginx's memcached_pass cannot serve a regular file, if it cannot. */
final class NginxReach {

    private NginxReach() {
    }

    /** The reason, or null when nginx finds the file's content under the key it computes. */
    static String reason(Keys keys, String path, long size, int partSize) {
        if (!keys.nginxReachable(path)) {
            return "nginx cannot serve it: its key would be longer than " + Keys.MAX_KEY_BYTES
                    + " bytes, so it is stored under a hashed key";
        }
        if (size > partSize) {
            return "nginx cannot serve it: " + size + " bytes, larger than one memcached item ("
                    + partSize + "), so it is stored in parts";
        }
        return null;
    }
}
