package io.connwatch.engine.rules;

import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.alert.Alerts;
import io.connwatch.engine.alert.episodes.EpisodeDeduplicator;
import io.connwatch.engine.facts.Connection;
import io.connwatch.engine.facts.EventFact;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.MinuteRollup;
import io.connwatch.engine.facts.MinuteFact;
import io.connwatch.engine.facts.SightingMemory;
import io.connwatch.engine.facts.PortBaseline;
import io.connwatch.engine.facts.BoundPort;
import io.connwatch.feeds.IpIndex;
import io.connwatch.feeds.ThreatSnapshot;
import java.util.ArrayList;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Drools session with the machines hashed to it, its minute rollups and its alert dedup.
 * Every method runs on the partition's own thread (see {@link RuleEngine}), so nothing here is
 * shared or locked.
 */
final class RulePartition {
    private static final Logger LOG = LoggerFactory.getLogger(RulePartition.class);
    private static final int MAX_FIRE_ROUNDS = 100;

    private final int index;
    private final KieSession session;
    private final SessionPseudoClock clock;
    private final MinuteRollup rollup;
    private long evictionsCounted;
    private long trackedCounted;
    private long processDropsCounted;
    private long remoteDropsCounted;
    private long cadenceDropsCounted;
    private long historyCounted;
    private final Alerts alerts;
    private final EngineStats stats;
    /** Rows are deleted right after their batch: no loaded rule declares (and no setting asks) that they be kept. */
    private boolean judgeOnce;
    private final SightingMemory sightings;
    private final PortBaseline ports = new PortBaseline();
    private long lastPublishedRaised;
    private long lastPublished;
    private final RecordTap tap;
    private final Clock wallClock;
    private volatile RuleLocator locator;

    /** Keeps the learned port baselines in {@code m} too (call on the partition's thread). */
    void portMemory(PortBaseline.Memory m) {
        ports.use(m);
    }

    RulePartition(int index, RuleSet ruleSet, AlertSink sink, Duration episodeGap, Clock wallClock, EngineStats stats,
                  Duration retroWindow, int retroAddresses, MinuteRollup.Limits limits, RecordTap tap) {
        CompiledRules rules = ruleSet.rules();
        this.tap = tap;
        this.rollup = new MinuteRollup(limits);
        this.sightings = new SightingMemory(retroWindow.toMillis(), retroAddresses);
        this.index = index;
        this.stats = stats;
        this.session = rules.newSession();
        this.judgeOnce = rules.retention().rowsJudgedOnce();
        this.clock = session.getSessionClock();
        this.wallClock = wallClock;
        this.locator = new RuleLocator(rules.files());
        // Conditions are evaluated on this thread only (see RuleEngine): their failures are this partition's.
        ConditionGuard.reportOnThisThread(this::conditionFailed);
        session.addEventListener(new org.kie.api.event.rule.DefaultAgendaEventListener() {
            @Override
            public void afterMatchFired(org.kie.api.event.rule.AfterMatchFiredEvent event) {
                stats.fired(event.getMatch().getRule().getName());
            }
        });
        this.alerts = new Alerts(sink, new EpisodeDeduplicator(episodeGap), wallClock);
        alerts.dedup().holdFor(longestFactLifetime(session.getKieBase()));
        setGlobal("alerts", alerts);
        setGlobal("params", ruleSet.params());
        setGlobal("bindAllowlist", ruleSet.allowlist());
        setGlobal("countries", ruleSet.countries());
    }

    private void setGlobal(String name, Object value) {
        boolean declared = session.getKieBase().getKiePackages().stream()
            .anyMatch(p -> p.getGlobalVariables().stream().anyMatch(g -> g.getName().equals(name)));
        if (declared) {
            session.setGlobal(name, value);
        }
    }

    /**
     * Takes a batch in: the minutes the new watermark closes are judged (each at its own end), the
     * clock moves to the watermark (facts whose time is up expire), and then the batch's rows are
     * inserted and judged at that clock. Rows are judged after the clock moved, so a fact a rule
     * remembered with {@code @expires} is gone for a row past its expiry however far one batch moves
     * the clock (judged before, the rows saw the session as of the previous batch's clock).
     */
    void process(List<MachineRecord> batch, long watermark, ThreatSnapshot intel) {
        for (MachineRecord r : batch) {
            if (r instanceof BoundPort b) {
                ports.observe(b);
            }
        }
        for (MachineRecord r : batch) {
            if (r instanceof Connection c) {
                ports.mark(c);
                if (!intel.isEmpty()) {
                    c.enrich(intel.match(c.getRemoteIp()), intel.allowed(c.getRemoteIp()));
                }
                if (!rollup.add(c)) {
                    stats.lateForWindows.increment();
                }
                sightings.remember(c);
            }
        }
        if (!batch.isEmpty()) {
            tap.accepted(batch);
        }
        insertHistory(false);
        stats.historyRows.add(rollup.historyRows() - historyCounted);
        historyCounted = rollup.historyRows();
        advance(watermark, false);
        FactHandle[] handles = judgeOnce ? new FactHandle[batch.size()] : null;
        for (int i = 0; i < batch.size(); i++) {
            FactHandle h = session.insert(batch.get(i));
            if (judgeOnce) {
                handles[i] = h;
            }
        }
        fire();
        publishCounts();
        forgetEvicted();
        sightings.expire(watermark);
        if (judgeOnce) {
            // Rows were judged by the per-row rules; windows live on the rollups. Dropping them
            // now keeps memory flat without one expiration timer per row.
            for (FactHandle h : handles) {
                session.delete(h);
            }
        }
        failIfNotDurable();
    }

