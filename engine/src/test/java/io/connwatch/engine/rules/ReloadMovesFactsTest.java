package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload moves every partition's facts into sessions of a new knowledge base instead of
 * updating the running one in place; and a session Drools keeps failing inside is rebuilt from
 * its facts instead of failing every batch after.
 */
class ReloadMovesFactsTest {
    private static final String HEADER = """
        package custom;
        import io.connwatch.alert.Severity;
        import io.connwatch.engine.facts.Connection;
        global io.connwatch.engine.alert.Alerts alerts;

        """;
    /** Remembers a machine's SSH for 2 hours, without a timestamp field: its age is its insertion time. */
    private static final String REMEMBER = HEADER + """
        declare Seen
            @role( event )
            @expires( 2h )
            machine : String
        end

        rule "remember"
        when
            $c : Connection( destinationPort == 22 )
            not Seen( machine == $c.machine )
        then
            insert( new Seen( $c.getMachine() ) );
        end

        rule "rdp-after-ssh"
        when
            $c : Connection( destinationPort == 3389 )
            Seen( machine == $c.machine )
        then
            alerts.raise(kcontext, Severity.LOW).on($c).emit();
        end
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
    void aRememberedEventKeepsItsAgeAcrossAReload() throws Exception {
        Files.writeString(rules.resolve("remember.drl"), REMEMBER);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(out("2024-05-01T08:00:00Z", 22));
            h.feed(out("2024-05-01T09:30:00Z", 443));
            assertEquals(List.of(), h.engine().reload().problems());
            // remembered at about 08:00 for 2 hours: gone by 10:30 (it would be there had the reload made it new at 09:30)
            h.feed(out("2024-05-01T10:30:00Z", 3389));
            assertEquals(0, h.alerts("rdp-after-ssh").size(), h.alerts().toString());
        }
    }

    @Test
    void aRememberedEventStillMatchesAfterTheReloadWithinItsLifetime() throws Exception {
        Files.writeString(rules.resolve("remember.drl"), REMEMBER);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(out("2024-05-01T08:00:00Z", 22));
            h.feed(out("2024-05-01T09:00:00Z", 443));
            assertEquals(List.of(), h.engine().reload().problems());
            h.feed(out("2024-05-01T09:30:00Z", 3389));
            assertEquals(1, h.alerts("rdp-after-ssh").size(), h.alerts().toString());
        }
    }

    @Test
    void factsOfATypeTheNewRulesNoLongerDeclareAreDroppedAndCounted() throws Exception {
        Files.writeString(rules.resolve("remember.drl"), REMEMBER);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(out("2024-05-01T08:00:00Z", 22));
            long before = h.engine().factCount();
            Files.delete(rules.resolve("remember.drl"));
            Files.writeString(rules.resolve("port.drl"), PORT_5555);
            assertEquals(List.of(), h.engine().reload().problems());
            assertEquals(1, h.engine().stats().factsDropped.sum());
            assertEquals(before - 1, h.engine().factCount(), "everything else moved");
            h.feed(out("2024-05-01T08:10:00Z", 5555));
            assertEquals(1, h.alerts("port-5555").size(), h.alerts().toString());
        }
    }

    @Test
    void eachReloadIsANewKnowledgeBaseAndTheOldOneIsForgotten() throws Exception {
        Files.writeString(rules.resolve("port.drl"), PORT_5555);
        try (RuleHarness h = RuleHarness.of(rules, 2)) {
            CompiledRules first = h.engine().rules();
            Files.writeString(rules.resolve("port.drl"), PORT_5555.replace("Severity.LOW", "Severity.HIGH"));
            assertEquals(List.of(), h.engine().reload().problems());
            CompiledRules second = h.engine().rules();
            assertNotSame(first.kieBase(), second.kieBase());
            assertEquals(null, org.kie.api.KieServices.get().getRepository().getKieModule(first.releaseId()),
                "the replaced version is no longer kept in the KIE repository");
            h.feed(out("2024-05-01T08:10:00Z", 5555));
            assertEquals(io.connwatch.alert.Severity.HIGH, h.alerts("port-5555").get(0).severity());
        }
    }

    @Test
    void aSessionDroolsKeepsFailingInsideIsRebuiltFromItsFactsAndGoesOn() throws Exception {
        Files.writeString(rules.resolve("port.drl"), PORT_5555);
        // rows kept 40 minutes, so they expire inside Drools (flushExpirations) as the clock moves
        try (RuleHarness h = RuleHarness.of(rules, 1, new EventRetention(Duration.ofMinutes(40), EventRetention.DEFAULT.rollups()))) {
            h.feed(out("2024-05-01T08:00:00Z", 443), out("2024-05-01T08:00:10Z", 443));
            // An expiration whose tuples point at a node Drools no longer knows: it fails inside Drools on every
            // flush and stays queued, the way the reported NullPointerException storm did (Mockito: the broken
            // network state itself cannot be built on purpose)
            h.engine().onSessions(s -> {
                org.drools.core.common.InternalFactHandle broken = org.mockito.Mockito.mock(org.drools.core.common.InternalFactHandle.class);
                org.mockito.Mockito.doThrow(new NullPointerException("getLeftTupleSource")).when(broken).forEachLeftTuple(org.mockito.ArgumentMatchers.any());
                org.drools.core.common.PropagationContext expiry = org.mockito.Mockito.mock(org.drools.core.common.PropagationContext.class);
                org.mockito.Mockito.when(expiry.getFactHandle()).thenReturn(broken);
                ((org.drools.core.common.ReteEvaluator) s).getActivationsManager().registerExpiration(expiry);
            });
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
}
