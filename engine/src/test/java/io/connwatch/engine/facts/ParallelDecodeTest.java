package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;

/**
 * The parallel decode yields exactly what one decode of the whole input yields, in the same order,
 * with the same locations, whatever the input holds and wherever its pieces are cut: JSON lines,
 * and the shapes whose state runs over lines (CSV headers, arrays, envelopes, pretty-printed
 * objects, quoted CSV values over lines), broken lines, bytes that are not UTF-8, a byte-order
 * mark, lines longer than a piece may be.
 */
class ParallelDecodeTest {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(3);

    @AfterContainer
    static void stop() {
        POOL.shutdownNow();
    }

    private static final String CONN = "{\"TimeGenerated\":\"2024-05-01T10:00:00Z\",\"Machine\":\"m-1\",\"Direction\":\"outbound\","
        + "\"SourceIp\":\"10.0.0.4\",\"DestinationIp\":\"192.0.2.9\",\"DestinationPort\":443,\"BytesSent\":12}";
    private static final String PORT = "{\"Type\":\"VMBoundPort\",\"TimeGenerated\":\"2024-05-01T10:01:00Z\",\"Machine\":\"m-2\","
        + "\"Ip\":\"0.0.0.0\",\"Port\":22,\"Protocol\":\"tcp\"}";
    private static final String CSV_HEADER = "TimeGenerated,Machine,Direction,SourceIp,DestinationIp,DestinationPort,BytesSent";

    /** Fragments input is made of: records alone on a line, and every piece of a shape that spans lines. */
    private static final List<byte[]> FRAGMENTS = List.of(
        utf8(CONN), utf8(PORT), utf8(CONN.replace("m-1", "m-3")), utf8(CONN + ","), utf8("[" + CONN + "," + PORT + "]"),
        utf8(CONN.substring(0, 40)), utf8("{\"Machine\": oops}"), utf8("not json at all"), utf8(""), utf8("   "),
        utf8(CSV_HEADER), utf8("2024-05-01T10:02:00Z,m-4,inbound,10.0.0.5,192.0.2.1,80,7"), utf8("2024-05-01T10:03:00Z,\"m-5"),
        utf8("line\",outbound,10.0.0.6,192.0.2.2,81,8"), utf8("["), utf8("]"), utf8("{"), utf8("}"), utf8("},"),
        utf8("  \"TimeGenerated\": \"2024-05-01T10:04:00Z\","), utf8("  \"Machine\": \"m-6\","), utf8("  \"BytesSent\": 3"),
        utf8("{\"records\": ["), utf8("]}"), utf8(CONN + "\r"), utf8("\"just a string\""), utf8("{\"Type\":\"Heartbeat\"}"),
        new byte[] {'{', '"', 'M', (byte) 0xff, '"', ':', '1', '}'}, utf8("\uFEFF" + CONN), utf8("x".repeat(700)),
        utf8("{\"Machine\":\"" + "y".repeat(900) + "\"}"), utf8("{\"records\":[" + CONN + "," + PORT + "]}"),
        utf8("{\"records\":[" + CONN + ",{\"Type\":\"Heartbeat\"}]}"));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<List<Integer>> inputs() {
        return Arbitraries.integers().between(0, FRAGMENTS.size() - 1).list().ofMinSize(0).ofMaxSize(60);
    }

