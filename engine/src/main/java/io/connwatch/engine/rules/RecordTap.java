package io.connwatch.engine.rules;

import io.connwatch.engine.facts.MachineRecord;
import java.util.List;

/**
 * Sees every batch of records a rule partition takes in, once their threat verdicts are set:
 * called on the partition's own thread, so several partitions call it at once, and the rules wait
 * while it runs (keep it cheap; it must not keep the list).
 */
@FunctionalInterface
public interface RecordTap {
    /** A tap that does nothing. */
    RecordTap NONE = batch -> { };

    /** One partition's share of a batch, in input order. */
    void accepted(List<MachineRecord> batch);
}
