package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each partition's session is the only one of its knowledge base (Drools updates only the first
 * session of a knowledge base correctly when a reload removes a one-pattern rule: see
 * ReloadExpiryRegressionTest); and a session Drools keeps failing inside is rebuilt from its facts
 * instead of failing every batch after.
 */
class SessionRepairTest {
    private static final String HEADER = """
        package custom;
        import io.connwatch.alert.Severity;
        import io.connwatch.engine.facts.Connection;
        global io.connwatch.engine.alert.Alerts alerts;

        """;
    private static final String PORT_5555 = HEADER + """
        rule "port-5555"
        when
            $c : Connection( destinationPort == 5555 )
        then
            alerts.raise(kcontext, Severity.LOW).on($c).emit();
        end
        """;

    @TempDir
    Path tmp;
    private Path rules;

    @BeforeEach
    void parameters() throws Exception {
        rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("parameters.yaml"), rules.resolve("parameters.yaml"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Rows out(String time, int port) {
        return Rows.connection(time, "m-1").set("DestinationPort", port);
    }

    @Test
    void everyPartitionHasAKnowledgeBaseOfItsOwnAndEachHoldsOneSession() throws Exception {
        Files.writeString(rules.resolve("port.drl"), PORT_5555);
        try (RuleHarness h = RuleHarness.of(rules, 3)) {
            java.util.List<org.kie.api.KieBase> bases = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            h.engine().onSessions(s -> bases.add(s.getKieBase()));
            java.util.Set<org.kie.api.KieBase> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            distinct.addAll(bases);
            assertEquals(3, distinct.size(), "three knowledge bases: " + bases);
            for (org.kie.api.KieBase b : bases) {
                assertEquals(1, b.getKieSessions().size());
            }
            Files.writeString(rules.resolve("port.drl"), PORT_5555.replace("Severity.LOW", "Severity.HIGH"));
            assertEquals(List.of(), h.engine().reload().problems());
            h.feed(Rows.connection("2024-05-01T08:10:00Z", "m-1").set("DestinationPort", 5555),
                Rows.connection("2024-05-01T08:10:00Z", "m-2").set("DestinationPort", 5555),
                Rows.connection("2024-05-01T08:10:00Z", "m-3").set("DestinationPort", 5555),
                Rows.connection("2024-05-01T08:10:00Z", "m-4").set("DestinationPort", 5555));
            assertEquals(4, h.alerts("port-5555").size(), h.alerts().toString());
            assertTrue(h.alerts("port-5555").stream().allMatch(a -> a.severity() == io.connwatch.alert.Severity.HIGH),
                "every partition runs the reloaded rule: " + h.alerts());
            assertEquals(4, h.engine().stats().firesByRule.get("port-5555").sum(), "each firing counted once after a reload");
        }
    }

    @Test
    void aSessionDroolsKeepsFailingInsideIsRebuiltFromItsFactsAndGoesOn() throws Exception {
        Files.writeString(rules.resolve("port.drl"), PORT_5555);
        // rows kept 40 minutes, so they expire inside Drools (flushExpirations) as the clock moves
        try (RuleHarness h = RuleHarness.of(rules, 1, new EventRetention(Duration.ofMinutes(40), EventRetention.DEFAULT.rollups()))) {
            h.feed(out("2024-05-01T08:00:00Z", 443), out("2024-05-01T08:00:10Z", 443));
            breakExpiryInEverySession(h);
            h.feed(out("2024-05-01T09:00:00Z", 5555));
            h.feed(Rows.connection("2024-05-01T09:01:00Z", "m-2").set("DestinationPort", 5555));
            assertEquals(1, h.engine().stats().sessionRepairs.sum());
            assertEquals(2, h.engine().stats().ruleErrors.sum(), "two failures, then the rebuilt session works: "
                + h.engine().stats().failures.list());
            assertEquals(2, h.alerts("port-5555").size(), "the batch the failures held up was judged: " + h.alerts());
            java.util.concurrent.atomic.AtomicLong old = new java.util.concurrent.atomic.AtomicLong();
            h.engine().onSessions(s -> old.addAndGet(s.getObjects(o -> o instanceof io.connwatch.engine.facts.Connection c
                && c.getTimestamp() < java.time.Instant.parse("2024-05-01T08:30:00Z").toEpochMilli()).size()));
            assertEquals(0, old.get(), "the rows of 08:00 expired in the rebuilt session");
        }
    }

    @Test
    void aRepairWhileRowsAreJudgedOnceLeavesNoRowBehind() throws Exception {
        Files.writeString(rules.resolve("port.drl"), PORT_5555);
        // the default retention: rows are judged once and deleted right after their batch
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(out("2024-05-01T08:00:00Z", 443));
            breakExpiryInEverySession(h);
            h.feed(out("2024-05-01T08:01:00Z", 5555), out("2024-05-01T08:01:10Z", 443));
            h.feed(Rows.connection("2024-05-01T08:02:00Z", "m-2").set("DestinationPort", 5555));
            assertEquals(1, h.engine().stats().sessionRepairs.sum());
            assertEquals(2, h.alerts("port-5555").size(), h.alerts().toString());
            java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong current = new java.util.concurrent.atomic.AtomicLong();
            h.engine().onSessions(s -> {
                rows.addAndGet(s.getObjects(o -> o instanceof io.connwatch.engine.facts.Connection).size());
                current.addAndGet(s.getObjects(o -> o instanceof io.connwatch.engine.facts.MinuteFact m && m.isCurrent()).size());
            });
            assertEquals(0, rows.get(), "every row was deleted from the session it is in");
            assertEquals(0, current.get(), "closed minutes are judged in the session they are in");
        }
    }

    /**
     * Queues in every session an expiration whose tuples point at a node Drools no longer knows: it
     * fails inside Drools on every flush and stays queued, the way the reported NullPointerException
     * storm did (Mockito: the broken network state itself cannot be built on purpose).
     */
    private static void breakExpiryInEverySession(RuleHarness h) {
        h.engine().onSessions(s -> {
            org.drools.core.common.InternalFactHandle broken = org.mockito.Mockito.mock(org.drools.core.common.InternalFactHandle.class);
            org.mockito.Mockito.doThrow(new NullPointerException("getLeftTupleSource")).when(broken).forEachLeftTuple(org.mockito.ArgumentMatchers.any());
            org.drools.core.common.PropagationContext expiry = org.mockito.Mockito.mock(org.drools.core.common.PropagationContext.class);
            org.mockito.Mockito.when(expiry.getFactHandle()).thenReturn(broken);
            ((org.drools.core.common.ReteEvaluator) s).getActivationsManager().registerExpiration(expiry);
        });
    }
}
