package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import io.connwatch.lifecycle.dispatch.Suppression;
import io.connwatch.lifecycle.dispatch.Timing;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledgement made in connwatch reaches PagerDuty and Opsgenie at once, through the real
 * lifecycle, outbox and dispatcher to their loopback stand-ins, with no further alert; a webhook
 * on the same route is sent nothing more.
 */
class AcknowledgementDeliveryTest {
    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final String PD_KEY = "R0UT1NGKEYs3cret0000000000000077";
    private static final String GENIE_KEY = "0f0e0d0c-s3cret-genie";

    @TempDir
    Path dir;
    private PagerDutyStandIn pagerduty;
    private OpsgenieStandIn opsgenie;
    private LoopbackHttp hook;
    private ReceiverHarness harness;
    private Dispatcher dispatcher;
    private Outbox outbox;
    private Delivery delivery;
    private GroupDispatcher lifecycle;

    @BeforeEach
    void start() throws Exception {
        pagerduty = new PagerDutyStandIn(PD_KEY);
        opsgenie = new OpsgenieStandIn(GENIE_KEY);
        hook = new LoopbackHttp();
        harness = new ReceiverHarness();
        List<Notifier> notifiers = List.of(
            ReceiverHarness.receiver("{name: pager, type: pagerduty, routing-key: " + PD_KEY + ", url: '" + pagerduty.uri("/v2/enqueue")
                + "'}"),
            ReceiverHarness.receiver("{name: genie, type: opsgenie, api-key: '" + GENIE_KEY + "', api-url: '" + opsgenie.uri("") + "'}"),
            ReceiverHarness.receiver("{name: hook, type: webhook, url: '" + hook.uri("/in") + "', send-resolved: true}"));
        outbox = new Outbox(dir.resolve("outbox"));
        dispatcher = new Dispatcher(outbox, notifiers, Map.of(), ReceiverHarness.FAST, Clock.systemUTC());
        dispatcher.start();
        delivery = new Delivery(new Router(List.of(), List.of()), outbox, dispatcher, Clock.systemUTC());
        Map<String, Notifier> byName = Map.of("pager", notifiers.get(0), "genie", notifiers.get(1), "hook", notifiers.get(2));
        io.connwatch.lifecycle.dispatch.Route root = new io.connwatch.lifecycle.dispatch.Route("default", a -> true,
            List.of("pager", "genie", "hook"), false, List.of("computer"), Timing.DEFAULT, List.of(), List.of(),
            io.connwatch.lifecycle.dispatch.Route.Updates.ALWAYS);
        lifecycle = new GroupDispatcher(List.of(), root, rule -> Duration.ofMinutes(15), Suppression.NONE,
            r -> byName.get(r).sendResolved(), delivery::accept, null, GroupDispatcher.Settings.DEFAULT, k -> null,
            dispatcher::acknowledgements);
    }

    @AfterEach
    void stop() throws Exception {
        delivery.close();
        harness.close();
        hook.close();
        opsgenie.close();
        pagerduty.close();
    }

    private void await(Callable<Boolean> done) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.pending().isEmpty() && done.call());
    }

    private List<String> pagerActions() {
        return pagerduty.events().stream().map(PagerDutyStandIn.Event::action).toList();
    }

    private List<String> genieActions() {
        return opsgenie.calls().stream().map(OpsgenieStandIn.Call::action).toList();
    }

    @Test
    void fireTriggersAckAcknowledgesAtOnceWithNoFurtherAlertAndResolveResolves() throws Exception {
        Alert a = Samples.alert("a", Severity.HIGH);
        lifecycle.fire(a, T0);
        lifecycle.advance(T0.plusSeconds(40));
        await(() -> pagerduty.events().size() == 1 && opsgenie.calls().size() == 1 && hook.requests().size() == 1);
        assertEquals(List.of("trigger"), pagerActions());
        assertEquals(List.of("create"), genieActions());
        String key = lifecycle.groups().get(0).groupKey();
        assertEquals("triggered", pagerduty.incident(key));

        // acknowledged in connwatch: no group tick, no new alert
        lifecycle.acknowledge(key, new Notification.Acknowledgement("alice", "on it", T0.plusSeconds(50), null));
        await(() -> pagerduty.events().size() == 2 && opsgenie.calls().size() == 2);
        assertEquals(List.of("trigger", "acknowledge"), pagerActions());
        assertEquals("acknowledged", pagerduty.incident(key), "the incident is acknowledged at once");
        assertEquals("{\"routing_key\":\"" + PD_KEY + "\",\"event_action\":\"acknowledge\",\"dedup_key\":"
            + StandIn.JSON.valueToTree(key) + "}", pagerduty.events().get(1).body().toString());
        assertEquals(List.of("create", "acknowledge"), genieActions());
        assertEquals("acknowledged", opsgenie.alert(key).status());
        JsonNode genieAck = opsgenie.calls().get(1).body();
        assertEquals("alice", genieAck.path("user").asText());
        assertEquals("Acknowledged in connwatch: on it", genieAck.path("note").asText());
        assertEquals(1, hook.requests().size(), "the webhook is sent nothing more");
        assertEquals(List.of(), outbox.deadLetters());

        // the alert resolves
        lifecycle.advance(T0.plus(Duration.ofMinutes(30)));
        await(() -> pagerduty.events().size() == 3 && opsgenie.calls().size() == 3 && hook.requests().size() == 2);
        assertEquals(List.of("trigger", "acknowledge", "resolve"), pagerActions());
        assertEquals(List.of(key), pagerduty.resolved());
        assertEquals(List.of("create", "acknowledge", "close"), genieActions());
        assertEquals("closed", opsgenie.alert(key).status());
        assertEquals("resolved", ReceiverHarness.json(hook.requests().get(1).body()).path("status").asText());
        assertEquals(List.of(), outbox.deadLetters());
    }

    @Test
    void anAcknowledgementQueuedForAReceiverThatNoLongerTakesThemIsDroppedNotSent() throws Exception {
        Notification ack = new Notification("n-1", "hook", "default:{computer=\"app-001\"}", Map.of("computer", "app-001"),
            Notification.AlertStatus.FIRING, List.of(), new Notification.Counts(0, 0, 0, 0, 0, 0, 0, 0), T0, false,
            new Notification.Acknowledgement("alice", "", T0, null), null, Notification.Kind.ACKNOWLEDGEMENT);
        outbox.enqueue(ack, System.currentTimeMillis());
        dispatcher.wake("hook");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.pending().isEmpty());
        assertEquals(List.of(), hook.requests());
        assertEquals(List.of(), outbox.deadLetters());
    }
}
