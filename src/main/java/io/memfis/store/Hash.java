package io.memfis.store;

import java.util.Locale;

/** How keys are spread over several servers: as nginx's {@code hash $memcached_key [consistent]}. */
public enum Hash {
    /** nginx's plain {@code hash}: CRC32 modulo the total weight; a new server moves most keys. */
    MODULO,
    /** nginx's {@code hash ... consistent}: 160 points per unit of weight on a ring; a new server moves about its share. */
    CONSISTENT;

    /** {@code modulo} or {@code consistent}, as the command line and the namespace record write it. */
    public static Hash parse(String name) {
        for (Hash h : values()) {
            if (h.toString().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return h;
            }
        }
        throw new IllegalArgumentException("invalid hash '" + name + "': give consistent or modulo");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
