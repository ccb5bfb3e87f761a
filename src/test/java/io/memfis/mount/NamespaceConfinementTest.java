package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fs.FsOptions;
import io.memfis.fs.MemFs;
import io.memfis.fuse.FuseMount;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mount reads and writes only keys under its own namespace prefix, {@code memfis://NS/}
 * or {@code memfis://NS%}: every key it asks memcached about during a workload of every
 * kind of operation is recorded, and the neighbours (namespaces whose names begin with
 * ours or ours with theirs, keys of no namespace) are left exactly as they were.
 */
@MountTag
class NamespaceConfinementTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final String NS = "conf";

    @TempDir
    Path work;

    @Test
    void aMountUsesOnlyKeysUnderItsPrefix() throws Exception {
        // neighbours: real namespaces around ours, and stray keys that share the start of ours
        for (String other : List.of("con", "conf2", "conf.d")) {
            try (Mount m = Mount.of(MEMCACHED, other)) {
                Shell.ok(m.path(), "mkdir -p www && printf '" + other + "' > www/index.html");
            }
        }
        try (Store store = store()) {
            for (String stray : List.of("memfis://conf", "memfis://confx/a", "memfis:/conf/a", "conf/a", "memfis://CONF/a")) {
                store.await(store.set(stray, stray.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Map<String, Store.Item> before = everything();

        Set<String> touched = ConcurrentHashMap.newKeySet();
        Path dir = Files.createDirectory(work.resolve("mnt"));
        Path script = Path.of(getClass().getResource("/awkward-tree.sh").toURI());
        try (Store real = store()) {
            MemFs fs = MemFs.open(recording(real, touched), FsOptions.defaults(NS).withAttrTimeout(Duration.ofMillis(100)));
            FuseMount mount = FuseMount.start(fs, dir, "memfis:" + NS, Duration.ofMillis(100), List.of(), false);
            try {
                Shell.ok(dir, String.join("\n",
                        "set -e",
                        "mkdir tree && cd tree && bash '" + script + "' && cd ..",
                        "cp -a tree copy && diff -r --no-dereference -x fifo tree copy",
                        "mv copy moved && mv moved/deep moved/'deep moved' && ln moved/plain.txt hard",
                        "truncate -s 2M moved/big.bin && truncate -s 10 moved/one-part.bin",
                        "setfattr -n user.k -v v hard && getfattr -h -d -m - -R moved > /dev/null",
                        "chmod -R g+w moved && chown -R 1:1 tree && touch -d 2001-01-01 hard",
                        "ls -lRa > /dev/null && find . -type f -exec cat {} + > /dev/null && df . > /dev/null",
                        "rm -r tree && rm hard && rm -r moved/'deep moved'",
                        "stat missing 2> /dev/null || true"));
            } finally {
                mount.unmount();
                fs.close();
            }
        }

        assertTrue(touched.size() > 100, "the workload asked for keys: " + touched.size());
        List<String> foreign = touched.stream().filter(k -> !owned(k)).sorted().toList();
        assertEquals(List.of(), foreign, "keys outside memfis://" + NS + "/ and memfis://" + NS + "%");

        Map<String, Store.Item> after = everything();
        for (Map.Entry<String, Store.Item> e : before.entrySet()) {
            Store.Item now = after.get(e.getKey());
            assertTrue(now != null && now.token() == e.getValue().token(), e.getKey() + " was left as it was");
        }
        List<String> newForeign = after.keySet().stream().filter(k -> !before.containsKey(k) && !owned(k)).toList();
        assertEquals(List.of(), newForeign, "no new key outside the namespace");
    }

    private static boolean owned(String key) {
        return key.startsWith("memfis://" + NS + "/") || key.startsWith("memfis://" + NS + "%");
    }

    private static Store store() {
        return Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2));
    }

    /** Every item on the server with its CAS token, which changes with every write. */
    private static Map<String, Store.Item> everything() {
        try (Store store = store()) {
            return new HashMap<>(store.await(store.getAll(store.keys(""))));
        }
    }

    /** {@code store}, noting every key any call is given, whatever the Store interface becomes. */
    private static Store recording(Store store, Set<String> keys) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    if (args != null) {
                        for (Object a : args) {
                            if (a instanceof String s) {
                                keys.add(s);
                            } else if (a instanceof Collection<?> c) {
                                c.forEach(k -> keys.add(String.valueOf(k)));
                            } else if (a instanceof Map<?, ?> m) {
                                m.keySet().forEach(k -> keys.add(String.valueOf(k)));
                            }
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
