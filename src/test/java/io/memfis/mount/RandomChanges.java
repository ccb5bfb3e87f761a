package io.memfis.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Random changes to a directory tree, as users and tools make them: create, write, append,
 * truncate, rename files and directories, remove, chmod, hard links and symlinks, with
 * pauses now and then so that some changes meet a sync mid-batch. Seeded: a failure repeats.
 */
final class RandomChanges {

    private final Path top;
    private final Random random;

    RandomChanges(Path top, long seed) {
        this.top = top;
        this.random = new Random(seed);
    }

    void run(int operations) throws IOException, InterruptedException {
        for (int i = 0; i < operations; i++) {
            try {
                step(i);
            } catch (NoSuchFileException | FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // a pick that no longer fits: the next step picks again
            }
            if (random.nextInt(40) == 0) {
                Thread.sleep(random.nextInt(400));
            }
        }
    }

    private void step(int i) throws IOException {
        Path dir = pick(true);
        switch (random.nextInt(12)) {
            case 0, 1 -> Files.writeString(dir.resolve("f" + i), "file " + i + " ".repeat(random.nextInt(3000)));
            case 2 -> Files.createDirectory(dir.resolve("d" + i));
            case 3 -> write(pick(false), "rewritten " + i, StandardOpenOption.TRUNCATE_EXISTING);
            case 4 -> write(pick(false), " appended " + i, StandardOpenOption.APPEND);
            case 5 -> {
                Path f = pick(false);
                if (f != null && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    try (var ch = Files.newByteChannel(f, StandardOpenOption.WRITE)) {
                        ch.truncate(random.nextInt(10));
                    }
                }
            }
            case 6 -> {
                Path from = random.nextBoolean() ? pick(false) : pick(true);
                if (from != null && !from.equals(top) && !dir.startsWith(from)) {
                    Files.move(from, dir.resolve("m" + i), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            case 7 -> {
                Path p = random.nextBoolean() ? pick(false) : pick(true);
                if (p != null && !p.equals(top)) {
                    removeTree(p);
                }
            }
            case 8 -> {
                Path p = random.nextBoolean() ? pick(false) : pick(true);
                if (p != null && !Files.isSymbolicLink(p)) {
                    Set<PosixFilePermission> mode = PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-x---" : random.nextBoolean() ? "rw-------" : "rwxr-xr-x");
                    Files.setPosixFilePermissions(p, mode);
                }
            }
            case 9 -> {
                Path f = pick(false);
                if (f != null && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createLink(dir.resolve("h" + i), f);
                }
            }
            case 10 -> Files.createSymbolicLink(dir.resolve("s" + i), Path.of("target-" + random.nextInt(5)));
            default -> {
                Path f = pick(false);
                if (f != null) {
                    Files.move(f, f.resolveSibling("r" + i), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
    }

    private void write(Path f, String text, StandardOpenOption how) throws IOException {
        if (f != null && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE, how);
        }
    }

    /** A random directory (the top included) or a random non-directory; null when there is none. */
    private Path pick(boolean directory) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(top)) {
            s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) == directory).forEach(all::add);
        }
        all.sort(Comparator.naturalOrder());
        return all.isEmpty() ? null : all.get(random.nextInt(all.size()));
    }

    private static void removeTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        } else {
            Files.deleteIfExists(p);
        }
    }
}
