package io.memfis.fs;

import io.memfis.layout.Attributes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static io.memfis.fs.FsFixture.PART;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random sequences of mkdir, create, rewrite, symlink, unlink, rmdir, link, rename and setxattr over a small
 * set of names, against a model of what a local disk does: each call must succeed or fail
 * with the errno the model gives, the tree must read back as the model, and the store must
 * hold exactly the keys the layout prescribes for it, none left behind. (A lookup through a
 * file is ENOENT here: on a mount the kernel answers those with ENOTDIR before memfis.)
 */
@EveryStore
class TreeModelTest {

    private final FsStore store;

    TreeModelTest(FsStore store) {
        this.store = store;
    }

    private static final String[] NAMES = {"a", "b", "c", "d e"};

    /**
     * Odd seeds cache attributes and names for a second, as a mount does, in one mount; even
     * ones cache nothing and act through two mounts in turn, which must then agree at once.
     */
    static LongStream seeds() {
        return LongStream.range(0, 30);
    }

    /** A regular file, or a symlink when it has a target; several paths share one when it has hard links. */
    private static final class MFile {
        byte[] content;
        String target;
        boolean shared;
        boolean xattrs;
        long ino;

        MFile(byte[] content) {
            this.content = content;
        }
    }

    /** Path to a file, or to DIR. */
    private final TreeMap<String, Object> model = new TreeMap<>(Map.of("/", DIR));
    private static final Object DIR = "directory";
    /** Directories with an extended attribute (a file's are in its MFile). */
    private final TreeSet<String> dirXattrs = new TreeSet<>();
    private final List<String> log = new ArrayList<>();
    /** The mount the next operation goes through, and the first one. */
    private MemFs acting;
    private MemFs first;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theTreeBehavesAsALocalDisk(long seed) {
        boolean twoMounts = seed % 2 == 0;
        try (FsFixture t = FsFixture.create(store, twoMounts ? Duration.ZERO : Duration.ofSeconds(1))) {
            MemFs[] mounts = twoMounts ? new MemFs[]{t.fs, t.anotherMount(Duration.ZERO)} : new MemFs[]{t.fs};
            first = t.fs;
            Random random = new Random(seed);
            for (int step = 0; step < 300; step++) {
                acting = mounts[random.nextInt(mounts.length)];
                String p = randomPath(random);
                String q = randomPath(random);
                switch (random.nextInt(9)) {
                    case 0 -> mkdir(t, p);
                    case 1, 2 -> writeFile(t, p, FsFixture.random(seed * 1000 + step, size(random)));
                    case 3 -> unlink(t, p);
                    case 4 -> rmdir(t, p);
                    case 5 -> link(t, p, q);
                    case 6 -> setxattr(t, p);
                    case 7 -> symlink(t, "../" + q, p);
                    default -> rename(t, p, q);
                }
                if (step % 25 == 24) {
                    check(t, t.listsKeysQuickly());
                }
            }
            check(t, true);
        }
    }

