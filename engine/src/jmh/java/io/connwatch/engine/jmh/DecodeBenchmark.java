package io.connwatch.engine.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.engine.devtools.DataGenerator;
import io.connwatch.engine.devtools.FleetProfile;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The decoder alone on one chunk of 4,096 generated JSON lines of a bench profile, from a String
 * (HTTP bodies, Kafka values, the in-memory bench) and from UTF-8 bytes (files, gzip bodies).
 * Scores are per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC")
@OperationsPerInvocation(DecodeBenchmark.LINES)
public class DecodeBenchmark {
    static final int LINES = 4096;

    @Param({"dense", "wide"})
    public String profile;

    private String text;
    private byte[] utf8;
    private RecordDecoder decoder;

    @Setup(Level.Trial)
    public void generate() {
        FleetProfile p = FleetProfile.parse(profile);
        ObjectMapper json = new ObjectMapper();
        StringBuilder sb = new StringBuilder(LINES * 1100);
        int[] n = {0};
        DataGenerator.Settings settings = new DataGenerator.Settings(p.defaultMachines(), p.hoursFor(LINES, p.defaultMachines()),
            Instant.parse("2024-04-01T00:00:00Z"), 7, true);
        try {
            p.generate(settings, row -> {
                if (n[0]++ >= LINES) {
                    throw new IllegalStateException("enough");
                }
                try {
                    sb.append(json.writeValueAsString(row)).append('\n');
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IllegalStateException enough) {
            // LINES rows written
        }
        text = sb.toString();
        utf8 = text.getBytes(StandardCharsets.UTF_8);
        decoder = new RecordDecoder();
    }

    @Benchmark
    public void fromString(Blackhole bh) {
        decoder.decode("jmh", text, sink(bh));
    }

    @Benchmark
    public void fromBytes(Blackhole bh) throws IOException {
        decoder.decode("jmh", new ByteArrayInputStream(utf8), sink(bh));
    }

    private static RecordDecoder.Sink sink(Blackhole bh) {
        return new RecordDecoder.Sink() {
            @Override
            public void record(MachineRecord record) {
                bh.consume(record);
            }

            @Override
            public void rejected(Rejection rejection) {
                throw new IllegalStateException(rejection.toString());
            }
        };
    }
}
