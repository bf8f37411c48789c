package io.connwatch.engine.ingest.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Commits batches strictly in the order they were handed to the engine: a batch's offsets may be
 * committed only once it has finished (rules fired, so its alerts are in the outbox and the episode
 * log; its dead letters acknowledged) and so has every batch handed over before it. A failed batch
 * at the head stops it: nothing more is committed, and the consumer is to read again from the last
 * commit. Not thread-safe: one context.
 */
final class CommitTracker {
    /** A batch of polled records: how many, and the last offset and record timestamp it holds per partition. */
    static final class Batch {
        private final Map<TopicPartition, long[]> last = new LinkedHashMap<>();
        private int records;
        private boolean done;
        private Throwable failure;

        /** Adds a record; a partition's records are added in offset order. */
        void add(TopicPartition tp, long offset, long timestamp) {
            last.put(tp, new long[] {offset, timestamp});
            records++;
        }

        int records() {
            return records;
        }
    }

    /**
     * What finishing a batch allows.
     *
     * @param commit  the offsets to commit now (the next offset to read, with the last record's
     *                timestamp as metadata), of the partitions still owned; empty when there is none
     *                or on failure
     * @param judged  the records of the batches that left the queue finished
     * @param failure why a batch failed: commit nothing, read again from the last commit; null when none did
     */
    record Outcome(Map<TopicPartition, OffsetAndMetadata> commit, long judged, Throwable failure) {
        boolean failed() {
            return failure != null;
        }
    }

    private final Deque<Batch> inFlight = new ArrayDeque<>();

    /** The batch was taken by the engine: it commits after every batch taken before it. */
    void handedOver(Batch batch) {
        inFlight.addLast(batch);
    }

    /**
     * Marks a batch finished ({@code failure} null: successfully) and takes the finished batches at
     * the head of the queue off it, up to the first unfinished one or the first failed one.
     *
     * @param owned the partitions whose offsets may still be committed (those not taken away)
     */
    Outcome finished(Batch batch, Throwable failure, Predicate<TopicPartition> owned) {
        batch.failure = failure;
        batch.done = true;
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        long judged = 0;
        while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
            Batch b = inFlight.pollFirst();
            if (b.failure != null) {
                return new Outcome(Map.of(), judged, b.failure);
            }
            judged += b.records;
            b.last.forEach((tp, o) -> {
                if (owned.test(tp)) {
                    commit.put(tp, new OffsetAndMetadata(o[0] + 1, Rewind.metadata(o[1])));
                }
            });
        }
        return new Outcome(commit, judged, null);
    }

    /** True when no batch handed over is waiting to finish. */
    boolean idle() {
        return inFlight.isEmpty();
    }

    /**
     * Forgets the batches waiting to finish, as when reading again from the last commit: they will
     * never be committed (their records are read again).
     *
     * @return how many were dropped
     */
    int dropAll() {
        int n = inFlight.size();
        inFlight.clear();
        return n;
    }
}
