package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A TimeGenerated that parses but lies outside what epoch milliseconds can hold is one rejected
 * line: it must not fail the whole body (HTTP answered 500 "long overflow", replay exited 1).
 */
class RecordDecoderTimeRangeTest {
    private static final String CONN = "{\"TimeGenerated\":\"%s\",\"Machine\":\"m-1\",\"Direction\":\"outbound\","
        + "\"SourceIp\":\"10.0.0.4\",\"DestinationIp\":\"8.8.8.8\",\"DestinationPort\":53}";

    @ParameterizedTest
    @ValueSource(strings = {"-999999999-01-01T00:00:00Z", "+999999999-01-01T00:00:00Z", "-999999999-01-01T00:00:00"})
    void aTimeBeyondEpochMillisIsRejectedAndTheOtherLinesKept(String time) {
        List<MachineRecord> records = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        String good = CONN.formatted("2024-05-01T10:00:00Z");
        new RecordDecoder().decode("test", good + "\n" + CONN.formatted(time) + "\n" + good + "\n",
            RecordDecoder.Sink.of(records::add, rejections::add));
        assertEquals(2, records.size());
        assertEquals(1, rejections.size(), rejections.toString());
        assertEquals("line 2", rejections.get(0).location());
        assertEquals("TimeGenerated", rejections.get(0).field());
    }
}
