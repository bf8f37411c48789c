package io.connwatch.lifecycle.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.Acknowledgement;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.Kind;
import io.connwatch.lifecycle.store.LifecycleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledgement told at once to the receivers that take acknowledgements (PagerDuty,
 * Opsgenie) and were already sent the group, and to nobody else.
 */
class GroupDispatcherAcknowledgementTest {
    static final Instant T0 = GroupDispatcherTest.T0;
    /** Receivers that take acknowledgements as they happen. */
    static final Set<String> TAKE_ACKS = Set.of("pager", "genie", "pager-2");

    final List<Notification> sent = new ArrayList<>();

    GroupDispatcher dispatcher(List<String> receivers, LifecycleStore store, List<Notification> outlet) {
        Route root = new Route("default", a -> true, receivers, false, List.of("computer"), Timing.DEFAULT, List.of(), List.of(),
            Route.Updates.ALWAYS);
        return new GroupDispatcher(List.of(), root, rule -> GroupDispatcherTest.RESOLVE, new GroupDispatcherTest().suppression,
            r -> true, outlet::add, store, GroupDispatcher.Settings.DEFAULT, k -> "https://connwatch.example/ack?g=" + k.length(),
            TAKE_ACKS::contains);
    }

    GroupDispatcher dispatcher(List<String> receivers) {
        return dispatcher(receivers, null, sent);
    }

    static List<Notification> acknowledgements(List<Notification> sent) {
        return sent.stream().filter(n -> n.kind() == Kind.ACKNOWLEDGEMENT).toList();
    }

    static Acknowledgement ack(Instant at) {
        return new Acknowledgement("alice", "on it", at, null);
    }

    @Test
    void anAcknowledgementIsToldAtOnceOnlyToTheReceiversThatTakeThemAndWereSentTheGroup() {
        GroupDispatcher d = dispatcher(List.of("pager", "hook", "mail", "genie"));
        d.fire(GroupDispatcherTest.alert("spike", "web-01", T0), T0);
        d.fire(GroupDispatcherTest.alert("scan", "web-01", T0), T0.plusSeconds(5));
        d.advance(T0.plusSeconds(40));
        assertEquals(4, sent.size(), "the group's first notification, one per receiver");
        String key = sent.get(0).groupKey();
        sent.clear();

        Acknowledgement a = ack(T0.plusSeconds(50));
        d.acknowledge(key, a);

        assertEquals(List.of("genie", "pager"), sent.stream().map(Notification::receiver).sorted().toList(),
            "at once (no group tick ran), one each, only the receivers that take acknowledgements");
        for (Notification n : sent) {
            assertEquals(Kind.ACKNOWLEDGEMENT, n.kind());
            assertEquals(key, n.groupKey());
            assertEquals(Map.of("computer", "web-01"), n.groupLabels());
            assertEquals(a, n.ack());
            assertEquals(AlertStatus.FIRING, n.status());
            assertEquals(2, n.alerts().size(), "the alerts the receiver was told of");
            assertTrue(n.alerts().stream().noneMatch(Notification.NotifiedAlert::isNew));
            assertEquals(new Notification.Counts(2, 0, 0, 0, 0, 0, 0, 0), n.counts());
            assertFalse(n.repeat());
            assertNull(n.ackUrl(), "already acknowledged: no link to acknowledge");
            assertEquals(T0.plusSeconds(40), n.at(), "the lifecycle's time");
        }
        assertEquals(2, d.counters().notificationsAcknowledgement.get());

        // The group goes on as before: no repeat while acknowledged, and one resolve per receiver at the end.
        sent.clear();
        d.advance(T0.plus(Duration.ofMinutes(30)));
        assertEquals(List.of("genie", "hook", "mail", "pager"), sent.stream().map(Notification::receiver).sorted().toList());
        assertTrue(sent.stream().allMatch(n -> n.kind() == Kind.STATE && n.status() == AlertStatus.RESOLVED));
    }

    @Test
    void aGroupAcknowledgedBeforeItsFirstNotificationTellsNobodyUntilThatNotificationWhichCarriesIt() {
        GroupDispatcher d = dispatcher(List.of("pager", "hook"));
        d.fire(GroupDispatcherTest.alert("spike", "web-01", T0), T0);
        String key = d.groups().get(0).groupKey();
        Acknowledgement a = ack(T0.plusSeconds(5));
        d.acknowledge(key, a);
        assertEquals(List.of(), sent, "no receiver was sent the group yet: nothing to acknowledge");
        d.advance(T0.plusSeconds(40));
        assertEquals(2, sent.size());
        assertTrue(sent.stream().allMatch(n -> n.kind() == Kind.STATE && a.equals(n.ack())),
            "the first notification carries the acknowledgement (PagerDuty sends trigger then acknowledge)");
    }

