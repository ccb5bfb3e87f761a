package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.layout.Keys;
import io.memfis.store.Store;
import io.memfis.store.Stores;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hole costs nothing: a terabyte of it stores no part, reads back as zeros, takes no
 * blocks, survives check, export, load and {@code cp --sparse=always} as a hole; and
 * check still finds a part that was really lost. Parts are counted in memcached itself.
 */
@MountTag
class SparseFilesTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    private static final long TERABYTE = 1L << 40;
    /** Where a write lands in the middle of the terabyte of hole. */
    private static final long MIDDLE = 512L << 30;

    @TempDir
    Path work;

    @Test
    void aTerabyteOfHoleStoresNothingAndReadsAsZeros() {
        long ino;
        int partSize;
        try (Mount mount = Mount.of(MEMCACHED, "terabyte")) {
            Path m = mount.path();
            partSize = mount.fs().format().partSize();
            Shell.ok(m, "truncate -s 1T f");
            assertEquals(TERABYTE + "\n", Shell.ok(m, "stat -c %s f"));
            assertEquals(List.of(), parts("terabyte"), "a hole stores no part");
            Shell.ok(m, "dd if=f bs=1M count=3 skip=500000 status=none | cmp - <(head -c 3M /dev/zero)");
            assertEquals("0\n", Shell.ok(m, "stat -c %b f"), "a hole takes no blocks");

            Shell.ok(m, "printf middle | dd of=f bs=1M seek=" + MIDDLE + " oflag=seek_bytes conv=notrunc status=none");
            ino = Long.parseLong(Shell.ok(m, "stat -c %i f").strip());
            assertEquals(List.of(Keys.of("terabyte").dataPart(ino, MIDDLE / partSize)), parts("terabyte"),
                    "a write in the middle of the hole stores one part");
            assertEquals(TERABYTE + "\n", Shell.ok(m, "stat -c %s f"));
            assertEquals("middle", Shell.ok(m, "dd if=f bs=1M skip=" + MIDDLE
                    + " count=6 iflag=skip_bytes,count_bytes status=none"));
            assertTrue(Long.parseLong(Shell.ok(m, "du -k f").split("\\s")[0]) <= 1024,
                    "du counts one part, not a terabyte");
            mount.unmount();
        }
        assertEquals(0, check("terabyte").exit(), "check of a sparse file finds nothing: " + check("terabyte"));

        Path out = work.resolve("out");
        Shell.Result export = MemfisCli.run("export", "-s", MEMCACHED.servers(), "-n", "terabyte", out.toString());
        assertEquals(0, export.exit(), export.err());
        assertEquals(TERABYTE + "\n", Shell.ok(out, "stat -c %s f"));
        assertTrue(Long.parseLong(Shell.ok(out, "du -k f").split("\\s")[0]) <= 64, "export keeps the holes");
        assertEquals("middle", Shell.ok(out, "dd if=f bs=1M skip=" + MIDDLE
                + " count=6 iflag=skip_bytes,count_bytes status=none"));

        String part = Keys.of("terabyte").dataPart(ino, MIDDLE / partSize);
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2))) {
            store.await(store.delete(part));
        }
        Shell.Result lost = check("terabyte");
        assertNotEquals(0, lost.exit(), "a part really lost is still found: " + lost);
        assertTrue(lost.out().contains("/f: part " + MIDDLE / partSize + " of its "), lost.out());
    }

    @Test
    void cpSparseAlwaysKeepsHolesAsHoles() {
        Shell.ok(work, "truncate -s 300M local && printf x | dd of=local bs=1M seek=200M oflag=seek_bytes conv=notrunc status=none");
        try (Mount mount = Mount.of(MEMCACHED, "cpsparse")) {
            Path m = mount.path();
            Shell.ok(work, "cp --sparse=always local " + m + "/in");
            Shell.ok(m, "cp --sparse=always in again");
            for (String name : List.of("in", "again")) {
                Shell.ok(m, "cmp " + name + " " + work.resolve("local"));
                long ino = Long.parseLong(Shell.ok(m, "stat -c %i " + name).strip());
                assertEquals(1, partsOf("cpsparse", ino).size(), name + " stores only the part with data");
            }
            mount.unmount();
        }
        assertEquals(0, check("cpsparse").exit(), check("cpsparse").toString());
    }

    /**
     * fallocate(1) as programs call it: allocating a gigabyte (fallocate(2), and glibc's
     * posix_fallocate, which would write a byte per 4 KiB block if the filesystem refused)
     * takes no time and stores nothing; punching a hole drops the parts it covers and zeros
     * the rest; a zero range past the end grows the file; all of it seen by a fresh mount.
     */
    @Test
    void fallocateAllocatesAHoleAndPunchesHoles() {
        // what the punch and the zero range below make of it, written out with zeros
        Shell.ok(work, "head -c 5000000 /dev/urandom > local && cp local punched"
                + " && dd if=/dev/zero of=punched bs=1M seek=100000 count=2500000 oflag=seek_bytes iflag=count_bytes conv=notrunc status=none"
                + " && dd if=/dev/zero of=punched bs=1M seek=4990000 count=20000 oflag=seek_bytes iflag=count_bytes status=none");
        try (Mount mount = Mount.of(MEMCACHED, "falloc")) {
            Path m = mount.path();
            Shell.ok(m, "fallocate -l 1G big && fallocate -x -l 100M posix && cp " + work.resolve("local") + " f");
            assertEquals("1073741824 0\n104857600 0\n", Shell.ok(m, "stat -c '%s %b' big posix"));
            assertEquals(List.of(), partsOf("falloc", Long.parseLong(Shell.ok(m, "stat -c %i big").strip())), "allocating stores nothing");
            Shell.ok(m, "cmp -n 3000000 big /dev/zero");
            Shell.ok(m, "fallocate -p -o 100000 -l 2500000 f && fallocate -z -o 4990000 -l 20000 f");
            Shell.ok(m, "cmp f " + work.resolve("punched"));
            assertEquals("fallocate: fallocate failed: Operation not supported\n",
                    Shell.run(m, "fallocate -c -o 0 -l 1M f").err(), "collapse range: EOPNOTSUPP, as tmpfs");
            mount.unmount();
        }
        try (Mount fresh = Mount.of(MEMCACHED, "falloc")) {
            Shell.ok(fresh.path(), "cmp f " + work.resolve("punched") + " && test $(stat -c %s big) = 1073741824");
            long ino = Long.parseLong(Shell.ok(fresh.path(), "stat -c %i f").strip());
            assertEquals(4, partsOf("falloc", ino).size(), "the part the hole covered whole is gone: " + partsOf("falloc", ino));
            fresh.unmount();
        }
        assertEquals(0, check("falloc").exit(), check("falloc").toString());
    }

    @Test
    void loadStoresNoPartForHoles() {
        Shell.ok(work, "mkdir src && truncate -s 64M src/sparse"
                + " && printf abc | dd of=src/sparse bs=1M seek=40M oflag=seek_bytes conv=notrunc status=none");
        Shell.Result load = MemfisCli.run("load", "-s", MEMCACHED.servers(), "-n", "loadsparse", work.resolve("src").toString());
        assertEquals(0, load.exit(), load.err());
        assertEquals(1, parts("loadsparse").size(), "only the part with data: " + parts("loadsparse"));
        assertEquals(0, check("loadsparse").exit(), check("loadsparse").toString());
        try (Mount mount = Mount.of(MEMCACHED, "loadsparse")) {
            Shell.ok(mount.path(), "cmp sparse " + work.resolve("src/sparse"));
            mount.unmount();
        }
    }

    private static Shell.Result check(String namespace) {
        return MemfisCli.run("check", "-s", MEMCACHED.servers(), "-n", namespace);
    }

    private static List<String> partsOf(String namespace, long ino) {
        String prefix = Keys.of(namespace).dataPart(ino, 0);
        return parts(namespace).stream().filter(k -> k.startsWith(prefix.substring(0, prefix.length() - 1))).toList();
    }

    /** The part keys of the namespace, as memcached lists them. */
    private static List<String> parts(String namespace) {
        try (Store store = Stores.memcached(List.of(MEMCACHED.address()), Duration.ofSeconds(2))) {
            String prefix = Keys.of(namespace).dataPart(0, 0).replaceFirst("%data\\..*", "%data.");
            return store.keys(prefix).stream().sorted().toList();
        }
    }
}
