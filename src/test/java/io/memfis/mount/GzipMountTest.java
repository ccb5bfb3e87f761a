package io.memfis.mount;

import io.memfis.testing.MountTag;
import io.memfis.fs.FsOptions;
import io.memfis.layout.GzipContent;
import io.memfis.store.Store;
import io.memfis.testing.GzipSite;
import io.memfis.testing.MemcachedServer;
import io.memfis.testing.MemfisCli;
import io.memfis.testing.Mount;
import io.memfis.testing.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

import static io.memfis.mount.TreeComparison.assertSameTree;
import static io.memfis.mount.TreeComparison.quote;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files stored gzip-compressed read as they are on every mount, with --gzip or without:
 * whole trees, reads at any offset, mmap, random writes, export; and each write stores the
 * file by the rule of the mount that writes it.
 */
@MountTag
class GzipMountTest {

    @RegisterExtension
    static final MemcachedServer MEMCACHED = MemcachedServer.withDefaults();

    @TempDir
    Path work;

    @Test
    void aNamespaceLoadedWithGzipReadsTheSameOnAMountWithoutIt() throws IOException {
        GzipSite site = GzipSite.write(Files.createDirectory(work.resolve("site")));
        load(site, "gz.plain-reader");
        try (Mount mount = Mount.of(MEMCACHED, FsOptions.defaults("gz.plain-reader"))) {
            assertSameTree(site.root, mount.path());
            for (String name : List.of("index.html", GzipSite.BIG)) {
                byte[] expected = site.files.get(name);
                assertEquals(expected.length, Files.size(mount.resolve(name)), "stat size of " + name);
                assertArrayEquals(expected, mapped(mount.resolve(name)), "mmap of " + name);
                assertEquals("", Shell.ok(mount.path(), "cmp " + quote(mount.resolve(name)) + " " + quote(site.root.resolve(name))));
            }
            assertEquals(GzipContent.FLAG, flags(mount, "/index.html"));

            // this mount writes plain: a write stores the file by its own rule
            Shell.ok(mount.path(), "printf 'appended' >> index.html && printf 'x' | dd of=big.html bs=1 seek=5 conv=notrunc status=none");
            Shell.ok(site.root, "printf 'appended' >> index.html && printf 'x' | dd of=big.html bs=1 seek=5 conv=notrunc status=none");
            assertEquals(0, flags(mount, "/index.html"));
            assertNull(mount.store().await(mount.store().get(mount.keys().content("/" + GzipSite.BIG))),
                    "written without --gzip, the 3 MB page is stored in parts");
            sameTimes(site.root, mount.path(), List.of("index.html", GzipSite.BIG));
            assertSameTree(site.root, mount.path());
        }
        Path exported = work.resolve("exported");
        Shell.Result export = MemfisCli.inProcess("export", "-s", MEMCACHED.servers(), "-n", "gz.plain-reader", exported.toString());
        assertEquals(0, export.exit(), export.err());
        assertSameTree(site.root, exported);
    }