    @Test
    void aReceiverAddedAfterTheGroupWasSentIsNotToldAndAWithdrawalTellsNobody(@TempDir Path dir) throws Exception {
        String key;
        try (LifecycleStore store = LifecycleStore.open(dir)) {
            GroupDispatcher d = dispatcher(List.of("pager", "hook"), store, sent);
            d.fire(GroupDispatcherTest.alert("spike", "web-01", T0), T0);
            d.advance(T0.plusSeconds(40));
            key = sent.get(0).groupKey();
            d.close();
        }
        sent.clear();
        try (LifecycleStore store = LifecycleStore.open(dir)) {
            // restarted with a second PagerDuty receiver on the route: it was never sent the group
            GroupDispatcher d = dispatcher(List.of("pager", "hook", "pager-2"), store, sent);
            Acknowledgement a = ack(T0.plusSeconds(50));
            d.acknowledge(key, a);
            assertEquals(List.of("pager"), acknowledgements(sent).stream().map(Notification::receiver).toList());
            assertEquals(1, sent.size());

            sent.clear();
            d.acknowledge(key, a);
            assertEquals(List.of(), sent, "the same acknowledgement again: the log says it was told");
            assertTrue(d.unacknowledge(key));
            assertEquals(List.of(), sent, "PagerDuty and Opsgenie have no un-acknowledge: nothing is sent");
            d.acknowledge(key, ack(T0.plusSeconds(70)));
            assertEquals(List.of("pager"), sent.stream().map(Notification::receiver).toList(), "a new acknowledgement is told");
            d.close();
        }
        sent.clear();
        try (LifecycleStore store = LifecycleStore.open(dir)) {
            GroupDispatcher d = dispatcher(List.of("pager", "hook"), store, sent);
            d.acknowledge(key, ack(T0.plusSeconds(70)));
            assertEquals(List.of(), sent, "what was told survives a restart");
            d.close();
        }
    }

    @Test
    void aLogEntryWrittenBeforeAcknowledgementsWereToldStillLoads(@TempDir Path dir) throws Exception {
        String key;
        try (LifecycleStore store = LifecycleStore.open(dir)) {
            GroupDispatcher d = dispatcher(List.of("pager"), store, sent);
            d.fire(GroupDispatcherTest.alert("spike", "web-01", T0), T0);
            d.advance(T0.plusSeconds(40));
            key = sent.get(0).groupKey();
            d.close();
            // as the release before this one wrote it: no acknowledgedAt
            String logKey = "pager\u0000" + key;
            String old = store.get("nflog", logKey).replace(",\"acknowledgedAt\":null", "");
            assertFalse(old.contains("acknowledgedAt"));
            store.put("nflog", logKey, old);
            store.commit(true);
        }
        sent.clear();
        try (LifecycleStore store = LifecycleStore.open(dir)) {
            GroupDispatcher d = dispatcher(List.of("pager"), store, sent);
            d.advance(T0.plus(Duration.ofMinutes(2)));
            assertEquals(List.of(), sent, "the old entry holds: no notification again");
            d.acknowledge(key, ack(T0.plus(Duration.ofMinutes(2))));
            assertEquals(1, acknowledgements(sent).size());
        }
    }

    @Test
    void inAScaleOutPairOnlyTheInstanceTheAcknowledgementIsMadeOnSendsIt() {
        List<Notification> sentA = new ArrayList<>();
        List<Notification> sentB = new ArrayList<>();
        GroupDispatcher a = dispatcher(List.of("pager", "hook"), null, sentA);
        GroupDispatcher b = dispatcher(List.of("pager", "hook"), null, sentB);
        a.onReplicate(b::applyReplica);
        b.onReplicate(a::applyReplica);
        // Both instances hold the group (its alerts came in on both); A notified first, B learnt that from the log.
        a.fire(GroupDispatcherTest.alert("spike", "web-01", T0), T0);
        a.advance(T0.plusSeconds(40));
        b.fire(GroupDispatcherTest.alert("spike", "web-01", T0), T0.plusSeconds(1));
        b.advance(T0.plusSeconds(41));
        assertEquals(2, sentA.size());
        assertEquals(List.of(), sentB, "B knows from the shared log that A sent the group");
        String key = sentA.get(0).groupKey();
        sentA.clear();

        Acknowledgement ack = ack(T0.plusSeconds(50));
        b.acknowledge(key, ack);
        assertEquals(List.of("pager"), acknowledgements(sentB).stream().map(Notification::receiver).toList(),
            "the instance the acknowledgement is made on tells it, by the shared log (A sent the group)");
        assertEquals(List.of(), sentA, "the other instance learns the acknowledgement and sends nothing");
        assertEquals(Map.of(key, ack), a.acknowledgements());

        // A learnt from the log that this acknowledgement was told: made again there, it sends nothing.
        a.acknowledge(key, ack);
        assertEquals(List.of(), sentA);
    }
}