    /**
     * Judges again the remembered connections to addresses a feed refresh has just added, as late
     * detections with their original times.
     *
     * @return how many connections were judged again
     */
    int retroMatch(ThreatSnapshot now, IpIndex added) {
        long watermark = clock.getCurrentTime();
        List<Connection> hits = sightings.matching(ip -> added.contains(ip) && !now.allowed(ip), watermark);
        List<FactHandle> handles = new ArrayList<>(hits.size());
        for (Connection c : hits) {
            handles.add(session.insert(c.lateDetection(now.match(c.getRemoteIp()))));
        }
        fire();
        for (FactHandle h : handles) {
            session.delete(h);
        }
        publishCounts();
        stats.lateDetections.add(hits.size());
        failIfNotDurable();
        return hits.size();
    }

    /**
     * Removes from the session the rollups of machines the rollup evicted (more machines than its
     * limit: the idlest go), so a flood of new machine names cannot grow the session without end.
     * Their open minutes were released (judged) just before.
     */
    private void forgetEvicted() {
        java.util.Set<String> gone = new java.util.HashSet<>();
        rollup.evicted(gone::add);
        stats.machinesEvicted.add(rollup.evictions() - evictionsCounted);
        evictionsCounted = rollup.evictions();
        stats.processRowsDropped.add(rollup.processRowsDropped() - processDropsCounted);
        processDropsCounted = rollup.processRowsDropped();
        stats.remoteRowsDropped.add(rollup.remoteRowsDropped() - remoteDropsCounted);
        remoteDropsCounted = rollup.remoteRowsDropped();
        stats.cadenceKeysDropped.add(rollup.cadence().keysDropped() - cadenceDropsCounted);
        cadenceDropsCounted = rollup.cadence().keysDropped();
        stats.trackedMachines.add(rollup.machines() - trackedCounted);
        trackedCounted = rollup.machines();
        if (gone.isEmpty()) {
            return;
        }
        List<FactHandle> handles = new ArrayList<>(session.getFactHandles(o -> o instanceof MinuteFact m && gone.contains(m.getMachine())));
        for (FactHandle h : handles) {
            session.delete(h);
        }
    }

    /** Fails the work in hand when an alert it raised reached no durable output: the caller must not acknowledge it (HTTP answers 503, Kafka re-reads). */
    private void failIfNotDurable() {
        AlertSink.NotDurableException lost = alerts.takeNotDurable();
        if (lost != null) {
            throw lost;
        }
    }

    /** Inserts the history the rollup summed for machines new here: judged minutes that windows count. */
    private void insertHistory(boolean everything) {
        rollup.drainHistory(f -> {
            stats.rollups.increment();
            session.insert(f);
        }, everything);
    }

    /** Moves to {@code watermark} without new records (idle time, or the end of a replay). */
    void advance(long watermark, boolean releaseAll) {
        if (releaseAll) {
            insertHistory(true);
        }
        // What is pending first (history, a retro-match's rows) at the clock it arrived at.
        fire();
        MinuteRollup.MinuteSink closeMinute = (minuteEnd, facts) -> {
            FactHandle[] handles = new FactHandle[facts.size()];
            for (int i = 0; i < facts.size(); i++) {
                stats.rollups.increment();
                handles[i] = session.insert(facts.get(i));
            }
            moveClock(Math.min(minuteEnd, watermark));
            fire();
            // Judged: no longer the current minute, so these never anchor a rule again.
            for (int i = 0; i < handles.length; i++) {
                if (facts.get(i) instanceof MinuteFact m) {
                    m.judged();
                    session.update(handles[i], m, "current");
                }
            }
        };
        if (releaseAll) {
            rollup.releaseAll(closeMinute);
        } else {
            rollup.release(watermark, closeMinute);
        }
        moveClock(watermark);
        fire();
        alerts.watermark(watermark);
        publishCounts();
        if (releaseAll) {
            failIfNotDurable();
        }
    }

