package io.connwatch.engine.ingest.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GzipBodyTest {
    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    /** A gzip of {@code n} zero bytes, written in pieces so the test does not hold them. */
    static byte[] zeros(long n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] block = new byte[1 << 20];
        try (GZIPOutputStream z = new GZIPOutputStream(out, 1 << 16)) {
            for (long left = n; left > 0; left -= block.length) {
                z.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return out.toByteArray();
    }

    @Test
    void inflatesAnHonestBody() throws Exception {
        byte[] text = "{\"a\":1}\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(text, GzipBody.inflate(gzip(text), 1 << 20, 1000));
    }

    @Test
    void aBombStopsAtTheByteLimit() throws Exception {
        byte[] bomb = zeros(64L << 20);
        GzipBody.Refused e = assertThrows(GzipBody.Refused.class, () -> GzipBody.inflate(bomb, 1 << 20, Integer.MAX_VALUE));
        assertEquals(413, e.status);
        assertTrue(e.getMessage().contains("more than 1048576 bytes"), e.getMessage());
    }

    @Test
    void aBombStopsAtTheRatioLimitBelowTheByteLimit() throws Exception {
        byte[] bomb = zeros(8L << 20);
        GzipBody.Refused e = assertThrows(GzipBody.Refused.class, () -> GzipBody.inflate(bomb, 1L << 30, 100));
        assertEquals(413, e.status);
        assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain text, not gzip at all", "", "\u001f"})
    void plainTextIsA400(String body) {
        GzipBody.Refused e = assertThrows(GzipBody.Refused.class,
            () -> GzipBody.inflate(body.getBytes(StandardCharsets.UTF_8), 1 << 20, 100));
        assertEquals(400, e.status);
    }

    @Test
    void cutAndCorruptBodiesAre400s() throws Exception {
        byte[] good = gzip("{\"a\":1}\n".repeat(100).getBytes(StandardCharsets.UTF_8));
        assertEquals(400, assertThrows(GzipBody.Refused.class,
            () -> GzipBody.inflate(Arrays.copyOf(good, good.length - 12), 1 << 20, 1000)).status);
        byte[] corrupt = good.clone();
        corrupt[corrupt.length - 6] ^= 0x55;
        assertEquals(400, assertThrows(GzipBody.Refused.class, () -> GzipBody.inflate(corrupt, 1 << 20, 1000)).status);
        byte[] twoMembers = Arrays.copyOf(good, good.length * 2);
        System.arraycopy(good, 0, twoMembers, good.length, good.length);
        assertEquals(400, assertThrows(GzipBody.Refused.class, () -> GzipBody.inflate(twoMembers, 1 << 20, 1000)).status);
    }
}
