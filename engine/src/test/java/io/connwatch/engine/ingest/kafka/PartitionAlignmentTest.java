package io.connwatch.engine.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.kafka.client.common.TopicPartition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A partition running ahead of the slowest one with records left, by more than max-skew, is parked
 * and paused, and released when the slowest catches up; max-skew 0 disables it.
 */
class PartitionAlignmentTest {
    private static final TopicPartition BUSY = new TopicPartition("vm-connections", 0);
    private static final TopicPartition QUIET = new TopicPartition("vm-connections", 1);
    private static final Duration SKEW = Duration.ofMinutes(1);

    private record Rec(TopicPartition tp, long offset, long eventTime) implements PartitionAlignment.Timed {
    }

    private PartitionAlignment<Rec> alignment;
    /** The alignment's System.nanoTime. */
    private static final java.util.concurrent.atomic.AtomicLong NANOS = new java.util.concurrent.atomic.AtomicLong();

    @BeforeEach
    void twoReadyPartitions() {
        NANOS.set(0);
        alignment = aligned(SKEW);
    }

    private static PartitionAlignment<Rec> aligned(Duration skew) {
        PartitionAlignment<Rec> a = new PartitionAlignment<>(skew, NANOS::get);
        for (TopicPartition tp : List.of(BUSY, QUIET)) {
            a.assigned(tp);
            a.ready(tp);
        }
        return a;
    }

    private static long at(String minuteSecond) {
        return Instant.parse("2024-05-01T10:" + minuteSecond + "Z").toEpochMilli();
    }

    private Rec park(TopicPartition tp, long offset, String minuteSecond) {
        Rec r = new Rec(tp, offset, at(minuteSecond));
        alignment.park(tp, r);
        return r;
    }

    private static List<Rec> of(List<Rec> released, TopicPartition tp) {
        return released.stream().filter(r -> r.tp().equals(tp)).toList();
    }

    @Test
    void aPartitionMoreThanMaxSkewAheadOfTheSlowestIsParkedPausedAndReleasedWhenItCatchesUp() {
        Rec b0 = park(BUSY, 0, "00:00");
        Rec b1 = park(BUSY, 1, "00:50");
        Rec b2 = park(BUSY, 2, "02:00");
        Rec b3 = park(BUSY, 3, "05:00");
        Rec q0 = park(QUIET, 0, "00:30");

        List<Rec> first = alignment.release();
        assertEquals(List.of(b0, b1), of(first, BUSY), "up to a minute past the slowest, in offset order");
        assertEquals(List.of(q0), of(first, QUIET));
        assertEquals(at("01:30"), alignment.limit(), "the quiet partition handed 10:00:30 and has records left to read");
        assertEquals(List.of(), alignment.release(), "10:02 is more than a minute ahead of 10:00:30");
        assertEquals(List.of(BUSY), alignment.toPause());
        assertEquals(List.of(), alignment.toPause(), "paused once");
        assertEquals(List.of(), alignment.toResume(), "records are still parked");

        Rec q1 = park(QUIET, 1, "04:30");
        List<Rec> second = alignment.release();
        assertEquals(List.of(b2, b3), of(second, BUSY), "the slowest stands at 10:02, then at 10:04:30");
        assertEquals(List.of(q1), of(second, QUIET));
        assertEquals(List.of(BUSY), alignment.toResume());
        assertEquals(List.of(), alignment.toResume(), "resumed once");
    }

    @Test
    void theSlowestGoesOnAndAPartitionCaughtUpWithItsEndHoldsNobodyBack() {
        Rec q0 = park(QUIET, 0, "30:00");
        Rec b0 = park(BUSY, 0, "00:00");
        List<Rec> released = alignment.release();
        assertEquals(List.of(b0), of(released, BUSY), "the slowest partition's next record is always within the limit");
        assertEquals(List.of(), of(released, QUIET), "half an hour ahead");
        assertEquals(at("01:00"), alignment.limit(), "the busy partition handed 10:00 and has records left to read");
        assertEquals(List.of(QUIET), alignment.toPause());
        assertEquals(List.of(), alignment.release());

        assertEquals(0, alignment.ends(Map.of(BUSY, 1L, QUIET, 1L)), "busy handed its last record; quiet's position is unknown");
        assertEquals(List.of(q0), alignment.release());
        assertEquals(List.of(QUIET), alignment.toResume());
    }

