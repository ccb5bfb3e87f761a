package io.memfis.mount;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tree that the concurrency writers' logs describe (see concurrency/writer.sh): every
 * operation that succeeded, replayed in order per writer; the shared files' log in its
 * own order. Paths are relative to the mount; two names of one file share a {@link File}.
 */
final class ExpectedTree {

    /** One file: the write that made its content, and its mode. */
    static final class File {
        String writer;
        long seq;
        long size;
        int mode = 0644;

        File(String writer, long seq, long size) {
            write(writer, seq, size);
        }

        void write(String by, long number, long bytes) {
            this.writer = by;
            this.seq = number;
            this.size = bytes;
        }

        /** What writer.sh's content() wrote: "ID SEQ\n" repeated, cut at size bytes. */
        String md5() {
            try {
                MessageDigest md = MessageDigest.getInstance("MD5");
                byte[] line = (writer + " " + seq + "\n").getBytes(StandardCharsets.UTF_8);
                long left = size;
                while (left > 0) {
                    int n = (int) Math.min(left, line.length);
                    md.update(line, 0, n);
                    left -= n;
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    final Map<String, File> files = new TreeMap<>();
    final Set<String> dirs = new TreeSet<>(List.of("d0", "d1", "d2"));
    long operations;
    long tolerated;

    static String name(String writer, String k) {
        return writer + "-" + k + " é%";
    }

    private static String path(String d, String writerName) {
        return "d" + d + "/" + writerName;
    }

    /** Replays one writer's log. */
    void replay(String writer, List<String> lines) {
        for (String line : lines) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "W" -> {
                    File file = files.get(path(f[2], name(writer, f[1])));
                    if (file == null) {
                        files.put(path(f[2], name(writer, f[1])), new File(writer, Long.parseLong(f[3]), Long.parseLong(f[4])));
                    } else {
                        file.write(writer, Long.parseLong(f[3]), Long.parseLong(f[4]));
                    }
                }
                case "T" -> files.put(path(f[2], name(writer, f[1])), new File(writer, Long.parseLong(f[3]), Long.parseLong(f[4])));
                case "R" -> files.put(path(f[4], name(writer, f[3])), require(files.remove(path(f[2], name(writer, f[1]))), line));
                case "D" -> require(files.remove(path(f[2], name(writer, f[1]))), line);
                case "L" -> files.put(path(f[4], name(writer, f[3])), require(files.get(path(f[2], name(writer, f[1]))), line));
                case "M" -> require(files.get(path(f[2], name(writer, f[1]))), line).mode = Integer.parseInt(f[3], 8);
                case "DM" -> {
                    String dir = path(f[1], writer + "-dir");
                    dirs.add(dir);
                    files.put(dir + "/inner", new File(writer, Long.parseLong(f[2]), Long.parseLong(f[3])));
                }
                case "DV" -> {
                    String from = path(f[1], writer + "-dir");
                    String to = path(f[2], writer + "-dir");
                    dirs.remove(from);
                    dirs.add(to);
                    files.put(to + "/inner", require(files.remove(from + "/inner"), line));
                }
                case "DR" -> {
                    String dir = path(f[1], writer + "-dir");
                    dirs.remove(dir);
                    require(files.remove(dir + "/inner"), line);
                }
                case "DONE" -> {
                    operations += Long.parseLong(f[1]);
                    tolerated += Long.parseLong(f[2]);
                }
                default -> throw new IllegalArgumentException("unknown log line of " + writer + ": " + line);
            }
        }
    }

    /** Replays the shared files' log: "SW J WRITER SEQ SIZE" and "SD J WRITER". */
    void replayShared(List<String> lines) {
        for (String line : lines) {
            String[] f = line.split(" ");
            String path = "d0/shared-" + f[1];
            if (f[0].equals("SW")) {
                File file = files.get(path);
                if (file == null) {
                    files.put(path, new File(f[2], Long.parseLong(f[3]), Long.parseLong(f[4])));
                } else {
                    file.write(f[2], Long.parseLong(f[3]), Long.parseLong(f[4]));
                }
            } else {
                require(files.remove(path), line);
            }
        }
    }

    private static <T> T require(T value, String line) {
        if (value == null) {
            throw new IllegalStateException("the log names a file the replay does not have: " + line);
        }
        return value;
    }
}
