package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher's timing decisions, on a clock the test moves (no sleeping), against a real HTTP receiver on loopback. */
class DispatcherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2024-04-01T08:00:00Z");

    @TempDir
    Path dir;
    private LoopbackHttp receiver;
    private Delivery delivery;
    private final MutableClock clock = new MutableClock(T0);
    /** What the dispatcher told its observer, as receiver:outcome. */
    private final List<String> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        receiver = new LoopbackHttp();
    }

    @AfterEach
    void stop() {
        if (delivery != null) {
            delivery.close();
        }
        receiver.close();
    }

    /** A webhook receiver whose circuit opens for a minute at the first failure that counts. */
    private Delivery delivery() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier hook = EmailNotifierTest.email("{name: hook, type: webhook, url: '" + receiver.uri("/in") + "', timeout: 5s}", problems);
        assertEquals(List.of(), problems);
        Outbox outbox = new Outbox(dir);
        Dispatcher d = new Dispatcher(outbox, List.of(hook), Map.of("hook", new Dispatcher.ReceiverSettings(Duration.ZERO, 1,
            Duration.ofMinutes(1))), new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(20), 2, 0.2, 10), clock,
            (receiverName, nanos, failure) -> {
                assertTrue(nanos > 0, "an attempt takes some time");
                attempts.add(receiverName + ":" + (failure == null ? "delivered" : failure.label()));
            });
        delivery = new Delivery(new Router(List.of(), List.of("hook")), outbox, d, clock);
        d.start();
        return delivery;
    }

    private static String id(LoopbackHttp.Request r) {
        try {
            return JSON.readTree(r.body()).get("alerts").get(0).get("id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void a429WithRetryAfterIsRetriedExactlyThenAndDoesNotOpenTheCircuit() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(r -> calls.incrementAndGet() == 1 ? new LoopbackHttp.Answer(429, "", Map.of("Retry-After", "5"))
            : LoopbackHttp.Answer.of(200, ""));
        Delivery d = delivery();
        d.accept(Samples.alert("a1", Severity.HIGH));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().stream().allMatch(e -> e.attempts() == 1));
        assertEquals(T0.toEpochMilli() + 5000, d.outbox().pending().get(0).nextAttemptAt(), "the next try at exactly Retry-After");

        clock.advance(Duration.ofSeconds(5)); // not the circuit's minute
        d.dispatcher().wake("hook");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty());
        assertEquals(2, receiver.requests().size());
        assertEquals(1, d.dispatcher().counters("hook").delivered.get());
        assertEquals(1, d.dispatcher().counters("hook").failures(Dispatcher.FailureReason.RATE_LIMITED));
        assertEquals(0, d.dispatcher().counters("hook").failures(Dispatcher.FailureReason.TEMPORARY));
        assertEquals(List.of("hook:rate_limited", "hook:delivered"), attempts);
        assertFalse(d.dispatcher().circuitOpen("hook"));
    }

    @Test
    void retryAfterPausesTheWholeReceiverNotOnlyTheRefusedAlert() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(r -> calls.incrementAndGet() == 1 ? new LoopbackHttp.Answer(429, "", Map.of("Retry-After", "5"))
            : LoopbackHttp.Answer.of(200, ""));
        Delivery d = delivery();
        d.accept(Samples.alert("a1", Severity.HIGH));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() == 1);
        d.accept(Samples.alert("a2", Severity.HIGH));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().stream().anyMatch(e -> e.attempts() == 1));

        clock.advance(Duration.ofSeconds(5));
        d.dispatcher().wake("hook");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty());
        assertEquals(List.of("a1", "a1", "a2"), receiver.requests().stream().map(DispatcherTest::id).toList(),
            "nothing went to the receiver before the time it asked for; then oldest first");
    }

    @Test
    void failuresWithoutRetryAfterStillOpenTheCircuit() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(r -> calls.incrementAndGet() == 1 ? LoopbackHttp.Answer.of(503, "") : LoopbackHttp.Answer.of(200, ""));
        Delivery d = delivery();
        d.accept(Samples.alert("a1", Severity.HIGH));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().stream().allMatch(e -> e.attempts() == 1));
        long next = d.outbox().pending().get(0).nextAttemptAt() - T0.toEpochMilli();
        assertTrue(next >= 800 && next <= 1200, "backoff with jitter: " + next);
        assertTrue(d.dispatcher().circuitOpen("hook"), "open at the first failure that counts (failures: 1)");
        assertEquals(1, d.dispatcher().counters("hook").failures(Dispatcher.FailureReason.TEMPORARY));

        clock.advance(Duration.ofSeconds(59)); // the retry is due, but the circuit is open for a minute
        d.dispatcher().wake("hook");
        clock.advance(Duration.ofSeconds(1));
        d.dispatcher().wake("hook");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty());
        assertEquals(2, receiver.requests().size());
        assertFalse(d.dispatcher().circuitOpen("hook"), "closed by the delivery that went through");
        assertEquals(List.of("hook:temporary", "hook:delivered"), attempts);
    }

    @Test
    void aPermanentFailureIsCountedByItsReasonAndBuried() throws Exception {
        receiver.answer(r -> LoopbackHttp.Answer.of(400, ""));
        Delivery d = delivery();
        d.accept(Samples.alert("a1", Severity.HIGH));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().deadCount("hook") == 1);
        Dispatcher.Counters c = d.dispatcher().counters("hook");
        assertEquals(1, c.failures(Dispatcher.FailureReason.PERMANENT));
        assertEquals(1, c.failures.get());
        assertEquals(1, c.deadLettered.get());
        assertEquals(0, d.outbox().pendingCount("hook"));
        assertEquals(List.of("hook:permanent"), attempts);
    }

    @Test
    void eachDeliveryCarriesOneNotificationAndTheCountersCountNotificationsAndAlerts() throws Exception {
        Delivery d = delivery();
        Notification three = Samples.group("hook", "web-01", List.of(Samples.firing(Samples.alert("a", Severity.HIGH), true),
            Samples.firing(Samples.alert("b", Severity.HIGH), true), Samples.resolved(Samples.alert("c", Severity.HIGH))), 0, 0, 0);
        Notification one = Samples.notification("hook", Samples.alert("d", Severity.LOW));
        d.accept(List.of(three, one));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty());
        assertEquals(List.of("a", "d"), receiver.requests().stream().map(DispatcherTest::id).toList(), "two requests: one per notification");
        assertEquals(2, d.dispatcher().counters("hook").delivered.get());
        assertEquals(4, d.dispatcher().counters("hook").alertsDelivered.get());
        assertEquals(0, d.dispatcher().counters("hook").failures.get());
    }
}