    private static int size(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextInt(20);
            case 1 -> PART - 1 + random.nextInt(3);
            default -> random.nextInt(4 * PART);
        };
    }

    /** Paths up to three names deep, mostly where something already is. */
    private String randomPath(Random random) {
        if (random.nextInt(3) > 0 && model.size() > 1) {
            List<String> existing = new ArrayList<>(model.keySet());
            String base = existing.get(random.nextInt(existing.size()));
            if (random.nextBoolean() || base.equals("/")) {
                return PathNames.child(base, NAMES[random.nextInt(NAMES.length)]);
            }
            return base;
        }
        StringBuilder p = new StringBuilder();
        int depth = 1 + random.nextInt(3);
        for (int i = 0; i < depth; i++) {
            p.append('/').append(NAMES[random.nextInt(NAMES.length)]);
        }
        return p.toString();
    }

    // ---- operations: the model's answer, then the filesystem's (through the acting mount) ------

    private void mkdir(FsFixture t, String p) {
        Errno expected = creatable(p);
        expect("mkdir " + p, expected, () -> {
            acting.mkdir(p, 0755, 0, 0);
            return null;
        });
        if (expected == null) {
            model.put(p, DIR);
        }
    }

    private void symlink(FsFixture t, String target, String p) {
        Errno expected = creatable(p);
        expect("symlink " + target + " " + p, expected, () -> {
            acting.symlink(target, p, 0, 0);
            return null;
        });
        if (expected == null) {
            MFile link = new MFile(null);
            link.target = target;
            model.put(p, link);
        }
    }

    private void writeFile(FsFixture t, String p, byte[] content) {
        Object existing = model.get(p);
        if (existing instanceof MFile f && f.target != null) {
            return; // the kernel would follow the symlink
        }
        Errno expected = existing instanceof MFile ? null : existing == DIR ? Errno.EISDIR : creatable(p);
        expect("write " + content.length + " bytes to " + p, expected, () -> {
            // as the kernel does for open(O_CREAT|O_TRUNC): open what its lookup found, else create
            long fh = existing != null ? acting.open(p, OpenFlags.O_TRUNC) : FsFixture.create(acting, p);
            FsFixture.write(acting, fh, p, 0, content);
            acting.release(fh, p);
            return null;
        });
        if (expected == null) {
            if (existing instanceof MFile f) {
                f.content = content;
            } else {
                model.put(p, new MFile(content));
            }
        }
    }

    private void unlink(FsFixture t, String p) {
        Object existing = model.get(p);
        Errno expected = existing == null ? Errno.ENOENT : existing == DIR ? Errno.EISDIR : null;
        expect("unlink " + p, expected, () -> {
            acting.unlink(p);
            return null;
        });
        if (expected == null) {
            model.remove(p);
        }
    }

    private void rmdir(FsFixture t, String p) {
        Object existing = model.get(p);
        Errno expected = p.equals("/") ? Errno.EBUSY : existing == null ? Errno.ENOENT
                : existing != DIR ? Errno.ENOTDIR : children(p).isEmpty() ? null : Errno.ENOTEMPTY;
        expect("rmdir " + p, expected, () -> {
            acting.rmdir(p);
            return null;
        });
        if (expected == null) {
            model.remove(p);
            dirXattrs.remove(p);
        }
    }

    private void setxattr(FsFixture t, String p) {
        Object existing = model.get(p);
        expect("setxattr " + p, existing == null ? Errno.ENOENT : null, () -> {
            acting.setxattr(p, "user.m", FsFixture.utf8(p), 0);
            return null;
        });
        if (existing instanceof MFile f) {
            f.xattrs = true;
        } else if (existing == DIR) {
            dirXattrs.add(p);
        }
    }

    private void link(FsFixture t, String p, String q) {
        Object src = model.get(p);
        Errno expected = src == null ? Errno.ENOENT : src == DIR ? Errno.EPERM
                : model.containsKey(q) ? Errno.EEXIST : creatable(q);
        expect("link " + p + " " + q, expected, () -> {
            acting.link(p, q);
            return null;
        });
        if (expected == null) {
            ((MFile) src).shared = true;
            model.put(q, src);
        }
    }

    private void rename(FsFixture t, String p, String q) {
        Object src = model.get(p);
        Object dst = model.get(q);
        Errno expected;
        if (src == null) {
            expected = Errno.ENOENT;
        } else if (p.equals(q)) {
            expected = null;
        } else if (model.get(PathNames.parent(q)) == null) {
            expected = Errno.ENOENT;
        } else if (model.get(PathNames.parent(q)) != DIR) {
            expected = Errno.ENOTDIR;
        } else if (PathNames.isWithin(q, p)) {
            expected = Errno.EINVAL;
        } else if (dst == null || dst == src && src != DIR) {
            expected = null;
        } else if (src == DIR && dst != DIR) {
            expected = Errno.ENOTDIR;
        } else if (src != DIR && dst == DIR) {
            expected = Errno.EISDIR;
        } else if (dst == DIR && !children(q).isEmpty()) {
            expected = Errno.ENOTEMPTY;
        } else {
            expected = null;
        }
        expect("rename " + p + " " + q, expected, () -> {
            acting.rename(p, q);
            return null;
        });
        boolean sameFile = dst == src && src instanceof MFile;
        if (expected == null && !p.equals(q) && !sameFile) {
            TreeMap<String, Object> moved = new TreeMap<>();
            for (Map.Entry<String, Object> e : model.entrySet()) {
                if (PathNames.isWithin(e.getKey(), p)) {
                    moved.put(PathNames.rebase(e.getKey(), p, q), e.getValue());
                }
            }
            model.keySet().removeIf(k -> PathNames.isWithin(k, p));
            model.remove(q);
            model.putAll(moved);
            List<String> movedXattrs = dirXattrs.stream().filter(k -> PathNames.isWithin(k, p))
                    .map(k -> PathNames.rebase(k, p, q)).toList();
            dirXattrs.removeIf(k -> PathNames.isWithin(k, p) || k.equals(q));
            dirXattrs.addAll(movedXattrs);
        }
    }

    /** Why {@code p} cannot be made, or null. */
    private Errno creatable(String p) {
        if (model.containsKey(p)) {
            return Errno.EEXIST;
        }
        Object parent = model.get(PathNames.parent(p));
        return parent == null ? Errno.ENOENT : parent != DIR ? Errno.ENOTDIR : null;
    }

    private List<String> children(String dir) {
        List<String> out = new ArrayList<>();
        for (String k : model.keySet()) {
            if (!k.equals(dir) && PathNames.parent(k).equals(dir)) {
                out.add(k);
            }
        }
        return out;
    }

    private void expect(String what, Errno expected, Supplier<Void> op) {
        log.add((acting == first ? "" : "(second mount) ") + what + (expected == null ? "" : " -> " + expected));
        Errno actual = null;
        try {
            op.get();
        } catch (FsException e) {
            actual = e.errno();
        }
        assertEquals(expected, actual, () -> what + "\n" + String.join("\n", log));
    }

    // ---- the check ------------------------------------------------------------------------------

    private void check(FsFixture t, boolean keysToo) {
        String history = String.join("\n", log);
        TreeSet<String> listed = new TreeSet<>();
        walk(t, "/", listed);
        assertEquals(model.keySet(), listed, history);

        Map<MFile, Integer> names = new HashMap<>();
        model.values().forEach(v -> {
            if (v instanceof MFile f) {
                names.merge(f, 1, Integer::sum);
            }
        });
        TreeSet<String> expectedKeys = new TreeSet<>(List.of(t.keys.format(), t.keys.inodeCounter()));
        for (Map.Entry<String, Object> e : model.entrySet()) {
            String path = e.getKey();
            Attributes a = t.stat(path);
            expectedKeys.add(t.keys.record(path));
            if (e.getValue() == DIR) {
                assertTrue(a.isDirectory(), path);
                long subdirs = children(path).stream().filter(c -> model.get(c) == DIR).count();
                assertEquals(2 + subdirs, a.nlink(), path + "\n" + history);
                for (int page = 0; page < a.pages(); page++) {
                    expectedKeys.add(t.keys.dirPage(path, page));
                }
                if (dirXattrs.contains(path)) {
                    expectedKeys.add(t.keys.xattrs(path));
                }
                assertEquals(dirXattrs.contains(path) ? List.of("user.m") : List.of(), t.fs.listxattr(path),
                        path + "\n" + history);
                continue;
            }
            MFile f = (MFile) e.getValue();
            assertEquals(names.get(f), a.nlink(), path + "\n" + history);
            if (f.ino == 0) {
                f.ino = a.ino();
            }
            assertEquals(f.ino, a.ino(), "every name of a file has its inode: " + path);
            if (f.shared) {
                expectedKeys.add(t.keys.node(a.ino()));
            }
            if (f.xattrs) {
                expectedKeys.add(f.shared ? t.keys.nodeXattrs(a.ino()) : t.keys.xattrs(path));
            }
            assertEquals(f.xattrs ? List.of("user.m") : List.of(), t.fs.listxattr(path), path + "\n" + history);
            if (f.target != null) {
                assertEquals(io.memfis.layout.FileType.SYMLINK, a.type(), path);
                assertEquals(f.target, t.fs.readlink(path), path);
                assertEquals(FsFixture.utf8(f.target).length, a.size(), path);
                continue;
            }
            assertTrue(a.isFile(), path);
            assertEquals(f.content.length, a.size(), path + "\n" + history);
            assertArrayEquals(f.content, t.readFile(path), path + "\n" + history);
            if (f.content.length <= PART) {
                expectedKeys.add(t.keys.content(path));
            } else {
                for (long part = 0; part * PART < f.content.length; part++) {
                    expectedKeys.add(t.keys.dataPart(a.ino(), part));
                }
            }
        }
        if (keysToo) {
            TreeSet<String> stored = new TreeSet<>(t.allKeys());
            stored.remove(t.keys.freedCounter());
            assertEquals(expectedKeys, stored, history);
        }
    }

    private void walk(FsFixture t, String dir, TreeSet<String> out) {
        out.add(dir);
        for (DirEntry e : t.fs.readdir(dir)) {
            String path = PathNames.child(dir, e.name());
            assertEquals(t.stat(path), e.attributes(), path);
            if (e.attributes().isDirectory()) {
                walk(t, path, out);
            } else {
                out.add(path);
            }
        }
    }
}
