package io.connwatch.engine.facts;

import java.time.Instant;
import java.util.Map;

/**
 * A fact with an event time on one machine, which can say what an alert raised on it is about
 * (machine, computer, process) and describe itself as the alert's evidence.
 */
public interface EventFact {
    /** The table or fact kind, e.g. {@code VMConnection} or {@code MachineMinute}. */
    String getTable();

    /** The event time. */
    Instant getTimeGenerated();

    /** The event time in epoch milliseconds (the Drools timestamp). */
    long getTimestamp();

    /** The {@code m-GUID} machine id the fact belongs to. */
    String getMachine();

    /** The FQDN of the machine, when known. */
    String getComputer();

    /** The fact's columns in a stable order, for evidence and output. */
    Map<String, Object> toColumns();

    /**
     * The process an alert raised {@code .on(fact)} names (it is part of the alert's
     * fingerprint), or null when the fact names none: a machine-wide fact, whose alerts name a
     * process only when the rule does ({@code .process(...)}).
     */
    String alertProcess();
}
