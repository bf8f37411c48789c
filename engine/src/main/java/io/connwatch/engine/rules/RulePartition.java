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
    /** Replaced by a repair ({@link #repairIfNeeded}) or a failed in-place update ({@link #update}). */
    private KieSession session;
    private SessionPseudoClock clock;
    /**
     * This partition's own container of the rules (null for partition 0, whose session lives in the
     * engine's): a knowledge base with sessions of two partitions is not updated correctly in place
     * (see {@link #update}).
     */
    private org.kie.api.runtime.KieContainer own;
    private RuleSet data;
    private final MinuteRollup rollup;
    /** The window sums over this partition's rollups that rules read through the {@code windows} global. */
    private final io.connwatch.engine.facts.RollupWindows windows;
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
        this.data = ruleSet;
        if (index == 0) {
            this.own = null;
            this.session = rules.newSession();
        } else {
            this.own = org.kie.api.KieServices.get().newKieContainer(rules.releaseId());
            org.kie.api.KieBase kieBase = own.getKieBase("connwatch");
            ConditionGuard.guard(kieBase);
            this.session = CompiledRules.newSession(kieBase);
        }
        this.judgeOnce = rules.retention().rowsJudgedOnce();
        this.clock = session.getSessionClock();
        this.windows = new io.connwatch.engine.facts.RollupWindows(rules.retention().rollups().toMillis(), () -> clock.getCurrentTime());
        this.wallClock = wallClock;
        this.locator = new RuleLocator(rules.files());
        // Conditions are evaluated on this thread only (see RuleEngine): their failures are this partition's.
        ConditionGuard.reportOnThisThread(this::conditionFailed);
        this.alerts = new Alerts(sink, new EpisodeDeduplicator(episodeGap), wallClock);
        listen(session);
        globals(session);
    }

    /** Counts the firings of a new session of this partition (once per session). */
    private void listen(KieSession s) {
        s.addEventListener(new org.kie.api.event.rule.DefaultAgendaEventListener() {
            @Override
            public void afterMatchFired(org.kie.api.event.rule.AfterMatchFiredEvent event) {
                stats.fired(event.getMatch().getRule().getName());
            }
        });
    }

    /** Sets the globals of a session from the rules' data files, and how long episodes are held. */
    private void globals(KieSession s) {
        alerts.dedup().holdFor(longestFactLifetime(s.getKieBase()));
        setGlobal(s, "alerts", alerts);
        setGlobal(s, "params", data.params());
        setGlobal(s, "bindAllowlist", data.allowlist());
        setGlobal(s, "countries", data.countries());
        setGlobal(s, "windows", windows);
    }

    private static void setGlobal(KieSession session, String name, Object value) {
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
            if (judgeOnce) {
                // a row no pattern passes would be inserted, propagated and deleted for nothing
                if (reach.reaches(session, batch.get(i))) {
                    handles[i] = session.insert(batch.get(i));
                } else {
                    stats.rowsSkipped.increment();
                }
            } else {
                session.insert(batch.get(i));
            }
        }
        fire();
        if (repairIfNeeded() && judgeOnce) {
            for (int i = 0; i < handles.length; i++) {
                handles[i] = session.getFactHandle(batch.get(i));
            }
        }
        publishCounts();
        forgetEvicted();
        sightings.expire(watermark);
        if (judgeOnce) {
            // Rows were judged by the per-row rules; windows live on the rollups. Dropping them
            // now keeps memory flat without one expiration timer per row.
            for (FactHandle h : handles) {
                if (h != null) {
                    session.delete(h);
                }
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
        List<Object> late = new ArrayList<>(hits.size());
        for (Connection c : hits) {
            Object row = c.lateDetection(now.match(c.getRemoteIp()));
            late.add(row);
            session.insert(row);
        }
        fire();
        repairIfNeeded();
        for (Object row : late) {
            FactHandle h = session.getFactHandle(row);
            if (h != null) {
                session.delete(h);
            }
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
        windows.forget(gone);
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
            windows.add(f);
        }, everything);
    }

    /** Moves to {@code watermark} without new records (idle time, or the end of a replay). */
    void advance(long watermark, boolean releaseAll) {
        if (releaseAll) {
            insertHistory(true);
        }
        // What is pending first (history, a retro-match's rows) at the clock it arrived at.
        fire();
        repairIfNeeded();
        MinuteRollup.MinuteSink closeMinute = (minuteEnd, facts) -> {
            FactHandle[] handles = new FactHandle[facts.size()];
            boolean[] skipped = new boolean[facts.size()];
            for (int i = 0; i < facts.size(); i++) {
                stats.rollups.increment();
                // a rollup no pattern passes, current or judged, would be dropped unheld right after
                // its minute: it is not inserted unless judging it makes it pass one (below)
                if (facts.get(i) instanceof MinuteFact && !reach.reaches(session, facts.get(i))) {
                    skipped[i] = true;
                } else {
                    handles[i] = session.insert(facts.get(i));
                }
                windows.add(facts.get(i));
            }
            moveClock(Math.min(minuteEnd, watermark));
            fire();
            if (repairIfNeeded()) {
                // the rollups, still current, were judged in the rebuilt session: its handles now
                for (int i = 0; i < handles.length; i++) {
                    handles[i] = skipped[i] ? null : session.getFactHandle(facts.get(i));
                }
            }
            // Judged: no longer the current minute, so these never anchor a rule again.
            for (int i = 0; i < handles.length; i++) {
                if (facts.get(i) instanceof MinuteFact m) {
                    m.judged();
                    if (skipped[i] && reach.reaches(session, m)) {
                        // would pass a pattern once judged: inserted while current and updated, as
                        // before, so that Drools decides what the update reaches (property
                        // reactivity: a pattern that does not listen to `current` is not told).
                        // Inserted now rather than at its minute's insert: a condition reading a
                        // global's changing state could answer otherwise now (none shipped does).
                        skipped[i] = false;
                        m.unjudged();
                        handles[i] = session.insert(m);
                        // propagated as current (Drools propagates an insert lazily, at the next fire)
                        ((org.drools.core.common.InternalWorkingMemory) session).flushPropagations();
                        m.judged();
                    }
                    if (handles[i] != null) {
                        session.update(handles[i], m, "current");
                        judged.add(handles[i]);
                    } else if (skipped[i]) {
                        stats.rollupsSkipped.increment();
                        skippedRollups.add(m);
                    }
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
        if (repairNeeded || failedSinceJudged) {
            // what a failed flush lost has no tuples either: nothing is dropped on that evidence,
            // and the rollups not inserted for passing no pattern are kept as they would have been
            for (Object f : skippedRollups) {
                session.insert(f);
            }
            skippedRollups.clear();
            judged.clear();
            failedSinceJudged = false;
            repairIfNeeded();
        } else {
            dropUnheld();
        }
        alerts.watermark(watermark);
        publishCounts();
        if (releaseAll) {
            failIfNotDurable();
        }
    }

    /** Whether a row or rollup would pass any pattern's alpha conditions (those that would not are not inserted). */
    private final AlphaReach reach = new AlphaReach();

    /** Rollups judged since the last {@link #dropUnheld} that were never inserted (no pattern passes them). */
    private final List<Object> skippedRollups = new ArrayList<>();

    /** Rollups judged since the last {@link #dropUnheld}. */
    private final List<FactHandle> judged = new ArrayList<>();

    /**
     * Deletes the rollups just judged that no rule holds: a judged rollup never changes again, so
     * one that reached no rule's join, accumulate or match as it was judged (no tuple refers to it)
     * can never be matched later; kept, it would only fill memory until it expires (the per-remote
     * rollups of ordinary traffic, which only the current minute's rules read). A rule a reload
     * adds sees the rollups the rules held when it came.
     */
    private void dropUnheld() {
        skippedRollups.clear();
        for (FactHandle h : judged) {
            org.drools.core.common.InternalFactHandle f = (org.drools.core.common.InternalFactHandle) h;
            if (f.isValid() && !f.hasMatches()) {
                session.delete(h);
                stats.rollupsDropped.increment();
            }
        }
        judged.clear();
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

    private boolean repairing;
    /** Drools failed inside this session twice in one fire: it is rebuilt once the work in hand is done with its handles. */
    private boolean repairNeeded;
    /** Drools failed inside the session since the rollups in {@link #judged} were judged: their tuples cannot be trusted. */
    private boolean failedSinceJudged;
    private RuntimeException repairCause;
    private long lastRepairNanos;
    private static final long REPAIR_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private void fire() {
        int engineFailures = 0;
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
                    failedSinceJudged = true;
                    if (++engineFailures == 2) {
                        // retrying fails the same way: the session is rebuilt when the caller is done with its handles
                        repairNeeded = true;
                        repairCause = e;
                        return;
                    }
                }
            }
        }
    }

    /**
     * Rebuilds the session if Drools failed inside it twice in one fire: a session in that state
     * stays broken (Drools retries what failed, an expiration say, on every later call, so each
     * batch would fail again, forever). Its facts go into a new session of the same rules, which
     * starts with a clean agenda and clean timers; every rule judges them again there (alerts
     * already raised are deduplicated by episode). Callers must then look up again any fact handle
     * they hold.
     *
     * @return true when the session was replaced
     */
    private boolean repairIfNeeded() {
        if (!repairNeeded || repairing) {
            return false;
        }
        long nowNanos = System.nanoTime();
        if (lastRepairNanos != 0 && nowNanos - lastRepairNanos < REPAIR_INTERVAL_NANOS) {
            // a rebuild that did not help is not repeated at once: the failures are counted meanwhile
            return false;
        }
        repairNeeded = false;
        lastRepairNanos = nowNanos;
        RuntimeException cause = repairCause;
        repairing = true;
        long moved;
        try {
            moved = moveFacts(session.getKieBase());
        } finally {
            repairing = false;
        }
        stats.sessionRepairs.increment();
        LOG.error("partition {}: the rule engine kept failing inside Drools ({}); its session was rebuilt from its {} facts",
            index, rootMessage(cause), moved);
        return true;
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

    /**
     * Switches this partition to a new version of the rules after the engine's container was updated
     * to it; called by the reloading thread while this partition's thread is parked (the engine's
     * latches order the two), so a condition failing while Drools propagates the update is not
     * reported to this partition (the guard reports on partition threads). Partition 0's session lives in the
     * engine's container, already updated; every other partition updates its own container in place
     * (KieContainer.updateToVersion: facts, windows and remembered facts stay; unchanged rules do not
     * fire again). Each knowledge base holds one session because Drools 10.2 cleans the tuples of a
     * removed one-pattern rule (an AlphaTerminalNode) out of only the first session of a knowledge
     * base (EagerPhreakBuilder.processLeftTuples returns inside its loop over sessions): in every
     * other session those facts keep a tuple whose node is gone, their expiry throws a
     * NullPointerException in flushExpirations, and Drools retries it on every later fire.
     */
    void update(CompiledRules rules, RuleSet files) {
        this.data = files;
        this.judgeOnce = rules.retention().rowsJudgedOnce();
        windows.retention(rules.retention().rollups().toMillis());
        this.locator = new RuleLocator(rules.files());
        if (own != null) {
            String failure;
            try {
                List<org.kie.api.builder.Message> errors = own.updateToVersion(rules.releaseId())
                    .getMessages(org.kie.api.builder.Message.Level.ERROR);
                failure = errors.isEmpty() ? null : errors.toString();
            } catch (RuntimeException e) {
                failure = e.toString();
            }
            if (failure != null) {
                // Never left behind its peers: a container of its own at the new version, the facts moved into it.
                LOG.error("partition {} could not update its rules in place ({}); its facts move into a new knowledge base"
                    + " (facts of the rules' own declared types do not match the new rules)", index, failure);
                own.dispose();
                own = org.kie.api.KieServices.get().newKieContainer(rules.releaseId());
                org.kie.api.KieBase kieBase = own.getKieBase("connwatch");
                ConditionGuard.guard(kieBase);
                moveFacts(kieBase);
                return;
            }
            ConditionGuard.guard(own.getKieBase("connwatch"));
        }
        globals(session);
    }

    /**
     * Moves this partition's facts into a new session of {@code kieBase} (the same one for a repair)
     * and disposes of the old one: a clean agenda and clean timers. Events go in in the order of their start times, the
     * new session's clock moved to each (so an event without a timestamp field keeps its age), then
     * to where the old clock was. Every rule judges what was moved (repeats of alerts are
     * deduplicated by episode).
     *
     * @return the number of facts moved
     */
    private long moveFacts(org.kie.api.KieBase kieBase) {
        KieSession old = session;
        long now = clock.getCurrentTime();
        List<org.drools.core.common.InternalFactHandle> handles = new ArrayList<>();
        for (FactHandle h : old.getFactHandles()) {
            handles.add((org.drools.core.common.InternalFactHandle) h);
        }
        // plain facts first, then events by start time
        handles.sort(java.util.Comparator.comparingLong(h -> h.isEvent() ? ((org.drools.core.common.DefaultEventHandle) h).getStartTimestamp()
            : Long.MIN_VALUE));
        KieSession fresh = CompiledRules.newSession(kieBase);
        listen(fresh);
        globals(fresh);
        SessionPseudoClock freshClock = fresh.getSessionClock();
        for (org.drools.core.common.InternalFactHandle h : handles) {
            if (h.isEvent()) {
                long start = Math.min(now, ((org.drools.core.common.DefaultEventHandle) h).getStartTimestamp());
                long at = freshClock.getCurrentTime();
                if (start > at) {
                    freshClock.advanceTime(start - at, TimeUnit.MILLISECONDS);
                }
            }
            fresh.insert(h.getObject());
        }
        long at = freshClock.getCurrentTime();
        if (now > at) {
            freshClock.advanceTime(now - at, TimeUnit.MILLISECONDS);
        }
        this.session = fresh;
        this.clock = freshClock;
        old.dispose();
        fire();
        publishCounts();
        return handles.size();
    }

    KieSession session() {
        return session;
    }

    int rememberedAddresses() {
        return sightings.addresses();
    }

    long factCount() {
        return session.getFactCount();
    }

    long windowRollups() {
        return windows.rollups();
    }

    long clockMillis() {
        return clock.getCurrentTime();
    }

    Alerts alerts() {
        return alerts;
    }

    void dispose() {
        session.dispose();
        if (own != null) {
            own.dispose();
        }
    }
}
