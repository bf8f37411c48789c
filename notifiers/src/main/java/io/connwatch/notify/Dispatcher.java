package io.connwatch.notify;

import io.connwatch.alert.Notification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what the {@link Outbox} holds: one thread per receiver takes its oldest due
 * notification, delivers it, and on failure either schedules a retry
 * with backoff and jitter or, for a permanent failure or after the last attempt, moves them to the
 * dead letters. A receiver's Retry-After (429, 503) is honoured exactly: nothing goes to that
 * receiver before then, and it does not count toward its {@link CircuitBreaker}, which pauses a
 * receiver that keeps failing without saying when to come back; a minimum interval between deliveries respects rate limits
 * (Slack's one message per second). Stopping leaves undelivered entries in the outbox for the
 * next start.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Longest wait between checks of the outbox when nothing is due. */
    private static final long MAX_IDLE_MILLIS = 1000;

    /** Per-receiver delivery settings. */
    public record ReceiverSettings(Duration minInterval, int failuresToOpen, Duration openFor) {
        public static final ReceiverSettings DEFAULT = new ReceiverSettings(Duration.ZERO, 5, Duration.ofMinutes(1));
    }

    /** Why a delivery attempt failed; a metric label, so a closed set. */
    public enum FailureReason {
        /** Worth another try: an I/O error, a timeout, a 5xx without Retry-After. */
        TEMPORARY,
        /** The receiver said when to come back (Retry-After on 429 or 503). */
        RATE_LIMITED,
        /** Another try cannot help: other 4xx, rejected recipients, bad credentials. */
        PERMANENT;

        /** The name as a label value: {@code temporary}, {@code rate_limited}, {@code permanent}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static FailureReason of(DeliveryException e) {
            return !e.retryable() ? PERMANENT : e.retryAfter() != null ? RATE_LIMITED : TEMPORARY;
        }
    }

    /** Counters per receiver. */
    public static final class Counters {
        /** Notifications delivered. */
        public final AtomicLong delivered = new AtomicLong();
        /** Alerts those notifications carried. */
        public final AtomicLong alertsDelivered = new AtomicLong();
        /** Failed delivery attempts. */
        public final AtomicLong failures = new AtomicLong();
        /** Notifications moved to the dead letters. */
        public final AtomicLong deadLettered = new AtomicLong();
        private final Map<FailureReason, AtomicLong> failuresByReason = new java.util.EnumMap<>(FailureReason.class);

        Counters() {
            for (FailureReason r : FailureReason.values()) {
                failuresByReason.put(r, new AtomicLong());
            }
        }

        /** Failed delivery attempts for this reason (they add up to {@link #failures}). */
        public long failures(FailureReason reason) {
            return failuresByReason.get(reason).get();
        }
    }

    private final Outbox outbox;
    private final RetryPolicy retry;
    private final Clock clock;
    private final DeliveryObserver observer;
    private final Map<String, Worker> workers = new LinkedHashMap<>();

    public Dispatcher(Outbox outbox, List<Notifier> notifiers, Map<String, ReceiverSettings> settings, RetryPolicy retry, Clock clock) {
        this(outbox, notifiers, settings, retry, clock, DeliveryObserver.NONE);
    }

    /** A dispatcher that also tells {@code observer} of every attempt (the metrics' delivery latency). */
    public Dispatcher(Outbox outbox, List<Notifier> notifiers, Map<String, ReceiverSettings> settings, RetryPolicy retry, Clock clock,
                      DeliveryObserver observer) {
        this.outbox = outbox;
        this.retry = retry;
        this.clock = clock;
        this.observer = observer;
        for (Notifier n : notifiers) {
            workers.put(n.name(), new Worker(n, settings.getOrDefault(n.name(), ReceiverSettings.DEFAULT)));
        }
    }

    /** Starts one delivery thread per receiver. */
    public void start() {
        workers.values().forEach(Worker::start);
    }

    /** Tells a receiver's thread that new entries wait. */
    public void wake(String receiver) {
        Worker w = workers.get(receiver);
        if (w != null) {
            w.wake();
        }
    }

    public Counters counters(String receiver) {
        return workers.get(receiver).counters;
    }

    /**
     * A receiver's circuit as it stands, for the API: open (nothing is tried) until {@code openUntil},
     * and paused until {@code pausedUntil} because the receiver said so (Retry-After).
     *
     * @param openUntil   when the circuit lets a trial through, or null when it is closed
     * @param pausedUntil when the receiver's Retry-After ends, or null when it asked for no pause
     */
    public record Circuit(Instant openUntil, Instant pausedUntil) {
        public boolean open() {
            return openUntil != null;
        }
    }

    /** The receiver's circuit now; null for an unknown receiver. */
    public Circuit circuit(String receiver) {
        Worker w = workers.get(receiver);
        if (w == null) {
            return null;
        }
        long now = clock.millis();
        long paused = w.pausedUntil;
        return new Circuit(w.breaker.isOpen(now) ? Instant.ofEpochMilli(w.breaker.openUntil()) : null,
            paused > now ? Instant.ofEpochMilli(paused) : null);
    }

    /** Whether the receiver is sent acknowledgements as they happen ({@link Notifier#acknowledgements()}); false when unknown. */
    public boolean acknowledgements(String receiver) {
        Worker w = workers.get(receiver);
        return w != null && w.notifier.acknowledgements();
    }

    public List<String> receivers() {
        return new ArrayList<>(workers.keySet());
    }

    /** True while the receiver's circuit breaker holds deliveries back after failures in a row. */
    public boolean circuitOpen(String receiver) {
        return workers.get(receiver).breaker.isOpen(clock.millis());
    }

    @Override
    public void close() {
        workers.values().forEach(Worker::stop);
        workers.values().forEach(w -> {
            w.join();
            w.notifier.close();
        });
    }

    private final class Worker implements Runnable {
        final Notifier notifier;
        final ReceiverSettings settings;
        final CircuitBreaker breaker;
        final Counters counters = new Counters();
        final Object signal = new Object();
        volatile boolean running;
        boolean woken;
        Thread thread;
        long lastSend = Long.MIN_VALUE / 2;
        /** Until when the receiver asked (Retry-After) not to be sent anything. */
        volatile long pausedUntil = Long.MIN_VALUE;

        Worker(Notifier notifier, ReceiverSettings settings) {
            this.notifier = notifier;
            this.settings = settings;
            this.breaker = new CircuitBreaker(settings.failuresToOpen(), settings.openFor());
        }

        void start() {
            running = true;
            thread = new Thread(this, "connwatch-notify-" + notifier.name());
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            wake();
        }

        void join() {
            if (thread != null) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void wake() {
            synchronized (signal) {
                woken = true;
                signal.notifyAll();
            }
        }

        private void waitUntil(long at) {
            synchronized (signal) {
                long now = clock.millis();
                long wait = Math.min(MAX_IDLE_MILLIS, at - now);
                if (!woken && wait > 0 && running) {
                    try {
                        signal.wait(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                }
                woken = false;
            }
        }

        @Override
        public void run() {
            while (running) {
                try {
                    step();
                } catch (RuntimeException e) {
                    LOG.error("receiver {}: delivery loop error: {}", notifier.name(), e.toString());
                    waitUntil(clock.millis() + MAX_IDLE_MILLIS);
                }
            }
        }

        private void step() {
            long now = clock.millis();
            if (!breaker.allows(now)) {
                waitUntil(breaker.openUntil());
                return;
            }
            if (now < pausedUntil) {
                waitUntil(pausedUntil);
                return;
            }
            long earliest = lastSend + settings.minInterval().toMillis();
            if (now < earliest) {
                waitUntil(earliest);
                return;
            }
            List<OutboxEntry> due = outbox.due(notifier.name(), now, 1);
            if (due.isEmpty()) {
                waitUntil(outbox.nextDue(notifier.name()));
                return;
            }
            Notification n = due.get(0).notification();
            if (n.kind() == Notification.Kind.ACKNOWLEDGEMENT && !notifier.acknowledgements()) {
                // Queued for a receiver of this name that took acknowledgements before a configuration change: nothing to tell.
                outbox.delivered(due);
                LOG.info("receiver {}: acknowledgement notification {} dropped, the receiver takes none", notifier.name(), n.id());
                return;
            }
            lastSend = now;
            long started = System.nanoTime();
            try {
                notifier.deliver(n);
                observer.attempted(notifier.name(), System.nanoTime() - started, null);
                outbox.delivered(due);
                breaker.success();
                counters.delivered.incrementAndGet();
                counters.alertsDelivered.addAndGet(n.alerts().size());
            } catch (DeliveryException e) {
                FailureReason reason = FailureReason.of(e);
                observer.attempted(notifier.name(), System.nanoTime() - started, reason);
                counters.failuresByReason.get(reason).incrementAndGet();
                counters.failures.incrementAndGet();
                long at = clock.millis();
                int attempts = due.get(0).attempts() + 1;
                if (!e.retryable()) {
                    outbox.bury(due, e.getMessage());
                    counters.deadLettered.incrementAndGet();
                    LOG.error("receiver {}: permanent failure, notification {} ({} alert(s)) moved to dead letters: {}", notifier.name(),
                        n.id(), n.alerts().size(), e.getMessage());
                    return;
                }
                if (e.retryAfter() == null) {
                    breaker.failure(at);
                }
                if (attempts >= retry.maxAttempts()) {
                    outbox.bury(due, "gave up after " + attempts + " attempts: " + e.getMessage());
                    counters.deadLettered.incrementAndGet();
                    LOG.error("receiver {}: gave up after {} attempts, notification {} ({} alert(s)) moved to dead letters: {}",
                        notifier.name(), attempts, n.id(), n.alerts().size(), e.getMessage());
                    return;
                }
                long delay;
                if (e.retryAfter() != null) {
                    // The receiver is up and said when: that time exactly, for everything waiting for it.
                    delay = Math.max(e.retryAfter().toMillis(), 1);
                    pausedUntil = at + delay;
                } else {
                    delay = retry.delayMillis(attempts);
                }
                outbox.retry(due, at + delay, e.getMessage());
                LOG.warn("receiver {}: attempt {} failed, retrying in {} ms{}: {}", notifier.name(), attempts, delay,
                    breaker.isOpen(at) ? " (circuit open)" : "", e.getMessage());
            }
        }
    }
}