    @Test
    void maxSkewZeroReleasesEverythingAtOnce() {
        alignment = aligned(Duration.ZERO);
        Rec b0 = park(BUSY, 0, "59:00");
        Rec q0 = park(QUIET, 0, "00:00");
        assertEquals(Long.MAX_VALUE, alignment.limit());
        List<Rec> released = alignment.release();
        assertEquals(List.of(b0), of(released, BUSY));
        assertEquals(List.of(q0), of(released, QUIET));
        assertEquals(List.of(), alignment.toPause());
    }

    @Test
    void oneOwnedPartitionIsNeverHeldBack() {
        PartitionAlignment<Rec> one = new PartitionAlignment<>(SKEW);
        one.assigned(BUSY);
        one.ready(BUSY);
        Rec b0 = new Rec(BUSY, 0, at("00:00"));
        Rec b1 = new Rec(BUSY, 1, at("59:00"));
        one.park(BUSY, b0);
        one.park(BUSY, b1);
        assertEquals(List.of(b0, b1), one.release());
    }

    @Test
    void aPartitionThatDeliveredNothingYetHoldsTheOthersUntilItsFirstRecordsCome() {
        Rec b0 = park(BUSY, 0, "00:00");
        Rec b1 = park(BUSY, 1, "30:00");
        assertEquals(Long.MIN_VALUE, alignment.limit(), "where the quiet partition stands is not known yet");
        assertEquals(List.of(), alignment.release(), "the busy one would run half an hour ahead of rows not fetched yet");
        assertEquals(List.of(BUSY), alignment.toPause());

        Rec q0 = park(QUIET, 0, "00:10");
        List<Rec> released = alignment.release();
        assertEquals(List.of(b0), of(released, BUSY), "then aligned as usual: 10:30 is more than a minute ahead of 10:00:10");
        assertEquals(List.of(q0), of(released, QUIET));
        assertEquals(List.of(), alignment.release(), "10:30 waits for the quiet partition");
        park(QUIET, 1, "29:30");
        assertEquals(List.of(b1), of(alignment.release(), BUSY));
    }

    @Test
    void aPartitionKnownToBeEmptyOrSilentForTheWaitHoldsNobodyBack() {
        Rec b0 = park(BUSY, 0, "00:00");
        alignment.learnedPosition(QUIET, 7);
        alignment.ends(Map.of(QUIET, 7L));
        assertEquals(List.of(b0), alignment.release(), "the quiet partition is at its end");

        PartitionAlignment<Rec> silent = aligned(SKEW);
        Rec s0 = new Rec(BUSY, 0, at("00:00"));
        silent.park(BUSY, s0);
        assertEquals(List.of(), silent.release());
        NANOS.addAndGet(PartitionAlignment.FIRST_RECORDS_WAIT.toNanos() - 1);
        assertEquals(List.of(), silent.release(), "still within the wait");
        NANOS.addAndGet(1);
        assertEquals(List.of(s0), silent.release(), "a partition whose records never come stops holding the others after the wait");

        PartitionAlignment<Rec> undated = aligned(SKEW);
        Rec u0 = new Rec(QUIET, 0, Long.MIN_VALUE);
        Rec d0 = new Rec(BUSY, 0, at("00:00"));
        undated.park(QUIET, u0);
        assertEquals(List.of(u0), undated.release(), "a record without a time never waits");
        undated.park(BUSY, d0);
        assertEquals(List.of(d0), undated.release(), "a partition that delivered only records without a time has come: it holds nobody back");
    }

    @Test
    void aPositionAskedAgainMovesPastOffsetsNeverHandedOverSoThePartitionReachesItsEnd() {
        park(QUIET, 0, "00:00");
        park(BUSY, 0, "00:00");
        assertEquals(2, alignment.release().size());
        // quiet's last record was offset 0 and offset 1 is a transaction marker: its end is 2
        assertEquals(1, alignment.ends(Map.of(QUIET, 2L)), "handed up to offset 0");
        Rec b1 = park(BUSY, 1, "30:00");
        assertEquals(List.of(), alignment.release(), "quiet stands at 10:00, short of its end");
        alignment.positionNow(QUIET, 2);
        assertEquals(List.of(b1), alignment.release(), "past the marker: at its end, it holds nobody back");

        park(QUIET, 7, "00:20");
        alignment.positionNow(QUIET, 9);
        assertEquals(8, alignment.ends(Map.of(QUIET, 10L)), "ignored while records are parked: they say where it stands");
        alignment.positionNow(QUIET, 1);
        assertEquals(8, alignment.ends(Map.of(QUIET, 10L)), "never back");
    }