    @Property(tries = 400)
    void yieldsExactlyWhatOneDecodeYields(@ForAll("inputs") List<Integer> fragments, @ForAll @IntRange(min = 1, max = 600) int piece,
                                          @ForAll @IntRange(min = 0, max = 1200) int extra, @ForAll boolean endsWithNewline)
        throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < fragments.size(); i++) {
            b.writeBytes(FRAGMENTS.get(fragments.get(i)));
            if (i < fragments.size() - 1 || endsWithNewline) {
                b.write('\n');
            }
        }
        byte[] input = b.toByteArray();
        assertEquals(sequential(input), parallel(input, piece, piece + extra));
    }

    @Test
    void jsonLinesEnvelopesAndBrokenLinesAreDecodedOnTheDecodeThreadsAlone() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append(switch (i % 5) {
                case 0 -> CONN;
                case 1 -> PORT;
                case 2 -> "{\"records\":[" + CONN + "," + PORT + "]}";
                case 3 -> "{\"Machine\": oops}";
                default -> CONN.substring(0, 50);
            }).append('\n');
        }
        Thread caller = Thread.currentThread();
        List<Thread> madeOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        ParallelDecode decode = new ParallelDecode(POOL, 3, () -> {
            madeOn.add(Thread.currentThread());
            return new RecordDecoder();
        }, 1000, 4000);
        List<String> out = new ArrayList<>();
        List<Thread> sinkThreads = new ArrayList<>();
        decode.decode("f", new ByteArrayInputStream(utf8(text.toString())), RecordDecoder.Sink.of(r -> {
            out.add(describe(r));
            sinkThreads.add(Thread.currentThread());
        }, r -> out.add(r.toString())));
        assertEquals(sequential(utf8(text.toString())), out);
        // No piece fell back to one decode on the calling thread; the sink ran on the calling thread only.
        assertTrue(!madeOn.isEmpty() && !madeOn.contains(caller), "decoders made on " + madeOn);
        assertTrue(sinkThreads.stream().allMatch(t -> t == caller));
    }

    @Test
    void aReadFailureStillHandsOverEveryWholeLineReadBeforeIt() throws IOException {
        byte[] lines = utf8((CONN + "\n").repeat(2000));
        InputStream failing = new java.io.SequenceInputStream(new ByteArrayInputStream(lines), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Unexpected end of ZLIB input stream");
            }
        });
        List<String> out = new ArrayList<>();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> new ParallelDecode(POOL, 3,
            RecordDecoder::new, 4096, 16384).decode("f", failing, RecordDecoder.Sink.of(r -> out.add(describe(r)), r -> out.add(r.toString()))));
        assertEquals("Unexpected end of ZLIB input stream", e.getMessage());
        assertEquals(2000, out.size());
        assertEquals(sequential(lines), out);
    }

    @Test
    void aLineLongerThanAnyPieceEndsInOneBoundedDecodeWithTheSameResult() throws IOException {
        String text = CONN + "\n" + "{\"Machine\":\"" + "z".repeat(50_000) + "\"}\n" + PORT + "\n";
        assertEquals(sequential(utf8(text)), parallel(utf8(text), 64, 1024));
    }

    @Test
    void rejectionsNameTheLinesAndBytesOfTheWholeInput() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            text.append(CONN).append('\n');
        }
        text.append("{\"Machine\": oops}\n");
        byte[] head = utf8(text.toString());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(head);
        b.writeBytes(new byte[] {'{', '"', 'M', (byte) 0xff, '"', ':', '1', '}', '\n'});
        List<String> out = parallel(b.toByteArray(), 300, 600);
        assertEquals(sequential(b.toByteArray()), out);
        assertTrue(out.stream().anyMatch(s -> s.startsWith("f:line 51, column ") && s.contains("malformed JSON")), out.toString());
        long badByte = head.length + 3;
        assertTrue(out.stream().anyMatch(s -> s.startsWith("f:line 52:") && s.contains("byte " + badByte)), out.toString());
    }

    @Test
    void forEachIndexRunsEveryIndexOnceAndPassesOnTheFirstFailure() {
        int[] seen = new int[10_000];
        ParallelDecode.forEachIndex(seen.length, 64, i -> seen[i]++);
        assertTrue(java.util.Arrays.stream(seen).allMatch(n -> n == 1));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> ParallelDecode.forEachIndex(10_000, 64, i -> {
                if (i == 7_777) {
                    throw new IllegalStateException("record 7777");
                }
            }));
        assertEquals("record 7777", e.getMessage());
        List<String> on = new ArrayList<>();
        ParallelDecode.forEachIndex(10, 64, i -> on.add(Thread.currentThread().getName()));
        assertEquals(java.util.Collections.nCopies(10, Thread.currentThread().getName()), on, "fewer than a slice: on the caller");
    }

    private static List<String> sequential(byte[] input) throws IOException {
        List<String> out = new ArrayList<>();
        new RecordDecoder().decode("f", new ByteArrayInputStream(input), RecordDecoder.Sink.of(r -> out.add(describe(r)),
            r -> out.add(r.toString())));
        return out;
    }

    private static List<String> parallel(byte[] input, int piece, int maxPiece) throws IOException {
        List<String> out = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(input);
        new ParallelDecode(POOL, 3, RecordDecoder::new, piece, Math.max(piece, maxPiece)).decode("f", in,
            RecordDecoder.Sink.of(r -> out.add(describe(r)), r -> out.add(r.toString())));
        return out;
    }

    private static String describe(MachineRecord r) {
        return r.getTable() + " " + r.toColumns();
    }
}
