package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleEngineTest {
    @TempDir
    Path tmp;

    private static List<Object> fleetWithIncidents() {
        List<Object> rows = new ArrayList<>();
        for (int m = 0; m < 40; m++) {
            String machine = "m-" + m;
            rows.add(Rows.boundPort("2024-05-01T10:00:00Z", machine).set("Ip", m % 3 == 0 ? "0.0.0.0" : "10.0.0.4"));
            if (m % 4 == 0) {
                rows.add(Rows.connection("2024-05-01T10:00:00Z", machine).set("DestinationIp", "192.9.135.73").malicious("C2", 4, 90));
            }
        }
        return rows;
    }

    private static List<String> keys(List<Alert> alerts) {
        return alerts.stream().map(a -> a.rule() + "@" + a.machine() + "/" + a.fingerprint()).sorted().toList();
    }

    @Test
    void partitioningByMachineGivesTheSameAlertsAsOneSession() throws Exception {
        List<String> one;
        try (RuleHarness h = RuleHarness.of(RuleHarness.SHIPPED_RULES, 1)) {
            one = keys(h.feed(fleetWithIncidents().toArray()).drain().alerts());
        }
        try (RuleHarness h = RuleHarness.of(RuleHarness.SHIPPED_RULES, 3)) {
            assertEquals(one, keys(h.feed(fleetWithIncidents().toArray()).drain().alerts()));
        }
        assertEquals(14 + 10, one.size());
    }

    @Test
    void anIdleEngineClosesItsOpenMinutesOnce() throws Exception {
        try (RuleHarness h = RuleHarness.shipped()) {
            for (int m = 0; m < 20; m++) {
                h.feed(Rows.connection(String.format("2024-05-01T10:%02d:00Z", m), "m-1"));
            }
            for (int m = 20; m < 24; m++) {
                h.feed(Rows.connection(String.format("2024-05-01T10:%02d:00Z", m), "m-1").set("LinksFailed", 30));
            }
            // The last two minutes are within the allowed lateness: not judged yet.
            assertEquals(0, h.alerts("connection-failure-spike-machine").size());
            assertFalse(h.engine().drainIfIdle(Duration.ofHours(1)), "busy: a record arrived less than an hour ago");
            assertEquals(0, h.alerts("connection-failure-spike-machine").size(), "a busy engine keeps its minutes open");

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> h.engine().drainIfIdle(Duration.ofMillis(200)));
            assertEquals(1, h.alerts("connection-failure-spike-machine").size(), "idle for 200 ms: its minutes were closed");
            assertFalse(h.engine().drainIfIdle(Duration.ZERO), "nothing new since the last close");

            // Something new arrives: busy again, so an hour's idle is not reached, though there is now something to close.
            h.feed(Rows.connection("2024-05-01T10:24:00Z", "m-1"));
            assertFalse(h.engine().drainIfIdle(Duration.ofHours(1)), "busy: a record just arrived");
            assertTrue(h.engine().drainIfIdle(Duration.ZERO), "the new minute is still open: only the idle time held it");
        }
    }

    /** One machine far ahead (a replayed 2099 record, or max-future off) must not stop the idle close from closing later minutes. */
    @Test
    void aMachineFarAheadDoesNotStopLaterIdleCloses() throws Exception {
        try (RuleHarness h = RuleHarness.shipped()) {
            for (int m = 0; m < 20; m++) {
                h.feed(Rows.connection(String.format("2024-05-01T10:%02d:00Z", m), "m-1"));
                if (m == 0) {
                    h.feed(Rows.connection("2099-01-01T00:00:00Z", "ahead"));
                }
            }
            assertTrue(h.engine().drainIfIdle(Duration.ZERO), "the open minutes are closed");
            for (int m = 20; m < 24; m++) {
                h.feed(Rows.connection(String.format("2024-05-01T10:%02d:00Z", m), "m-1").set("LinksFailed", 30));
            }
            assertEquals(0, h.alerts("connection-failure-spike-machine").size(), "the spike's last minutes are still open");
            assertTrue(h.engine().drainIfIdle(Duration.ZERO), "records arrived since the last close: their minutes are closed too");
            assertEquals(1, h.alerts("connection-failure-spike-machine").size());
        }
    }

    /**
     * GET /rules runs on an event loop: reading the running rules must not wait while a submit
     * holds the engine's lock waiting for room in a full partition queue (or a reload waits for
     * the partitions to park).
     */
    @Test
    void theRunningRulesAreReadWhileASubmitWaitsForRoom() throws Exception {
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AlertSink stuck = new AlertSink() {
            @Override
            public void publish(Alert alert) {
                publishing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        List<MachineRecord> alerting = new ArrayList<>();
        new RecordDecoder().decode("test", Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73")
            .malicious("C2", 4, 90).json(), RecordDecoder.Sink.of(alerting::add, r -> {
                throw new AssertionError(r.message());
            }));
        RuleSet set = RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT);
        try (RuleEngine engine = new RuleEngine(set, stuck, new RuleEngine.Settings(1, Duration.ofMinutes(2), Duration.ofMinutes(30), 1),
            Clock.systemUTC())) {
            CompletableFuture<Void> first = engine.submit(alerting);
            CompletableFuture<Void> queued = null;
            CompletableFuture<Void> waiting = new CompletableFuture<>();
            Thread submitter = new Thread(() -> engine.submit(List.of()).whenComplete((v, t) -> waiting.complete(null)), "waiting-submit");
            try {
                assertTrue(publishing.await(60, TimeUnit.SECONDS), "the partition is stuck publishing the alert");
                queued = engine.submit(List.of());
                submitter.start();
                // WAITING (not BLOCKED): it holds the engine's lock and waits for room in the queue
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> submitter.getState() == Thread.State.WAITING);

                assertEquals(set.rules().releaseId(), CompletableFuture.supplyAsync(engine::rules).get(5, TimeUnit.SECONDS).releaseId(),
                    "the rules are read at once");
            } finally {
                release.countDown();
            }
            first.get(60, TimeUnit.SECONDS);
            queued.get(60, TimeUnit.SECONDS);
            waiting.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailingConsequenceIsCountedAndTheOtherRulesGoOn() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("wildcard-bind.drl"), rules.resolve("wildcard-bind.drl"));
        Files.writeString(rules.resolve("broken-at-runtime.drl"), """
            package t;
            import io.connwatch.engine.facts.BoundPort;
            rule "throws"
            when
                BoundPort( port == 6379 )
            then
                throw new IllegalStateException("boom");
            end
            """);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-2").set("Ip", "0.0.0.0").set("Port", 8080)).drain();
            assertTrue(h.engine().stats().ruleErrors.sum() >= 1);
            assertEquals(h.engine().stats().ruleErrors.sum(), h.engine().stats().errorsByRule.get("throws").sum(), "counted by rule");
            assertEquals(java.util.Set.of("throws"), h.engine().stats().errorsByRule.keySet());
            assertEquals(2, h.engine().stats().firesByRule.get("unexpected-wildcard-bind").sum());
            assertEquals(2, h.alerts("unexpected-wildcard-bind").size(), h.alerts().toString());
        }
    }
}
