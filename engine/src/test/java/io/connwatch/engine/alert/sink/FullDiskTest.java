package io.connwatch.engine.alert.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import io.connwatch.engine.rules.CollectingSink;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleHarness;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (Linux's /dev/full answers every write with ENOSPC) or a failing outbox is reported
 * and stops nothing else; an alert that reached no durable output fails its batch, so nothing
 * acknowledges it, and is raised again when the evidence comes again.
 */
class FullDiskTest {
    private static final Path FULL = Path.of("/dev/full");

    private static Alert alert(String id) {
        return new Alert(id, "r", Severity.HIGH, "fp-" + id, Instant.parse("2024-05-01T10:00:00Z"), Instant.now(), "c", "m", null,
            "s", Map.of(), List.of());
    }

    @Test
    void aFullDiskIsReportedAndTheOtherOutputsStillGetTheAlert(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(FULL), "needs /dev/full");
        CollectingSink console = new CollectingSink();
        try (JsonlFileSink full = new JsonlFileSink(FULL); JsonlFileSink good = new JsonlFileSink(dir.resolve("alerts.jsonl"))) {
            FanOutSink out = new FanOutSink(List.of(console, full, good));
            out.publish(alert("a1"));
            out.publish(alert("a2"));
            assertEquals(2, console.alerts().size());
            assertEquals(2, Files.readAllLines(dir.resolve("alerts.jsonl")).size(), "the working file still gets every alert");
            FanOutSink.Output failing = out.outputs().get(1);
            assertTrue(failing.failing());
            assertEquals(2, failing.failures());
            assertTrue(failing.lastError().contains("/dev/full"), failing.lastError());
            assertTrue(!out.outputs().get(2).failing() && out.outputs().get(2).failures() == 0);
        }
    }

    @Test
    void anAlertThatReachesNoDurableOutputIsRefusedButStillShown() throws Exception {
        assumeTrue(Files.exists(FULL), "needs /dev/full");
        CollectingSink console = new CollectingSink();
        try (JsonlFileSink full = new JsonlFileSink(FULL)) {
            FanOutSink out = new FanOutSink(List.of(console, full));
            AlertSink.NotDurableException e = assertThrows(AlertSink.NotDurableException.class, () -> out.publish(alert("a1")));
            assertTrue(e.getMessage().contains("a1") && e.getMessage().contains("/dev/full"), e.getMessage());
            assertEquals(1, console.alerts().size(), "the console still shows it");
        }
    }

    @Test
    void aBatchWhoseAlertWasStoredNowhereFailsAndIsRaisedAgainWhenResent() throws Exception {
        AtomicBoolean diskFull = new AtomicBoolean(true);
        CollectingSink stored = new CollectingSink();
        AlertSink disk = new AlertSink() {
            @Override
            public void publish(Alert alert) {
                if (diskFull.get()) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
                }
                stored.publish(alert);
            }

            @Override
            public boolean durable() {
                return true;
            }
        };
        Path rules = RuleHarness.SHIPPED_RULES;
        try (RuleEngine engine = new RuleEngine(RuleSet.load(rules, EventRetention.DEFAULT), new FanOutSink(List.of(disk)),
            new RuleEngine.Settings(1, java.time.Duration.ofMinutes(2),
            java.time.Duration.ofMinutes(30), 16), Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))) {
            List<MachineRecord> batch = new ArrayList<>();
            new RecordDecoder().decode("t", Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "45.77.1.9")
                .malicious("C2", 5, 90) + "\n", RecordDecoder.Sink.of(batch::add, r -> {
                    throw new AssertionError(r.message());
                }));
            CompletionException failed = assertThrows(CompletionException.class, () -> engine.submit(batch).join());
            assertInstanceOf(AlertSink.NotDurableException.class, failed.getCause());
            assertEquals(0, engine.stats().ruleErrors.sum(), "a storage failure is not a rule error");
            assertEquals(0, stored.alerts().size());

            diskFull.set(false);
            engine.submit(batch).join(); // the sender retries the same records
            assertEquals(1, stored.alerts().size(), "the alert is raised again, not held back as a repeat");
            assertEquals("malicious-remote-ip-outbound", stored.alerts().get(0).rule());
        }
    }
}
