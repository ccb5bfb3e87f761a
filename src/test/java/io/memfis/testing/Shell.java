package io.memfis.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Runs real commands (bash -c) for tests, with a time bound, and checks what they said. */
public final class Shell {

    /** What a command did. */
    public record Result(int exit, String out, String err) {
        public Result ok() {
            if (exit != 0 || !err.isEmpty()) {
                fail("command failed (exit " + exit + ")\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    private Shell() {
    }

    /**
     * A new directory in tmpfs ({@code /dev/shm}) where there is one, else in the temporary
     * directory: thousands of small files are made much faster on tmpfs than on a disk.
     */
    public static Path tmpfsDirectory(String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, prefix)
                : Files.createTempDirectory(prefix);
    }

    /** Runs {@code script} in {@code dir}; fails the test if it takes longer than two minutes. */
    public static Result run(Path dir, String script) {
        return run(dir, script, 120);
    }

    public static Result run(Path dir, String script, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(List.of("bash", "-c", script))
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("command did not finish within " + timeoutSeconds + " s: " + script);
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run bash: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Runs {@code script} and requires exit 0 and nothing on stderr. */
    public static String ok(Path dir, String script) {
        return run(dir, script).ok().out();
    }

    /** Runs {@code script} and requires exit status {@code exit}. */
    public static Result expect(int exit, Path dir, String script) {
        Result r = run(dir, script);
        assertEquals(exit, r.exit(), () -> "exit status of: " + script + "\nstdout: " + r.out() + "\nstderr: " + r.err());
        return r;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
