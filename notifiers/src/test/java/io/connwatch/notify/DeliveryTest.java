package io.connwatch.notify;

import io.connwatch.config.Glob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Routing, the durable outbox and the dispatcher, delivering to a real HTTP receiver on loopback. */
class DeliveryTest {
    private static final String SECRET = "sig-secret-77";
    private static final String TOKEN = "query-token-88";
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(100), 2, 0.2, 50);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private LoopbackHttp receiver;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        receiver = new LoopbackHttp();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        receiver.close();
    }

    private Notifier webhook(String name) throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: " + name + ", type: webhook, url: '" + receiver.uri("/in?token=" + TOKEN)
            + "', signing-secret: " + SECRET + ", timeout: 2s}", problems);
        assertEquals(List.of(), problems);
        return n;
    }

    private Delivery delivery(Outbox outbox, RetryPolicy retry, Notifier... notifiers) {
        Dispatcher d = new Dispatcher(outbox, List.of(notifiers),
            Map.of(notifiers[0].name(), new Dispatcher.ReceiverSettings(Duration.ZERO, 3, Duration.ofMillis(200))), retry, Clock.systemUTC());
        d.start();
        Router router = new Router(List.of(), List.of(notifiers[0].name()));
        Delivery delivery = new Delivery(router, outbox, d, Clock.systemUTC());
        open.add(delivery);
        return delivery;
    }

    /** The alert ids a request carries, in its order. */
    private static List<String> ids(LoopbackHttp.Request r) {
        List<String> ids = new ArrayList<>();
        try {
            for (var a : JSON.readTree(r.body()).get("alerts")) {
                ids.add(a.get("id").asText());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ids;
    }

    /** A receiver that accepts every request, writing down in {@code delivered} the ids of each, as received. */
    private static java.util.function.Function<LoopbackHttp.Request, LoopbackHttp.Answer> accepting(List<String> delivered) {
        return r -> {
            delivered.addAll(ids(r));
            return LoopbackHttp.Answer.of(200, "");
        };
    }

    @Test
    void aReceiverDownForAWhileGetsEveryAlertOnceInOrderWhenItIsBack() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> succeeded = new java.util.concurrent.CopyOnWriteArrayList<>();
        var accept = accepting(succeeded);
        receiver.answer(r -> calls.incrementAndGet() <= 6 ? LoopbackHttp.Answer.of(503, "down") : accept.apply(r));
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        try {
            Delivery d = delivery(new Outbox(dir), FAST, webhook("siem"));
            for (int i = 1; i <= 3; i++) {
                d.accept(Samples.alert("a" + i, Severity.HIGH));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> succeeded.size() == 3 && d.outbox().pending().isEmpty());
            assertEquals(List.of("a1", "a2", "a3"), succeeded, "each once, oldest first");
            assertEquals(3, d.dispatcher().counters("siem").delivered.get());
            assertTrue(d.dispatcher().counters("siem").failures.get() >= 6);
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        }
        assertFalse(logs.list.isEmpty(), "failures were logged");
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage();
            assertFalse(line.contains(TOKEN) || line.contains(SECRET) || line.contains("/in"), "a secret leaked into the log: " + line);
        }
    }

    @Test
    void permanentFailuresGoToDeadLettersAndCanBeReplayed() throws Exception {
        receiver.answer(r -> LoopbackHttp.Answer.of(400, "bad"));
        Delivery d = delivery(new Outbox(dir), FAST, webhook("siem"));
        d.accept(Samples.alert("p1", Severity.MEDIUM));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().deadLetters().size() == 1);
        OutboxEntry dead = d.outbox().deadLetters().get(0);
        assertEquals("siem: HTTP 400", dead.lastError());
        assertEquals(1, dead.attempts(), "no retry for a permanent failure");
        assertEquals(1, receiver.requests().size());

        receiver.answer(r -> LoopbackHttp.Answer.of(200, ""));
        assertEquals(1, d.outbox().replayDead(List.of(), System.currentTimeMillis()));
        d.dispatcher().wake("siem");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty() && receiver.requests().size() == 2);
        assertEquals(List.of(), d.outbox().deadLetters());
    }

    @Test
    void afterTheLastAttemptAnAlertIsADeadLetterSayingWhy() throws Exception {
        receiver.answer(r -> LoopbackHttp.Answer.of(500, ""));
        Delivery d = delivery(new Outbox(dir), new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(10), 2, 0, 3), webhook("siem"));
        d.accept(Samples.alert("g1", Severity.MEDIUM));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().deadLetters().size() == 1);
        assertEquals("gave up after 3 attempts: siem: HTTP 500", d.outbox().deadLetters().get(0).lastError());
        assertEquals(3, receiver.requests().size());
    }

    @Test
    void queuedAndRetryingAlertsSurviveAnAbruptStopAndGoOutAfterRestart() throws Exception {
        receiver.answer(r -> LoopbackHttp.Answer.of(503, ""));
        Outbox first = new Outbox(dir);
        Dispatcher d1 = new Dispatcher(first, List.of(webhook("siem")), Map.of(),
            new RetryPolicy(Duration.ofHours(1), Duration.ofHours(1), 2, 0, 50), Clock.systemUTC());
        d1.start();
        Delivery before = new Delivery(new Router(List.of(), List.of("siem")), first, d1, Clock.systemUTC());
        before.accept(Samples.alert("r1", Severity.HIGH));
        before.accept(Samples.alert("r2", Severity.HIGH));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.pending().stream().allMatch(e -> e.attempts() >= 1));
        before.close(); // the retry is an hour away: both are still in the outbox
        List<LoopbackHttp.Request> refused = receiver.requests();
        assertFalse(refused.isEmpty());
        for (LoopbackHttp.Request r : refused) {
            assertTrue(List.of("r1", "r2").containsAll(ids(r)), "only r1 and r2 were tried: " + ids(r));
        }

        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        receiver.answer(accepting(delivered));
        Outbox reopened = new Outbox(dir);
        assertEquals(2, reopened.pending().size());
        OutboxEntry retrying = reopened.pending().get(0);
        assertEquals("siem: HTTP 503", retrying.lastError());
        // The engine comes back two hours later, when the hour-long retry is due.
        Dispatcher d2 = new Dispatcher(reopened, List.of(webhook("siem")), Map.of(), FAST, Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
        open.add(reopened);
        open.add(d2);
        d2.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reopened.pending().isEmpty());
        assertEquals(List.of("r1", "r2"), delivered, "after the restart each alert went out once, oldest first");
        assertEquals(refused.size() + 2, receiver.requests().size(), "no request beyond the two deliveries");
    }

    @Test
    void notificationsAreQueuedForTheirOwnReceiverAndEachGoesOutAsOneRequestInOrder() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier audit = EmailNotifierTest.email("{name: audit, type: webhook, url: '" + receiver.uri("/audit") + "'}", problems);
        assertEquals(List.of(), problems);
        Delivery d = delivery(new Outbox(dir), FAST, webhook("siem"), audit);
        Notification g1 = Samples.group("siem", "web-01", List.of(Samples.firing(Samples.alert("g1a", Severity.HIGH), true),
            Samples.firing(Samples.alert("g1b", Severity.LOW), true)), 0, 0, 0);
        Notification toAudit = Samples.notification("audit", Samples.alert("x", Severity.LOW));
        Notification g2 = Samples.group("siem", "web-02", List.of(Samples.resolved(Samples.alert("g2a", Severity.HIGH))), 0, 0, 0);
        d.accept(List.of(g1, toAudit, g2));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty() && receiver.requests().size() == 3);
        List<LoopbackHttp.Request> toSiem = receiver.requests().stream().filter(r -> r.path().startsWith("/in")).toList();
        assertEquals(List.of(List.of("g1a", "g1b"), List.of("g2a")), toSiem.stream().map(DeliveryTest::ids).toList(),
            "one request per notification, in the order accepted");
        assertEquals(List.of(g1.id(), g2.id()), toSiem.stream().map(r -> r.header("X-Connwatch-Notification-Id")).toList());
        assertEquals(List.of(List.of("x")), receiver.requests().stream().filter(r -> r.path().equals("/audit")).map(DeliveryTest::ids)
            .toList());
        assertEquals(2, d.dispatcher().counters("siem").delivered.get());
        assertEquals(3, d.dispatcher().counters("siem").alertsDelivered.get());
        assertEquals(1, d.dispatcher().counters("audit").delivered.get());
    }

    @Test
    void aNotificationForAReceiverNobodyConfiguredIsRefusedWithNothingQueued() throws Exception {
        Delivery d = delivery(new Outbox(dir), FAST, webhook("siem"));
        Notification known = Samples.notification("siem", Samples.alert("k", Severity.LOW));
        Notification lost = Samples.notification("pager", Samples.alert("l", Severity.LOW));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.accept(List.of(known, lost)));
        assertEquals("no receiver named [pager] (known: [siem])", e.getMessage());
        assertEquals(List.of(), d.outbox().pending(), "none of the batch: it would wait for a receiver that never comes");
        assertEquals(List.of(), receiver.requests());
    }

    @Test
    void theAlertPathQueuesOneUngroupedNotificationPerRoutedReceiver() throws Exception {
        Outbox outbox = new Outbox(dir);
        open.add(outbox);
        List<String> problems = new ArrayList<>();
        Notifier a = EmailNotifierTest.email("{name: a, type: webhook, url: '" + receiver.uri("/a") + "'}", problems);
        Notifier b = EmailNotifierTest.email("{name: b, type: webhook, url: '" + receiver.uri("/b") + "'}", problems);
        // not started: what was queued stays in the outbox to be looked at
        Dispatcher stopped = new Dispatcher(outbox, List.of(a, b), Map.of(), FAST, Clock.systemUTC());
        Delivery d = new Delivery(new Router(List.of(new Route(Severity.HIGH, List.of(), Map.of(), null, List.of("a", "b"), false)),
            List.of()), outbox, stopped, Clock.systemUTC());
        d.accept(Samples.alert("low", Severity.LOW));
        d.accept(Samples.alert("hot", Severity.CRITICAL));
        List<OutboxEntry> queued = outbox.pending();
        assertEquals(List.of("a", "b"), queued.stream().map(OutboxEntry::receiver).toList(), "no route for the LOW one, no default");
        for (OutboxEntry e : queued) {
            Notification n = e.notification();
            assertEquals(e.receiver(), n.receiver());
            assertEquals(List.of("hot"), n.alerts().stream().map(x -> x.alert().id()).toList());
            assertEquals(Notification.AlertStatus.FIRING, n.status());
            assertEquals("{}:{fingerprint=\"fp-hot\"}", n.groupKey());
        }
        assertFalse(queued.get(0).notification().id().equals(queued.get(1).notification().id()), "a notification per receiver");
        stopped.close();
    }

    @Test
    void routesMatchOnSeverityRuleLabelsAndMachineAndCanContinue() {
        Route critical = new Route(Severity.HIGH, List.of(), Map.of(), null, List.of("pager"), true);
        Route binds = new Route(null, List.of(Glob.compile("unexpected-*")), Map.of(), Glob.compile("web-*"), List.of("web-team"), false);
        Route c2 = new Route(null, List.of(), Map.of("threat_type", "C2"), null, List.of("siem"), false);
        Router router = new Router(List.of(critical, binds, c2), List.of("archive"));
        assertEquals(List.of("pager", "siem"), router.receiversFor(Samples.alert("1", Severity.CRITICAL)));
        assertEquals(List.of("siem"), router.receiversFor(Samples.alert("2", Severity.MEDIUM)));
        Alert bind = new Alert("3", "unexpected-wildcard-bind", Severity.MEDIUM, "f", java.time.Instant.EPOCH, java.time.Instant.EPOCH,
            "web-007.contoso.com", "m-1", "node", "s", Map.of(), List.of());
        assertEquals(List.of("web-team"), router.receiversFor(bind));
        Alert other = new Alert("4", "unexpected-wildcard-bind", Severity.LOW, "f", java.time.Instant.EPOCH, java.time.Instant.EPOCH,
            "db-001.contoso.com", "m-2", "node", "s", Map.of(), List.of());
        assertEquals(List.of("archive"), router.receiversFor(other), "no route matched: the default");
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresAndLetsOneTrialThroughLater() {
        CircuitBreaker b = new CircuitBreaker(3, Duration.ofSeconds(60));
        b.failure(1000);
        b.failure(2000);
        assertTrue(b.allows(2000));
        b.failure(3000);
        assertFalse(b.allows(3001));
        assertFalse(b.allows(62_999));
        assertTrue(b.allows(63_000), "half-open: one trial");
        b.failure(63_000);
        assertFalse(b.allows(63_001), "the trial failed: open again");
        b.success();
        assertTrue(b.allows(63_001));
    }

    @Test
    void backoffGrowsWithJitterUpToTheCap() {
        RetryPolicy p = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 2, 0.2, 10);
        for (int i = 0; i < 100; i++) {
            long first = p.delayMillis(1);
            long third = p.delayMillis(3);
            long tenth = p.delayMillis(10);
            assertTrue(first >= 800 && first <= 1200, String.valueOf(first));
            assertTrue(third >= 3200 && third <= 4800, String.valueOf(third));
            assertTrue(tenth >= 24_000 && tenth <= 30_000, "jitter never past max: " + tenth);
        }
    }
}
