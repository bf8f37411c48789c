package io.connwatch.engine.alert.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sink that fails must not keep an alert, a repeat or a flush from the sinks beside it. */
class FanOutSinkTest {
    /** Writes down every call, in order. */
    private static final class RecordingSink implements AlertSink {
        final List<String> calls = new ArrayList<>();

        @Override
        public void publish(Alert alert) {
            calls.add("publish " + alert.id());
        }

        @Override
        public void repeated(String fingerprint, long evidenceMillis) {
            calls.add("repeated " + fingerprint + " " + evidenceMillis);
        }

        @Override
        public void flush() {
            calls.add("flush");
        }
    }

    /** Fails on every call, as a full disk or a closed producer would. */
    private static final class BrokenSink implements AlertSink {
        int calls;

        @Override
        public void publish(Alert alert) {
            calls++;
            throw new IllegalStateException("disk full");
        }

        @Override
        public void repeated(String fingerprint, long evidenceMillis) {
            calls++;
            throw new IllegalStateException("episode log closed");
        }

        @Override
        public void flush() {
            calls++;
            throw new java.io.UncheckedIOException(new java.io.IOException("stream closed"));
        }
    }

    private static Alert alert(String id) {
        return new Alert(id, "malicious-remote-ip-outbound", Severity.HIGH, "fp-" + id, Instant.parse("2024-04-01T08:15:00Z"),
            Instant.parse("2024-04-01T08:16:00Z"), "app-001.contoso.com", "m-1", "python3", "summary", Map.of(), List.of());
    }

    private final RecordingSink before = new RecordingSink();
    private final BrokenSink broken = new BrokenSink();
    private final RecordingSink after = new RecordingSink();
    private final FanOutSink fanOut = new FanOutSink(List.of(before, broken, after));

    @Test
    void aFailingSinkDoesNotKeepAnAlertFromTheOthers() {
        fanOut.publish(alert("a1"));
        fanOut.publish(alert("a2"));
        assertEquals(List.of("publish a1", "publish a2"), before.calls);
        assertEquals(List.of("publish a1", "publish a2"), after.calls);
        assertEquals(2, broken.calls, "the broken sink is still asked each time");
    }

    @Test
    void aFailingSinkDoesNotKeepARepeatFromTheOthers() {
        fanOut.repeated("fp-1", 1_000L);
        fanOut.repeated("fp-2", 2_000L);
        assertEquals(List.of("repeated fp-1 1000", "repeated fp-2 2000"), before.calls);
        assertEquals(List.of("repeated fp-1 1000", "repeated fp-2 2000"), after.calls);
        assertEquals(2, broken.calls);
    }

    @Test
    void aFailingSinkDoesNotKeepTheOthersFromFlushing() {
        fanOut.flush();
        assertEquals(List.of("flush"), before.calls);
        assertEquals(List.of("flush"), after.calls);
        assertEquals(1, broken.calls);
    }
}