    @Test
    void aRecordWithoutEventTimeNeitherWaitsNorHoldsBack() {
        NANOS.addAndGet(PartitionAlignment.FIRST_RECORDS_WAIT.toNanos()); // quiet has delivered nothing for longer than the wait
        Rec b0 = park(BUSY, 0, "00:00");
        assertEquals(List.of(b0), alignment.release());
        Rec poison = new Rec(QUIET, 0, Long.MIN_VALUE);
        alignment.park(QUIET, poison);
        park(QUIET, 1, "30:00");
        assertEquals(at("01:00"), alignment.limit(), "quiet stands at its first record with a time (10:30), busy at 10:00");
        assertEquals(List.of(poison), alignment.release(), "its partition is ahead, yet it has no time to wait for");
        assertEquals(List.of(QUIET), alignment.toPause(), "10:30 waits");

        PartitionAlignment<Rec> fresh = aligned(SKEW);
        NANOS.addAndGet(PartitionAlignment.FIRST_RECORDS_WAIT.toNanos());
        fresh.park(QUIET, new Rec(QUIET, 0, Long.MIN_VALUE));
        fresh.park(BUSY, new Rec(BUSY, 0, at("30:00")));
        assertEquals(at("31:00"), fresh.limit(), "a partition with only undated records parked holds nobody back");
        assertEquals(2, fresh.release().size());
    }

    @Test
    void theLagIsWhatIsLeftBehindTheEndsOfThePartitionsWhosePositionIsKnown() {
        alignment.learnedPosition(BUSY, 40);
        alignment.learnedPosition(BUSY, 10);
        assertEquals(60, alignment.ends(Map.of(BUSY, 100L, QUIET, 7L)), "the first position learned stands; quiet's is unknown");
        alignment.learnedPosition(QUIET, 7);
        assertEquals(60, alignment.ends(Map.of(BUSY, 100L, QUIET, 7L)), "quiet is at its end: it holds nobody back");
        park(BUSY, 40, "00:00");
        park(BUSY, 41, "00:01");
        alignment.release();
        assertEquals(58, alignment.ends(Map.of(BUSY, 100L)), "handed up to offset 41");
        assertEquals(0, alignment.ends(Map.of(new TopicPartition("other", 0), 1000L)), "not owned");
    }

    @Test
    void recordsOfPartitionsNotOwnedOrNotYetSoughtAreNotAccepted() {
        PartitionAlignment<Rec> a = new PartitionAlignment<>(SKEW);
        assertFalse(a.accepts(BUSY));
        a.assigned(BUSY);
        assertFalse(a.accepts(BUSY), "not sought to its start yet");
        a.ready(BUSY);
        assertTrue(a.accepts(BUSY));
        a.revoked(BUSY);
        assertFalse(a.accepts(BUSY));
        assertEquals(Set.of(), a.partitions());
    }

    @Test
    void aResetForgetsWhatWasParkedAndHandedAndWaitsForTheSeek() {
        park(BUSY, 0, "00:00");
        park(BUSY, 1, "30:00");
        park(QUIET, 0, "00:00");
        alignment.release();
        alignment.toPause();
        alignment.reset();
        assertFalse(alignment.accepts(BUSY));
        assertEquals(List.of(), alignment.release());
        assertEquals(List.of(), alignment.toResume(), "no partition is paused for alignment any more: the recovery resumes them all");
        assertEquals(Set.of(BUSY, QUIET), alignment.withNothingParked());
        assertEquals(0, alignment.ends(Map.of(BUSY, 100L)), "positions unknown again");
        alignment.allReady();
        assertTrue(alignment.accepts(BUSY) && alignment.accepts(QUIET));
        assertEquals(Long.MIN_VALUE, alignment.limit(), "no partition has delivered anything since: each holds the others");
        NANOS.addAndGet(PartitionAlignment.FIRST_RECORDS_WAIT.toNanos());
        assertEquals(Long.MAX_VALUE, alignment.limit(), "for at most the wait");
    }

    @Test
    void whenBackpressureEndsOnlyPartitionsWithNothingParkedResume() {
        park(BUSY, 0, "00:00");
        park(BUSY, 1, "30:00");
        park(QUIET, 0, "00:10");
        alignment.release();
        assertEquals(Set.of(QUIET), alignment.withNothingParked());
    }
}
