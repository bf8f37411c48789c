package io.connwatch.engine.devtools.bench;

import java.io.IOException;

/** The parse ceiling: one thread, Jackson's streaming parser, every record into a new {@link FlatRecord}, nothing else. */
public final class JacksonCeiling {
    private JacksonCeiling() {
    }

    /** What a pass saw: enough sums that the parse cannot be optimised away, and to check it read everything. */
    public record Result(long records, long connections, long boundPorts, long bytesSent) {
    }

    public static Result run(BenchInput input) throws IOException {
        long[] sums = new long[4];
        input.parse(r -> {
            sums[0]++;
            if ("VMBoundPort".equals(r.type)) {
                sums[2]++;
            } else {
                sums[1]++;
            }
            sums[3] += r.bytesSent;
        });
        return new Result(sums[0], sums[1], sums[2], sums[3]);
    }
}