    private void publishCounts() {
        stats.alertsRaised.add(alerts.raised() - lastPublishedRaised);
        stats.alertsPublished.add(alerts.published() - lastPublished);
        lastPublishedRaised = alerts.raised();
        lastPublished = alerts.published();
    }

    private void moveClock(long to) {
        long now = clock.getCurrentTime();
        if (to > now) {
            clock.advanceTime(to - now, TimeUnit.MILLISECONDS);
        }
    }

    private void fire() {
        for (int round = 0; round < MAX_FIRE_ROUNDS; round++) {
            try {
                stats.rulesFired.add(session.fireAllRules());
                return;
            } catch (RuntimeException e) {
                if (AlertSink.NotDurableException.in(e)) {
                    // reported by the sink and failed with the batch; the other activations still run
                    continue;
                }
                // A failing consequence must not stop the engine or the other rules: count it,
                // log it, and fire again so the remaining activations still run.
                org.kie.api.runtime.rule.ConsequenceException c = consequenceException(e);
                if (c != null && c.getRule() != null) {
                    failed(c.getRule().getPackageName(), c.getRule().getName(), "consequence", null, e);
                } else {
                    // Thrown inside Drools, not by a condition (those are guarded) nor a consequence.
                    failed(null, "", "engine", null, e);
                }
            }
        }
    }

    private void conditionFailed(ConditionGuard.Failure f) {
        org.kie.api.definition.rule.Rule[] rules = f.rules();
        if (rules == null || rules.length == 0) {
            failed(null, "", "condition", f.expression(), f.error());
            return;
        }
        for (org.kie.api.definition.rule.Rule r : rules) {
            failed(r.getPackageName(), r.getName(), "condition", f.eval() ? RuleLocator.EVAL : f.expression(), f.error());
        }
    }

    /** Counts and logs (once a minute per rule at most) a rule's failure, naming the rule and its DRL file:line. */
    private void failed(String pkg, String rule, String part, String condition, Throwable e) {
        stats.ruleError(rule);
        String where = rule.isEmpty() ? "" : locator.where(pkg, rule, condition);
        String message = rootMessage(e) + (condition == null || condition.equals(RuleLocator.EVAL) ? "" : " in `" + condition.strip() + "`");
        long skipped = stats.failures.record(rule, where, part, message, wallClock.instant(), System.nanoTime());
        if (skipped < 0) {
            return;
        }
        String more = skipped == 0 ? "" : " (" + skipped + " more failures of it since the last report)";
        if (rule.isEmpty()) {
            LOG.error("partition {}: the rule engine failed outside any rule's condition or consequence: {}{}", index, message, more, e);
        } else if ("condition".equals(part)) {
            // the stack says nothing the message does not: Drools' own frames
            LOG.error("partition {}: rule \"{}\" ({}) failed in its condition and loses this match: {}{}", index, rule, where, message,
                more);
        } else {
            LOG.error("partition {}: rule \"{}\" ({}) failed in its consequence: {}{}", index, rule, where, message, more, e);
        }
    }

    /** The consequence exception in the chain, or null. */
    private static org.kie.api.runtime.rule.ConsequenceException consequenceException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.kie.api.runtime.rule.ConsequenceException c) {
                return c;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** Episodes are kept at most this much longer for facts that never expire (or expire later). */
    private static final Duration MAX_HOLD = Duration.ofHours(24);

    /**
     * The longest time an event stays in a session of this knowledge base (the retention of rows and
     * rollups, or a declared type's {@code @expires}), at most {@link #MAX_HOLD}; zero when none expires.
     */
    static Duration longestFactLifetime(org.kie.api.KieBase kieBase) {
        long longest = 0;
        for (org.drools.core.reteoo.ObjectTypeNode otn : ((org.drools.core.impl.InternalRuleBase) kieBase).getRete().getObjectTypeNodes()) {
            long offset = otn.getExpirationOffset();
            if (offset > 0 && offset < Long.MAX_VALUE) {
                longest = Math.max(longest, offset);
            }
        }
        return Duration.ofMillis(Math.min(longest, MAX_HOLD.toMillis()));
    }

    /** Sets the data files' content after a reload; called while the partition is paused. */
    void ruleData(RuleSet data) {
        judgeOnce = data.rules().retention().rowsJudgedOnce();
        alerts.dedup().holdFor(longestFactLifetime(session.getKieBase()));
        locator = new RuleLocator(data.rules().files());
        setGlobal("countries", data.countries());
        setGlobal("params", data.params());
        setGlobal("bindAllowlist", data.allowlist());
        setGlobal("alerts", alerts);
    }

    int rememberedAddresses() {
        return sightings.addresses();
    }

    long factCount() {
        return session.getFactCount();
    }

    long clockMillis() {
        return clock.getCurrentTime();
    }

    Alerts alerts() {
        return alerts;
    }

    void dispose() {
        session.dispose();
    }
}
