package io.connwatch.engine.ingest;

import io.connwatch.engine.facts.Connection;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.facts.Table;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of what the sources accepted and rejected, in all and by source (and table), with the
 * latest rejections kept for display.
 */
public final class IngestStats {
    /** Where records come from; a metric label, so a closed set. */
    public enum Source {
        HTTP, KAFKA, FILE;

        /** The name as a label value: {@code http}, {@code kafka}, {@code file}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int KEEP = 100;
    public final LongAdder accepted = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    private final LongAdder[][] acceptedBy = new LongAdder[Source.values().length][Table.values().length];
    private final LongAdder[] rejectedBy = new LongAdder[Source.values().length];
    private final Deque<Rejection> recent = new ArrayDeque<>();

    public IngestStats() {
        for (Source s : Source.values()) {
            rejectedBy[s.ordinal()] = new LongAdder();
            for (Table t : Table.values()) {
                acceptedBy[s.ordinal()][t.ordinal()] = new LongAdder();
            }
        }
    }

    /** Counts records a source accepted. */
    public void accepted(Source source, List<? extends MachineRecord> records) {
        int connections = 0;
        for (MachineRecord r : records) {
            if (r instanceof Connection) {
                connections++;
            }
        }
        LongAdder[] by = acceptedBy[source.ordinal()];
        by[Table.VM_CONNECTION.ordinal()].add(connections);
        by[Table.VM_BOUND_PORT.ordinal()].add(records.size() - connections);
        accepted.add(records.size());
    }

    /** Counts one record a source accepted. */
    public void accepted(Source source, MachineRecord record) {
        acceptedBy[source.ordinal()][(record instanceof Connection ? Table.VM_CONNECTION : Table.VM_BOUND_PORT).ordinal()].increment();
        accepted.increment();
    }

    /** Counts a rejection and keeps it among the latest. */
    public void rejected(Source source, Rejection r) {
        rejected(source, 1);
        synchronized (recent) {
            if (recent.size() == KEEP) {
                recent.removeFirst();
            }
            recent.addLast(r);
        }
    }

    /** Counts rejections that are not kept (beyond what an answer lists). */
    public void rejected(Source source, long count) {
        rejectedBy[source.ordinal()].add(count);
        rejected.add(count);
    }

    /** Records of this table the source accepted so far. */
    public long accepted(Source source, Table table) {
        return acceptedBy[source.ordinal()][table.ordinal()].sum();
    }

    /** Records the source rejected so far. */
    public long rejected(Source source) {
        return rejectedBy[source.ordinal()].sum();
    }

    /** The latest rejections, oldest first (at most 100). */
    public List<Rejection> recentRejections() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
