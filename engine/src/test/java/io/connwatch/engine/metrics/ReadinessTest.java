package io.connwatch.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.api.auth.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The readiness checks' thresholds on a clock the test moves (the delivery check runs against a
 * real receiver in {@link MetricsEndpointTest}).
 */
class ReadinessTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();

    private Readiness readiness(Readiness.Settings s, boolean kafka) {
        return new Readiness(s, new Readiness.Inputs(errors::get, accepted::get, null, kafka ? lag::get : null), clock);
    }

    private static Readiness.Settings settings(Duration window, int maxErrors, Duration stall, int lagChecks) {
        return new Readiness.Settings(Duration.ofSeconds(15), window, maxErrors, Duration.ofMinutes(10), stall, lagChecks);
    }

    /** Moves the clock on by a check interval and checks. */
    private Readiness.Verdict tick(Readiness r) {
        clock.advance(Duration.ofSeconds(15));
        return r.check();
    }

    @Test
    void ruleErrorsMakeItUnreadyOnlyWhileMoreThanTheMaximumFellWithinTheWindow() {
        Readiness r = readiness(settings(Duration.ofMinutes(1), 3, Duration.ZERO, 0), false);
        errors.set(3);
        assertTrue(tick(r).ready(), "3 is not more than 3");
        errors.set(4);
        Readiness.Verdict v = tick(r);
        assertFalse(v.ready());
        assertEquals(Set.of(Readiness.Check.RULE_ERRORS), v.failing());
        assertEquals(List.of("4 rule conditions or consequences failed within PT1M (more than 3; see ruleFailures in /stats)"),
            v.reasons());
        assertEquals(v, r.verdict(), "kept for /ready");
        assertEquals(v.reasons(), r.healthProblems(), "and /health says degraded");
        // no new error: once the errors are older than the window they no longer count
        assertFalse(tick(r).ready(), "t = 45 s");
        assertFalse(tick(r).ready(), "t = 60 s: the errors at 15 s and 30 s are still within the minute");
        assertEquals(1, r.healthProblems().size());
        assertTrue(tick(r).ready(), "t = 75 s: only the one error between 15 s and 30 s is within the minute");
        assertEquals(List.of(), r.healthProblems(), "/health is ok again");
        errors.addAndGet(10);
        assertFalse(tick(r).ready());
        assertEquals(1, r.healthProblems().size());
    }

    @Test
    void aZeroWindowTurnsTheRuleErrorCheckOff() {
        Readiness r = readiness(settings(Duration.ZERO, 0, Duration.ZERO, 0), false);
        errors.set(1_000);
        assertTrue(tick(r).ready());
    }

    @Test
    void ingestStallsWhenNoRecordIsAcceptedForTheConfiguredTimeAndRecoversWithTheNextRecord() {
        Readiness r = readiness(settings(Duration.ZERO, 0, Duration.ofSeconds(40), 0), false);
        assertTrue(tick(r).ready());
        assertTrue(tick(r).ready(), "30 s without records");
        Readiness.Verdict v = tick(r);
        assertFalse(v.ready(), "45 s");
        assertEquals(Set.of(Readiness.Check.INGEST_STALLED), v.failing());
        assertEquals(List.of("no record accepted for 45 s (ready.ingest-stall: PT40S)"), v.reasons());
        accepted.incrementAndGet();
        assertTrue(tick(r).ready());
        assertTrue(readiness(settings(Duration.ZERO, 0, Duration.ZERO, 0), false).check().ready(), "off by default");
    }

    @Test
    void kafkaLagRisingAtTheConfiguredNumberOfChecksInARowMakesItUnready() {
        Readiness r = readiness(settings(Duration.ZERO, 0, Duration.ZERO, 3), true);
        lag.set(100);
        assertTrue(tick(r).ready(), "the first look has nothing to compare with");
        lag.set(200);
        assertTrue(tick(r).ready());
        lag.set(300);
        assertTrue(tick(r).ready());
        lag.set(300);
        assertTrue(tick(r).ready(), "steady is not rising: the count starts again");
        for (int i = 1; i <= 2; i++) {
            lag.addAndGet(50);
            assertTrue(tick(r).ready(), "rose " + i + " times");
        }
        lag.addAndGet(50);
        Readiness.Verdict v = tick(r);
        assertFalse(v.ready());
        assertEquals(List.of("the Kafka lag rose at 3 checks in a row, to 450 records"), v.reasons());
        lag.set(10);
        assertTrue(tick(r).ready(), "falling again");
        assertTrue(readiness(settings(Duration.ZERO, 0, Duration.ZERO, 3), false).check().ready(), "no Kafka, no check");
    }

    @Test
    void theStatsSectionNamesTheFailingChecksAndTheThresholds() {
        Readiness r = readiness(settings(Duration.ofMinutes(5), 0, Duration.ofSeconds(1), 0), false);
        errors.set(1);
        tick(r);
        var json = r.json();
        assertFalse(json.getBoolean("ready"));
        assertEquals(List.of("rule_errors", "ingest_stalled"), json.getJsonArray("failing").getList());
        assertEquals(2, json.getJsonArray("reasons").size());
        assertEquals("2024-05-01T10:00:15Z", json.getString("checkedAt"));
        assertEquals("PT1S", json.getJsonObject("settings").getString("ingestStall"));
    }
}