    /** Random reads and writes on compressed files, against a local copy; the stored form follows each save. */
    @Test
    void randomReadsAndWritesOverCompressedFilesMatchALocalCopy() throws IOException {
        GzipSite site = GzipSite.write(Files.createDirectory(work.resolve("site")));
        Random random = new Random(7);
        try (Mount mount = Mount.of(MEMCACHED, FsOptions.defaults("gz.random").withGzip(true))) {
            Shell.ok(mount.path(), "cp -a " + quote(site.root) + "/. .");
            assertEquals(GzipContent.FLAG, flags(mount, "/" + GzipSite.BIG), "the 3 MB page is stored whole, compressed");
            for (String name : List.of("index.html", "css/site.css", GzipSite.BIG, "table.csv")) {
                Path local = site.root.resolve(name);
                Path mounted = mount.resolve(name);
                try (RandomAccessFile a = new RandomAccessFile(local.toFile(), "rw");
                     RandomAccessFile b = new RandomAccessFile(mounted.toFile(), "rw")) {
                    for (int op = 0; op < 150; op++) {
                        long size = a.length();
                        long offset = (long) (random.nextDouble() * (size + 100));
                        int length = 1 + random.nextInt(op % 10 == 0 ? 200_000 : 5_000);
                        if (random.nextInt(3) == 0) {
                            byte[] text = ("<p>write " + op + "</p>\n").repeat(length / 12 + 1).getBytes(StandardCharsets.US_ASCII);
                            a.seek(offset);
                            a.write(text, 0, length);
                            b.seek(offset);
                            b.write(text, 0, length);
                        } else if (random.nextInt(20) == 0) {
                            long to = (long) (random.nextDouble() * size);
                            a.setLength(to);
                            b.setLength(to);
                        } else {
                            assertArrayEquals(read(a, offset, length), read(b, offset, length), name + " at " + offset);
                        }
                        assertEquals(a.length(), b.length(), name);
                    }
                }
                assertArrayEquals(Files.readAllBytes(local), Files.readAllBytes(mounted), name);
            }
            sameTimes(site.root, mount.path(), List.of("index.html", "css/site.css", GzipSite.BIG, "table.csv"));
            mount.unmount();
            mount.mount();
            assertSameTree(site.root, mount.path());
            assertEquals(GzipContent.FLAG, flags(mount, "/index.html"), "text written stays compressed");

            // no longer compressible: the 3 MB page goes to parts; compressible again: whole again
            byte[] noise = new byte[3_000_000];
            random.nextBytes(noise);
            Files.write(mount.resolve(GzipSite.BIG), noise);
            assertNull(mount.store().await(mount.store().get(mount.keys().content("/" + GzipSite.BIG))));
            assertArrayEquals(noise, Files.readAllBytes(mount.resolve(GzipSite.BIG)));
            Files.write(mount.resolve(GzipSite.BIG), site.files.get(GzipSite.BIG), StandardOpenOption.TRUNCATE_EXISTING);
            assertEquals(GzipContent.FLAG, flags(mount, "/" + GzipSite.BIG));
            assertTrue(mount.store().keys(mount.keys().prefix() + "%data.").isEmpty(), "no parts left behind");
            assertArrayEquals(site.files.get(GzipSite.BIG), mapped(mount.resolve(GzipSite.BIG)));

            // a hard link and a rename keep the compressed item
            Shell.ok(mount.path(), "ln big.html linked.html && mv index.html moved.html");
            assertEquals(GzipContent.FLAG, flags(mount, "/linked.html"));
            assertEquals(GzipContent.FLAG, flags(mount, "/moved.html"));
            assertArrayEquals(site.files.get(GzipSite.BIG), Files.readAllBytes(mount.resolve("linked.html")));
        }
        Shell.Result check = MemfisCli.inProcess("check", "-s", MEMCACHED.servers(), "-n", "gz.random");
        assertEquals(0, check.exit(), check.out() + check.err());
    }

    /** Gives the written copies the local files' times, which the comparison includes. */
    private static void sameTimes(Path from, Path to, List<String> names) {
        for (String n : names) {
            Shell.ok(to, "touch -r " + quote(from.resolve(n)) + " " + quote(to.resolve(n)));
        }
    }

    private static void load(GzipSite site, String namespace) {
        Shell.Result r = MemfisCli.inProcess("load", "-s", MEMCACHED.servers(), "-n", namespace, "--gzip", site.root.toString());
        assertEquals(0, r.exit(), r.err());
    }

    private static int flags(Mount mount, String path) {
        Store.Item item = mount.store().await(mount.store().get(mount.keys().content(path)));
        assertNotNull(item, path);
        return item.flags();
    }

    private static byte[] read(RandomAccessFile f, long offset, int length) throws IOException {
        byte[] b = new byte[(int) Math.max(0, Math.min(length, f.length() - offset))];
        f.seek(offset);
        f.readFully(b);
        return b;
    }

    /** The file read through mmap, unmapped at once: a mapping left to the collector would keep the mount busy. */
    private static byte[] mapped(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            byte[] b = new byte[(int) ch.size()];
            m.get(b);
            unmap(m);
            return b;
        }
    }

    private static void unmap(MappedByteBuffer m) {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            ((sun.misc.Unsafe) f.get(null)).invokeCleaner(m);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
