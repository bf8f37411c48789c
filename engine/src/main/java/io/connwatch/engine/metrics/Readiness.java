package io.connwatch.engine.metrics;

import io.connwatch.notify.Delivery;
import io.connwatch.notify.OutboxEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Whether the service does its job, checked every {@link Settings#checkInterval}: not ready when
 * rule consequences keep failing, a receiver's delivery is stuck, ingest has stalled, or the Kafka
 * lag keeps rising. {@link #check} takes one look and keeps the verdict; {@link #verdict} is read
 * by {@code GET /ready} and the metrics without waiting.
 */
public final class Readiness {
    /** One check, named as in /stats and the metrics. */
    public enum Check {
        RULE_ERRORS, DELIVERY_STUCK, INGEST_STALLED, KAFKA_LAG_RISING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The {@code ready} settings.
     *
     * @param checkInterval        how often the checks run
     * @param ruleErrorWindow      rule errors are counted over this much time; zero turns the check off
     * @param maxRuleErrors        more failed rule consequences than this within the window: not ready
     * @param deliveryStuck        a receiver whose oldest waiting notification has waited longer, while its circuit is
     *                             open or its attempts fail: not ready; zero turns the check off
     * @param ingestStall          no record accepted for this long: not ready; zero (the default) turns the check off
     * @param kafkaLagRisingChecks the Kafka lag rose at this many checks in a row: not ready; zero turns the check off
     */
    public record Settings(Duration checkInterval, Duration ruleErrorWindow, int maxRuleErrors, Duration deliveryStuck,
                           Duration ingestStall, int kafkaLagRisingChecks) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(15), Duration.ofMinutes(5), 10, Duration.ofMinutes(10),
            Duration.ZERO, 20);
    }

    /**
     * What the checks read.
     *
     * @param ruleErrors the engine's failed consequences so far
     * @param accepted   records accepted so far by every source
     * @param delivery   the delivery path, or null when no receiver is configured
     * @param kafkaLag   the Kafka consumer's lag, or null when Kafka ingest is off
     */
    public record Inputs(LongSupplier ruleErrors, LongSupplier accepted, Delivery delivery, LongSupplier kafkaLag) {
    }

    /** The outcome of the last check: ready, or the checks that failed and why. */
    public record Verdict(boolean ready, Set<Check> failing, List<String> reasons) {
        public Verdict {
            failing = failing.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(failing));
            reasons = List.copyOf(reasons);
        }
    }

    private record Sample(long at, long count) {
    }

    private final Settings settings;
    private final Inputs inputs;
    private final Clock clock;
    private final Deque<Sample> errorSamples = new ArrayDeque<>();
    private long accepted;
    private long acceptedChangedAt;
    private long lastLag = -1;
    private int lagRises;
    private volatile Verdict verdict = new Verdict(true, Set.of(), List.of());
    private volatile long checkedAt;
    /** Why rules fail too often, as of the last check, or null. */
    private volatile String ruleErrorReason;

    public Readiness(Settings settings, Inputs inputs, Clock clock) {
        this.settings = settings;
        this.inputs = inputs;
        this.clock = clock;
        long now = clock.millis();
        errorSamples.add(new Sample(now, inputs.ruleErrors().getAsLong()));
        accepted = inputs.accepted().getAsLong();
        acceptedChangedAt = now;
    }

    /** Takes one look at everything and keeps the verdict. */
    public synchronized Verdict check() {
        long now = clock.millis();
        checkedAt = now;
        EnumSet<Check> failing = EnumSet.noneOf(Check.class);
        List<String> reasons = new ArrayList<>();
        ruleErrors(now, failing, reasons);
        delivery(now, failing, reasons);
        ingest(now, failing, reasons);
        kafka(failing, reasons);
        verdict = new Verdict(failing.isEmpty(), failing, reasons);
        return verdict;
    }

    private void ruleErrors(long now, Set<Check> failing, List<String> reasons) {
        long errors = inputs.ruleErrors().getAsLong();
        errorSamples.addLast(new Sample(now, errors));
        long windowStart = now - settings.ruleErrorWindow().toMillis();
        // keep the newest sample at or before the window's start as the base to count from
        while (errorSamples.size() > 1) {
            java.util.Iterator<Sample> it = errorSamples.iterator();
            it.next();
            if (it.next().at() > windowStart) {
                break;
            }
            errorSamples.removeFirst();
        }
        ruleErrorReason = null;
        if (settings.ruleErrorWindow().isZero()) {
            return;
        }
        long inWindow = errors - errorSamples.getFirst().count();
        if (inWindow > settings.maxRuleErrors()) {
            failing.add(Check.RULE_ERRORS);
            ruleErrorReason = inWindow + " rule conditions or consequences failed within " + settings.ruleErrorWindow() + " (more than "
                + settings.maxRuleErrors() + "; see ruleFailures in /stats)";
            reasons.add(ruleErrorReason);
        }
    }

    private void delivery(long now, Set<Check> failing, List<String> reasons) {
        Delivery d = inputs.delivery();
        if (d == null || settings.deliveryStuck().isZero()) {
            return;
        }
        for (String r : d.dispatcher().receivers()) {
            Optional<OutboxEntry> oldest = d.outbox().oldestPending(r);
            if (oldest.isEmpty()) {
                continue;
            }
            long waited = now - oldest.get().queuedAt();
            boolean open = d.dispatcher().circuitOpen(r);
            if (waited > settings.deliveryStuck().toMillis() && (open || oldest.get().attempts() > 0)) {
                failing.add(Check.DELIVERY_STUCK);
                reasons.add("receiver " + r + ": the oldest notification has waited " + Duration.ofMillis(waited).toSeconds() + " s ("
                    + (open ? "circuit open" : oldest.get().attempts() + " failed attempts") + ")");
            }
        }
    }

    private void ingest(long now, Set<Check> failing, List<String> reasons) {
        long n = inputs.accepted().getAsLong();
        if (n != accepted) {
            accepted = n;
            acceptedChangedAt = now;
        }
        Duration stall = settings.ingestStall();
        if (!stall.isZero() && now - acceptedChangedAt > stall.toMillis()) {
            failing.add(Check.INGEST_STALLED);
            reasons.add("no record accepted for " + Duration.ofMillis(now - acceptedChangedAt).toSeconds() + " s (ready.ingest-stall: "
                + stall + ")");
        }
    }

    private void kafka(Set<Check> failing, List<String> reasons) {
        if (inputs.kafkaLag() == null) {
            return;
        }
        long lag = inputs.kafkaLag().getAsLong();
        lagRises = lastLag >= 0 && lag > lastLag ? lagRises + 1 : 0;
        lastLag = lag;
        int limit = settings.kafkaLagRisingChecks();
        if (limit > 0 && lagRises >= limit) {
            failing.add(Check.KAFKA_LAG_RISING);
            reasons.add("the Kafka lag rose at " + lagRises + " checks in a row, to " + lag + " records");
        }
    }

    /**
     * What of the last check must also make {@code /health} degraded: rules failing at more than
     * the allowed rate (an operator must fix the rules; restarting would not help), empty when none.
     * Good again once a window passes without that many errors.
     */
    public List<String> healthProblems() {
        String reason = ruleErrorReason;
        return reason == null ? List.of() : List.of(reason);
    }

    /** The last check's verdict (ready before the first). */
    public Verdict verdict() {
        return verdict;
    }

    public Settings settings() {
        return settings;
    }

    /** The verdict with its reasons and the thresholds, for the {@code readiness} section of /stats. */
    public JsonObject json() {
        Verdict v = verdict;
        return new JsonObject().put("ready", v.ready())
            .put("failing", new JsonArray(v.failing().stream().sorted().map(Check::label).toList()))
            .put("reasons", new JsonArray(v.reasons()))
            .put("checkedAt", checkedAt == 0 ? null : java.time.Instant.ofEpochMilli(checkedAt).toString())
            .put("settings", new JsonObject().put("checkInterval", settings.checkInterval().toString())
                .put("ruleErrorWindow", settings.ruleErrorWindow().toString()).put("maxRuleErrors", settings.maxRuleErrors())
                .put("deliveryStuck", settings.deliveryStuck().toString()).put("ingestStall", settings.ingestStall().toString())
                .put("kafkaLagRisingChecks", settings.kafkaLagRisingChecks()));
    }
}
