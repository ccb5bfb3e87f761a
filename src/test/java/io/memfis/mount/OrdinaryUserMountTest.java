package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.OrdinaryUser;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An ordinary user mounts a fresh namespace of their own on a directory in their home and
 * copies a site into it with {@code cp -a}, then unmounts, all as themselves: the
 * namespace they formatted is theirs.
 */
@MountTag
class OrdinaryUserMountTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    @Test
    void aUserWritesIntoAFreshMountOfTheirOwn() {
        try (OrdinaryUser user = OrdinaryUser.in(work)) {
            Shell.Result r = user.run(String.join("\n",
                    "set -e",
                    "mkdir -p site/css memfis",
                    "printf '<p>hello</p>' > site/index.html",
                    "printf 'p { color: red }' > site/css/site.css",
                    "chmod 640 site/css/site.css",
                    "ln -s index.html site/home.html",
                    "memfis -s " + MEMCACHED.servers() + " -n usersite memfis",
                    "trap 'fusermount -u memfis' EXIT",
                    "echo \"fresh root: $(stat -c '%u:%g %a' memfis)\"",
                    "cp -a site/. memfis/",
                    "diff -r site memfis",
                    "cd memfis && stat -c '%n %u:%g %a' . index.html css css/site.css && stat -c '%n %u:%g' -L home.html",
                    "cd .. && trap - EXIT && fusermount -u memfis",
                    "echo \"after unmount: $(ls -A memfis | wc -l) entries\""));
            assertEquals(0, r.exit(), () -> "as an ordinary user: " + r);
            int id = OrdinaryUser.UID;
            String owner = id + ":" + id;
            String siteMode = Shell.ok(user.home(), "stat -c %a site").trim();
            assertEquals(String.join("\n",
                    "fresh root: " + owner + " 755",
                    ". " + owner + " " + siteMode,
                    "index.html " + owner + " 644",
                    "css " + owner + " 755",
                    "css/site.css " + owner + " 640",
                    "home.html " + owner,
                    "after unmount: 0 entries", ""), r.out());
            assertEquals("", r.err());
        }
    }
}
