package io.connwatch.engine.ingest;

import io.connwatch.engine.facts.Rejection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** Counts of what the sources read, accepted and rejected, with the latest rejections kept for display. */
public final class IngestStats {
    private static final int KEEP = 100;
    public final LongAdder accepted = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    private final Deque<Rejection> recent = new ArrayDeque<>();

    public void rejected(Rejection r) {
        rejected.increment();
        synchronized (recent) {
            if (recent.size() == KEEP) {
                recent.removeFirst();
            }
            recent.addLast(r);
        }
    }

    /** The latest rejections, oldest first (at most 100). */
    public List<Rejection> recentRejections() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
