package io.connwatch.engine.devtools.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The benchmark's input, read the same way by every pipeline: chunks of JSON-lines text held in
 * memory, or a JSON-lines file (gzip or not) read from disk again on every run.
 */
public final class BenchInput {
    private static final JsonFactory JSON = new JsonFactory();
    private final List<String> chunks;
    private final Path file;
    private long records;
    private long machineMinutes;
    private long bytes;

    private BenchInput(List<String> chunks, Path file) {
        this.chunks = chunks;
        this.file = file;
    }

    /** Text in memory; counts its records and machine-minutes once, now. */
    public static BenchInput inMemory(List<String> chunks) throws IOException {
        BenchInput in = new BenchInput(List.copyOf(chunks), null);
        for (String c : chunks) {
            in.bytes += c.getBytes(StandardCharsets.UTF_8).length;
        }
        in.count();
        return in;
    }

    /** A file read from disk on every run; counts its records and machine-minutes once, now. */
    public static BenchInput file(Path file) throws IOException {
        BenchInput in = new BenchInput(null, file);
        in.bytes = Files.size(file);
        in.count();
        return in;
    }

    private void count() throws IOException {
        Map<String, Integer> machines = new HashMap<>();
        Set<Long> minutes = new HashSet<>();
        long[] n = {0};
        parse(r -> {
            n[0]++;
            int m = machines.computeIfAbsent(String.valueOf(r.machine), k -> machines.size());
            minutes.add((long) m << 32 | Math.floorDiv(r.time, 60_000L) & 0xFFFFFFFFL);
        });
        records = n[0];
        machineMinutes = minutes.size();
    }

    public boolean fromDisk() {
        return file != null;
    }

    /** The chunks of text (in memory only). */
    public List<String> chunks() {
        if (chunks == null) {
            throw new IllegalStateException("this input is a file");
        }
        return chunks;
    }

    /** The file (from disk only). */
    public Path file() {
        if (file == null) {
            throw new IllegalStateException("this input is in memory");
        }
        return file;
    }

    public long records() {
        return records;
    }

    /** Distinct (Machine, minute of TimeGenerated) pairs. */
    public long machineMinutes() {
        return machineMinutes;
    }

    /** Bytes of JSON text (of the file as stored, when from disk). */
    public long bytes() {
        return bytes;
    }

    /** Parses every record, one thread, with Jackson's streaming parser into new flat records. */
    public void parse(Consumer<FlatRecord> sink) throws IOException {
        if (file != null) {
            try (InputStream in = open(file); JsonParser p = JSON.createParser(in)) {
                drain(p, sink);
            }
        } else {
            for (String chunk : chunks) {
                try (JsonParser p = JSON.createParser(chunk)) {
                    drain(p, sink);
                }
            }
        }
    }

    private static void drain(JsonParser p, Consumer<FlatRecord> sink) throws IOException {
        for (FlatRecord r = FlatRecord.read(p); r != null; r = FlatRecord.read(p)) {
            sink.accept(r);
        }
    }

    /** The file's bytes, unzipped when it starts with the gzip magic, buffered 64 KiB. */
    public static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
