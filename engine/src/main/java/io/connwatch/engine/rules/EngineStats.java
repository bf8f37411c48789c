package io.connwatch.engine.rules;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters the engine keeps while it runs; read from any thread. */
public final class EngineStats {
    public final LongAdder records = new LongAdder();
    public final LongAdder connections = new LongAdder();
    public final LongAdder boundPorts = new LongAdder();
    public final LongAdder lateForWindows = new LongAdder();
    /** Rows of machines new to their partition that were already behind the watermark: counted as history. */
    public final LongAdder historyRows = new LongAdder();
    public final LongAdder rollups = new LongAdder();
    /** Rollups deleted as soon as they were judged because no rule held them (see RulePartition#dropUnheld). */
    public final LongAdder rollupsDropped = new LongAdder();
    /** Rollups never inserted into a session because no pattern's alpha conditions pass them, current or judged (see AlphaReach). */
    public final LongAdder rollupsSkipped = new LongAdder();
    /** Rows never inserted into a session because no pattern's alpha conditions pass them (see AlphaReach). */
    public final LongAdder rowsSkipped = new LongAdder();
    /** Live records refused because their TimeGenerated was more than rules.max-future ahead of the wall clock. */
    public final LongAdder futureRejected = new LongAdder();
    /** Machines whose minutes the partitions track now (bounded by rules.max-machines). */
    public final LongAdder trackedMachines = new LongAdder();
    /** Machines evicted because more than rules.max-machines were tracked (the idlest first). */
    public final LongAdder machinesEvicted = new LongAdder();
    /** Rows not summed per process because their machine-minute had rules.max-processes process keys already. */
    public final LongAdder processRowsDropped = new LongAdder();
    /** Outbound rows not summed per remote (RemoteMinute) beyond the limit of remote keys per machine-minute. */
    public final LongAdder remoteRowsDropped = new LongAdder();
    /** Remote keys whose contact cadence was forgotten because more than the limit were tracked. */
    public final LongAdder cadenceKeysDropped = new LongAdder();
    public final LongAdder rulesFired = new LongAdder();
    public final LongAdder ruleErrors = new LongAdder();
    public final LongAdder alertsRaised = new LongAdder();
    public final LongAdder alertsPublished = new LongAdder();
    public final LongAdder lateDetections = new LongAdder();
    /** Sessions rebuilt from their facts because Drools kept failing inside them (see RulePartition#repair). */
    public final LongAdder sessionRepairs = new LongAdder();
    /** Fires by rule name (the rules are the configuration's, so the keys are bounded). */
    public final ConcurrentHashMap<String, LongAdder> firesByRule = new ConcurrentHashMap<>();
    /** Rules failed at run time with where they are and the last error (conditions and consequences). */
    public final RuleFailures failures = new RuleFailures();
    /** Failed conditions and consequences by rule name. */
    public final ConcurrentHashMap<String, LongAdder> errorsByRule = new ConcurrentHashMap<>();
    /** The names of the rules that fired at least once (for test-rules --coverage and /rules); a view of {@link #firesByRule}. */
    public final Set<String> firedRules = Collections.unmodifiableSet(firesByRule.keySet());

    /** Counts one fire of the rule. */
    public void fired(String rule) {
        LongAdder n = firesByRule.get(rule);
        if (n == null) {
            n = firesByRule.computeIfAbsent(rule, k -> new LongAdder());
        }
        n.increment();
    }

    /** Counts one failed condition or consequence of the rule (or of an unknown rule, named {@code ""}). */
    public void ruleError(String rule) {
        ruleErrors.increment();
        errorsByRule.computeIfAbsent(rule, k -> new LongAdder()).increment();
    }
}
