package io.memfis.layout;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule of what is stored compressed, and streams any gzip reader takes. */
class GzipContentTest {

    @Test
    void textByExtensionIsCompressibleAndNothingElse() {
        for (String p : new String[]{"/index.html", "/a/B.CSS", "/app.min.js", "/m.mjs", "/d.json", "/i.svg", "/w.wasm", "/r.md"}) {
            assertTrue(GzipContent.compressible(p), p);
        }
        for (String p : new String[]{"/logo.png", "/a.tar.gz", "/f.woff2", "/README", "/.html", "/dir.html/x", "/x.", "/v.mp4"}) {
            assertFalse(GzipContent.compressible(p), p);
        }
    }

    @Test
    void onlyContentThatShrinksByATenthAndFitsIsCompressed() throws IOException {
        byte[] text = "<p>memfis</p>\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] gz = GzipContent.compress(text, text.length, 1 << 20);
        assertNotNull(gz);
        assertArrayEquals(text, new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(), "a standard gzip stream");
        assertArrayEquals(text, GzipContent.content(gz, GzipContent.FLAG, text.length));
        assertArrayEquals(text, GzipContent.content(text, 0, text.length), "flags 0: the value itself");

        byte[] noise = new byte[20_000];
        new Random(1).nextBytes(noise);
        assertNull(GzipContent.compress(noise, noise.length, 1 << 20));
        assertNull(GzipContent.compress(new byte[0], 0, 1 << 20));
        assertNull(GzipContent.compress("hi\n".getBytes(StandardCharsets.US_ASCII), 3, 1 << 20));
        assertNull(GzipContent.compress(text, text.length, 40), "over the limit of one item");
    }

    @Test
    void aStreamFedPieceByPieceWithHolesIsOneGzipStream() throws IOException {
        byte[] text = "row,1,2,3\n".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        GzipContent.Stream s = new GzipContent.Stream(text.length + 100_000L, 1 << 20);
        assertTrue(s.add(text, 0, 200_000));
        assertTrue(s.addZeros(100_000));
        assertTrue(s.add(text, 200_000, text.length - 200_000));
        byte[] out = new GZIPInputStream(new ByteArrayInputStream(s.finish())).readAllBytes();
        byte[] expected = new byte[text.length + 100_000];
        System.arraycopy(text, 0, expected, 0, 200_000);
        System.arraycopy(text, 200_000, expected, 300_000, text.length - 200_000);
        assertArrayEquals(expected, out);
    }

    @Test
    void aValueThatIsNotGzipOrTooLongIsCorrupt() {
        assertThrows(CorruptValueException.class, () -> GzipContent.decompress("plain".getBytes(StandardCharsets.US_ASCII), 100));
        byte[] text = "x".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        byte[] gz = GzipContent.compress(text, text.length, 1 << 20);
        assertThrows(CorruptValueException.class, () -> GzipContent.decompress(gz, 9_999));
    }
}
