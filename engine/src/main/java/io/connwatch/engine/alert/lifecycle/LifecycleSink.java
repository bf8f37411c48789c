package io.connwatch.engine.alert.lifecycle;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands the rules' alerts to the lifecycle: a new alert (or a new episode) fires or refreshes its
 * fingerprint, a repeat the engine held back keeps it firing.
 *
 * <p>Live (wall clock) each call goes straight through, and the alert is in the lifecycle's
 * synced store when {@link #publish} returns. Under replay (event time) the rule partitions hand
 * alerts over out of event-time order (each partition runs through its machines of a batch at its
 * own pace, and window rules fire when the watermark passes), so events wait in a reorder buffer
 * and are applied in event-time order once the watermark is {@link #REORDER} past them, with the
 * timers in between run at their own times: a replay sends what a live service would have.
 */
public final class LifecycleSink implements AlertSink {
    /** How far behind the watermark replayed events are applied: their largest observed disorder, with room. */
    public static final Duration REORDER = Duration.ofHours(2);

    private record Pending(Instant at, long seq, Alert alert, String fingerprint, Instant evidence) {
    }

    private final GroupDispatcher dispatcher;
    private final LifecycleClock clock;
    private final boolean durable;
    private final PriorityQueue<Pending> buffer = new PriorityQueue<>((a, b) -> a.at().equals(b.at())
        ? Long.compare(a.seq(), b.seq()) : a.at().compareTo(b.at()));
    private long seq;
    private Instant released = Instant.EPOCH;
    /** Replayed events that came later than the reorder window allows (applied at the window's edge). */
    public final AtomicLong lateEvents = new AtomicLong();

    public LifecycleSink(GroupDispatcher dispatcher, LifecycleClock clock, boolean durable) {
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.durable = durable;
    }

    @Override
    public void publish(Alert alert) {
        if (!clock.isEventTime()) {
            dispatcher.fire(alert, clock.now());
            return;
        }
        Instant detected = alert.evidenceTime();
        for (Evidence e : alert.evidence()) {
            if (e.time() != null && e.time().isAfter(detected)) {
                detected = e.time();
            }
        }
        buffer(detected, alert, null, null);
    }

    @Override
    public void repeated(String fingerprint, long evidenceMillis) {
        Instant evidence = Instant.ofEpochMilli(evidenceMillis);
        if (!clock.isEventTime()) {
            dispatcher.repeated(fingerprint, evidence, clock.now());
            return;
        }
        buffer(evidence, null, fingerprint, evidence);
    }

    private synchronized void buffer(Instant at, Alert alert, String fingerprint, Instant evidence) {
        if (at.isBefore(released)) {
            lateEvents.incrementAndGet();
            at = released;
        }
        buffer.add(new Pending(at, seq++, alert, fingerprint, evidence));
    }

    /**
     * Moves the lifecycle on: live, to the wall clock; under replay, applies the buffered events up
     * to the watermark less the reorder window and runs the timers up to there.
     */
    public synchronized void tick() {
        if (clock.isEventTime()) {
            release(clock.now().minus(REORDER));
        } else {
            dispatcher.advance(clock.now());
        }
    }

    /** End of a replay: applies every buffered event and runs the timers up to the last of them. */
    public synchronized void drain() {
        Instant last = released;
        for (Pending p : buffer) {
            last = p.at().isAfter(last) ? p.at() : last;
        }
        Instant wm = clock.now();
        release(wm.isAfter(last) ? wm : last);
    }

    private void release(Instant upTo) {
        while (!buffer.isEmpty() && !buffer.peek().at().isAfter(upTo)) {
            Pending p = buffer.poll();
            if (p.alert() != null) {
                dispatcher.fire(p.alert(), p.at());
            } else {
                dispatcher.repeated(p.fingerprint(), p.evidence(), p.at());
            }
        }
        if (upTo.isAfter(released)) {
            released = upTo;
            dispatcher.advance(upTo);
        }
    }

    /** Events waiting in the reorder buffer. */
    public synchronized int buffered() {
        return buffer.size();
    }

    @Override
    public void flush() {
        if (clock.isEventTime()) {
            drain();
        }
    }

    @Override
    public boolean durable() {
        return durable;
    }

    @Override
    public String name() {
        return "lifecycle";
    }
}
