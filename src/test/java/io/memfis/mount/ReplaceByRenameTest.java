package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.store.Store;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The way sites are deployed: write the new version under a temporary name, rename it
 * over the live one. nginx, asking memcached for the live name all the while, must get
 * the old version or the new one, never nothing (a 404).
 */
@MountTag
class ReplaceByRenameTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @Test
    void nginxNeverFindsTheLiveFileMissingWhileItIsReplaced() throws Exception {
        try (Mount mount = Mount.of(MEMCACHED, "deploy")) {
            Shell.ok(mount.path(), "printf 'version 0' > index.html");
            String key = mount.keys().content("/index.html");
            Store store = mount.store();
            AtomicBoolean done = new AtomicBoolean();
            List<String> seen = new ArrayList<>();
            int[] missing = {0};
            Thread nginx = new Thread(() -> {
                while (!done.get()) {
                    Store.Item item = store.await(store.get(key));
                    if (item == null) {
                        missing[0]++;
                    } else if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(text(item))) {
                        seen.add(text(item));
                    }
                }
            }, "nginx-like reader");
            nginx.start();
            try {
                Shell.ok(mount.path(), "for i in $(seq 1 200); do printf \"version $i\" > .index.tmp && mv .index.tmp index.html; done");
            } finally {
                done.set(true);
                nginx.join();
            }
            assertEquals(0, missing[0], "times the live file's key was missing");
            assertTrue(seen.size() > 1, "the reader saw versions change: " + seen.size());
            assertEquals("version 200", Shell.ok(mount.path(), "cat index.html"));
        }
    }

    private static String text(Store.Item item) {
        return new String(item.value(), StandardCharsets.UTF_8);
    }
}
