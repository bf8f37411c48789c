package io.connwatch.engine.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Batches commit strictly in order: out-of-order completions commit only the finished prefix; a failure commits nothing more. */
class CommitTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("vm-connections", 0);
    private static final TopicPartition P1 = new TopicPartition("vm-connections", 1);
    private static final Predicate<TopicPartition> ALL = tp -> true;

    private final CommitTracker tracker = new CommitTracker();

    /** A batch handed over holding {@code count} records of the partition from {@code first}, record timestamps 1000 + offset. */
    private CommitTracker.Batch handedOver(TopicPartition tp, long first, int count) {
        CommitTracker.Batch b = new CommitTracker.Batch();
        for (long o = first; o < first + count; o++) {
            b.add(tp, o, 1000 + o);
        }
        tracker.handedOver(b);
        return b;
    }

    /** The commit as "offset kts=..." per partition, sorted for comparison. */
    private static Map<String, String> described(CommitTracker.Outcome outcome) {
        Map<String, String> out = new TreeMap<>();
        outcome.commit().forEach((tp, om) -> out.put(tp.getTopic() + "-" + tp.getPartition(), om.getOffset() + " " + om.getMetadata()));
        return out;
    }

    @Test
    void aFinishedBatchCommitsTheNextOffsetWithItsLastRecordsTimestamp() {
        CommitTracker.Batch b = new CommitTracker.Batch();
        b.add(P0, 7, 5000);
        b.add(P1, 3, 4000);
        b.add(P0, 8, 6000);
        tracker.handedOver(b);
        assertEquals(3, b.records());
        CommitTracker.Outcome done = tracker.finished(b, null, ALL);
        assertFalse(done.failed());
        assertEquals(Map.of("vm-connections-0", "9 kts=6000", "vm-connections-1", "4 kts=4000"), described(done));
        assertEquals(3, done.judged());
        assertTrue(tracker.idle());
        OffsetAndMetadata p0 = done.commit().get(P0);
        assertEquals(6000, Rewind.timestampOf(p0.getMetadata()), "what the rewind reads back");
    }

    @Test
    void outOfOrderCompletionsCommitOnlyTheContiguousFinishedPrefix() {
        CommitTracker.Batch first = handedOver(P0, 0, 10);
        CommitTracker.Batch second = handedOver(P0, 10, 10);
        CommitTracker.Batch third = handedOver(P0, 20, 5);

        CommitTracker.Outcome thirdDone = tracker.finished(third, null, ALL);
        assertEquals(Map.of(), thirdDone.commit(), "the first two have not finished");
        assertEquals(0, thirdDone.judged());
        CommitTracker.Outcome secondDone = tracker.finished(second, null, ALL);
        assertEquals(Map.of(), secondDone.commit(), "the first has not finished");
        assertFalse(tracker.idle());

        CommitTracker.Outcome firstDone = tracker.finished(first, null, ALL);
        assertEquals(Map.of("vm-connections-0", "25 kts=1024"), described(firstDone), "all three at once, up to the third's last record");
        assertEquals(25, firstDone.judged());
        assertTrue(tracker.idle());
    }

    @Test
    void theHeadFinishingFirstCommitsAloneAndTheRestWaitsForTheGap() {
        CommitTracker.Batch first = handedOver(P0, 0, 10);
        CommitTracker.Batch second = handedOver(P1, 0, 4);
        CommitTracker.Batch third = handedOver(P0, 10, 10);

        assertEquals(Map.of("vm-connections-0", "10 kts=1009"), described(tracker.finished(first, null, ALL)));
        assertEquals(Map.of(), described(tracker.finished(third, null, ALL)));
        CommitTracker.Outcome rest = tracker.finished(second, null, ALL);
        assertEquals(Map.of("vm-connections-0", "20 kts=1019", "vm-connections-1", "4 kts=1003"), described(rest));
        assertEquals(14, rest.judged());
    }

    @Test
    void aFailedBatchAtTheHeadCommitsNothingAndReportsWhy() {
        CommitTracker.Batch first = handedOver(P0, 0, 10);
        CommitTracker.Batch second = handedOver(P0, 10, 10);
        CommitTracker.Batch third = handedOver(P0, 20, 10);
        RuntimeException episodeLogDown = new RuntimeException("episode log down");

        assertEquals(Map.of(), tracker.finished(third, null, ALL).commit());
        CommitTracker.Outcome failed = tracker.finished(second, episodeLogDown, ALL);
        assertFalse(failed.failed(), "not at the head yet: the first batch has not finished");
        CommitTracker.Outcome outcome = tracker.finished(first, null, ALL);
        assertTrue(outcome.failed());
        assertSame(episodeLogDown, outcome.failure());
        assertEquals(Map.of(), outcome.commit(), "not even the first batch, which succeeded: the consumer reads again from the last commit");
        assertEquals(10, outcome.judged(), "the first batch was judged all the same");

        assertFalse(tracker.idle(), "the third batch is still queued");
        assertEquals(1, tracker.dropAll(), "the recovery drops it: its records are read again");
        assertTrue(tracker.idle());
    }

    @Test
    void aBatchDroppedByARecoveryThatFinishesLaterCommitsNothing() {
        CommitTracker.Batch dropped = handedOver(P0, 0, 10);
        assertEquals(1, tracker.dropAll());
        CommitTracker.Batch after = handedOver(P0, 0, 3);
        CommitTracker.Outcome late = tracker.finished(dropped, null, ALL);
        assertEquals(Map.of(), late.commit());
        assertEquals(0, late.judged());
        assertNull(late.failure());
        assertEquals(Map.of("vm-connections-0", "3 kts=1002"), described(tracker.finished(after, null, ALL)));
    }

    @Test
    void offsetsOfPartitionsTakenAwayAreNotCommitted() {
        CommitTracker.Batch b = new CommitTracker.Batch();
        b.add(P0, 4, 1004);
        b.add(P1, 9, 1009);
        tracker.handedOver(b);
        CommitTracker.Outcome done = tracker.finished(b, null, P1::equals);
        assertEquals(Map.of("vm-connections-1", "10 kts=1009"), described(done));
        assertEquals(2, done.judged(), "every record was judged, committed or not");
    }
}
