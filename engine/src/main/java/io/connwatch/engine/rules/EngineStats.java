package io.connwatch.engine.rules;

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
    public final LongAdder rulesFired = new LongAdder();
    public final LongAdder ruleErrors = new LongAdder();
    public final LongAdder alertsRaised = new LongAdder();
    public final LongAdder alertsPublished = new LongAdder();
    public final LongAdder lateDetections = new LongAdder();
    /** The names of the rules that fired at least once (for test-rules --coverage and /rules). */
    public final java.util.Set<String> firedRules = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
