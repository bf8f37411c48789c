package io.connwatch.lifecycle.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Severity;
import io.connwatch.lifecycle.store.LifecycleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupDispatcherTest {
    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    static final Duration RESOLVE = Duration.ofMinutes(15);

    final List<Notification> sent = new ArrayList<>();
    final Set<String> silencedComputers = new HashSet<>();
    final Set<String> mutedAt = new HashSet<>();
    Route.Updates updates = Route.Updates.ALWAYS;

    final Suppression suppression = new Suppression() {
        @Override
        public List<String> silencedBy(Map<String, String> labels, Instant now) {
            return silencedComputers.contains(labels.get("computer")) ? List.of("s1") : List.of();
        }

        @Override
        public List<String> inhibitedBy(String fp, Map<String, String> labels, Map<String, Map<String, String>> firing) {
            if (!labels.get("rule").equals("ratio")) {
                return List.of();
            }
            return firing.entrySet().stream()
                .filter(e -> e.getValue().get("rule").equals("spike") && e.getValue().get("computer").equals(labels.get("computer")))
                .map(Map.Entry::getKey).toList();
        }

        @Override
        public boolean inInterval(String name, Instant t) {
            return mutedAt.contains(name);
        }
    };

    GroupDispatcher dispatcher(LifecycleStore store, List<String> muteIntervals) {
        Route root = new Route("default", a -> true, List.of("hook", "mail"), false, List.of("computer"), Timing.DEFAULT,
            muteIntervals, List.of(), updates);
        return new GroupDispatcher(List.of(), root, rule -> RESOLVE, suppression, r -> r.equals("hook"), sent::add, store,
            GroupDispatcher.Settings.DEFAULT, k -> null);
    }

    static Alert alert(String rule, String computer, Instant evidence) {
        return alert(rule, computer, evidence, Severity.HIGH);
    }

    static Alert alert(String rule, String computer, Instant evidence, Severity severity) {
        return new Alert(UUID.randomUUID().toString(), rule, severity, rule + "|" + computer, evidence, evidence, computer,
            "m-" + computer, null, rule + " on " + computer, Map.of(), List.of());
    }

    List<Notification> to(String receiver) {
        return sent.stream().filter(n -> n.receiver().equals(receiver)).toList();
    }

    @Test
    void anIncidentPagesOnceJoinsAsOneUpdateAndResolvesOnce() {
        GroupDispatcher d = dispatcher(null, List.of());
        d.fire(alert("spike", "web-01", T0), T0);
        d.fire(alert("scan", "web-01", T0), T0.plusSeconds(10));
        d.fire(alert("other", "db-01", T0), T0.plusSeconds(10));
        d.advance(T0.plusSeconds(40));
        List<Notification> hook = to("hook");
        assertEquals(2, hook.size(), "one notification per computer after group-wait");
        Notification web = hook.stream().filter(n -> n.groupLabels().get("computer").equals("web-01")).findFirst().orElseThrow();
        assertEquals(2, web.alerts().size());
        assertEquals(AlertStatus.FIRING, web.status());
        assertEquals(Map.of("computer", "web-01"), web.groupLabels());

        // two more alerts join within one group interval: one update
        d.fire(alert("lateral", "web-01", T0), T0.plus(Duration.ofMinutes(1)));
        d.fire(alert("exfil", "web-01", T0), T0.plus(Duration.ofMinutes(3)));
        d.fire(alert("spike", "web-01", T0), T0.plus(Duration.ofMinutes(4)));   // a refresh, not new
        d.advance(T0.plus(Duration.ofMinutes(6)));
        List<Notification> webHook = to("hook").stream().filter(n -> n.groupKey().contains("web-01")).toList();
        assertEquals(2, webHook.size());
        Notification update = webHook.get(1);
        assertEquals(4, update.counts().firing());
        assertEquals(2, update.counts().newFiring());
        assertEquals(2, update.alerts().stream().filter(Notification.NotifiedAlert::isNew).count());

        // nothing new for a while: no message until every alert resolved, then exactly one resolved
        d.advance(T0.plus(Duration.ofMinutes(60)));
        webHook = to("hook").stream().filter(n -> n.groupKey().contains("web-01")).toList();
        assertEquals(3, webHook.size());
        assertEquals(AlertStatus.RESOLVED, webHook.get(2).status());
        assertEquals(4, webHook.get(2).counts().resolved());
        webHook.get(2).alerts().forEach(a -> assertEquals(a.startsAt().isBefore(a.endsAt()), true));
        // the mail receiver takes no resolved: two firing messages only
        assertEquals(2, to("mail").stream().filter(n -> n.groupKey().contains("web-01")).count());
        assertEquals(0, d.groupCount());
    }

    @Test
    void anAlertResolvedInsideGroupWaitIsNeverSent() {
        GroupDispatcher d = new GroupDispatcher(List.of(), new Route("default", a -> true, List.of("hook"), false,
            List.of("computer"), new Timing(Duration.ofMinutes(20), Duration.ofMinutes(5), Duration.ofHours(4)), List.of(), List.of(),
            Route.Updates.ALWAYS),
            rule -> Duration.ofMinutes(5), suppression, r -> true, sent::add, null, GroupDispatcher.Settings.DEFAULT, k -> null);
        d.fire(alert("spike", "web-01", T0), T0);
        d.advance(T0.plus(Duration.ofHours(1)));
        assertTrue(sent.isEmpty());
    }

    @Test
    void anUnchangedGroupRepeatsAfterTheRepeatIntervalUnlessAcknowledgedAndStillResolves() {
        GroupDispatcher d = dispatcher(null, List.of());
        d.fire(alert("spike", "web-01", T0), T0);
        // keep it firing with repeats every 10 minutes for 9 hours
        Instant t = T0;
        for (int i = 0; i < 54; i++) {
            t = t.plus(Duration.ofMinutes(10));
            d.repeated("spike|web-01", t, t);
        }
        List<Notification> hook = to("hook");
        assertEquals(3, hook.size(), "first page, then at 4h and 8h (rounded up to group ticks)");
        assertTrue(hook.get(1).repeat());
        assertFalse(hook.get(0).repeat());
        String key = hook.get(0).groupKey();
        d.acknowledge(key, new Notification.Acknowledgement("alice", "on it", t, null));
        for (int i = 0; i < 30; i++) {
            t = t.plus(Duration.ofMinutes(10));
            d.repeated("spike|web-01", t, t);
        }
        assertEquals(3, to("hook").size(), "acknowledged: no repeat");
        d.advance(t.plus(Duration.ofHours(1)));
        List<Notification> after = to("hook");
        assertEquals(4, after.size());
        assertEquals(AlertStatus.RESOLVED, after.get(3).status(), "a resolve still notifies");
        assertEquals("alice", after.get(3).ack().by());
        assertTrue(d.acknowledgements().isEmpty(), "the acknowledgement ends with the group");
    }

    @Test
    void silencedAndInhibitedAlertsAreHeldBackAndCountedInTheNextNotification() {
        GroupDispatcher d = dispatcher(null, List.of());
        d.fire(alert("spike", "web-01", T0), T0);
        d.fire(alert("ratio", "web-01", T0), T0);
        silencedComputers.add("db-01");
        d.fire(alert("spike", "db-01", T0), T0);
        d.advance(T0.plusSeconds(31));
        assertEquals(1, to("hook").size(), "db-01 is silenced");
        Notification n = to("hook").get(0);
        assertEquals(1, n.alerts().size(), "the ratio alert is inhibited by the spike");
        assertEquals(1, n.counts().inhibited());
        assertEquals(GroupDispatcher.State.INHIBITED,
            d.alerts().stream().filter(a -> a.fingerprint().equals("ratio|web-01")).findFirst().orElseThrow().state());
        assertEquals(GroupDispatcher.State.SILENCED,
            d.alerts().stream().filter(a -> a.fingerprint().equals("spike|db-01")).findFirst().orElseThrow().state());

        // the silence expires while the alert still fires: it is notified, with the count of what was held
        silencedComputers.clear();
        d.repeated("spike|db-01", T0.plus(Duration.ofMinutes(4)), T0.plus(Duration.ofMinutes(4)));
        d.advance(T0.plus(Duration.ofMinutes(6)));
        Notification db = to("hook").stream().filter(x -> x.groupKey().contains("db-01")).findFirst().orElseThrow();
        assertEquals(1, db.counts().silenced());
        assertEquals(1, db.alerts().size());
    }

    @Test
    void anAlertSilencedAfterItWasNotifiedStillGetsItsResolvedMessage() {
        GroupDispatcher d = dispatcher(null, List.of());
        d.fire(alert("spike", "web-01", T0), T0);
        d.advance(T0.plusSeconds(31));
        silencedComputers.add("web-01");
        d.advance(T0.plus(Duration.ofHours(1)));
        List<Notification> hook = to("hook");
        assertEquals(2, hook.size());
        assertEquals(AlertStatus.RESOLVED, hook.get(1).status());
    }

    @Test
    void aMutedRouteSendsNothingAndCountsTheMutedAlertsWhenTheIntervalEnds() {
        GroupDispatcher d = dispatcher(null, List.of("weekend"));
        mutedAt.add("weekend");
        d.fire(alert("spike", "web-01", T0), T0);
        d.advance(T0.plus(Duration.ofMinutes(10)));
        assertTrue(sent.isEmpty());
        mutedAt.clear();
        d.repeated("spike|web-01", T0.plus(Duration.ofMinutes(11)), T0.plus(Duration.ofMinutes(11)));
        d.advance(T0.plus(Duration.ofMinutes(16)));
        assertEquals(1, to("hook").size());
        assertEquals(1, to("hook").get(0).counts().muted());
    }

    @Test
    void evidenceAfterResolveFiresTheAlertAgain() {
        GroupDispatcher d = dispatcher(null, List.of());
        d.fire(alert("spike", "web-01", T0), T0);
        d.advance(T0.plus(Duration.ofMinutes(25)));
        d.repeated("spike|web-01", T0.plus(Duration.ofMinutes(26)), T0.plus(Duration.ofMinutes(26)));
        d.advance(T0.plus(Duration.ofMinutes(27)));
        List<Notification> hook = to("hook");
        assertEquals(3, hook.size(), "fired, resolved, fired again");
        assertEquals(AlertStatus.FIRING, hook.get(2).status());
        assertTrue(hook.get(2).alerts().get(0).isNew());
    }

    @Test
    void aRestartResumesGroupsAndTheLogSoNothingRepeatsEarlyAndNothingIsLost(@TempDir Path dir) throws Exception {
        LifecycleStore store = LifecycleStore.open(dir);
        GroupDispatcher d = dispatcher(store, List.of());
        d.fire(alert("spike", "web-01", T0), T0);
        d.advance(T0.plusSeconds(31));
        d.fire(alert("scan", "web-01", T0), T0.plus(Duration.ofMinutes(1)));
        assertEquals(1, to("hook").size());
        // a crash: no close(), the store is abandoned as kill -9 would leave it
        store.mvStore().closeImmediately();
        LifecycleStore again = LifecycleStore.open(dir);
        GroupDispatcher resumed = dispatcher(again, List.of());
        assertEquals(2, resumed.alertCount());
        Instant t = T0.plus(Duration.ofMinutes(2));
        for (int i = 0; i < 20; i++) {
            t = t.plus(Duration.ofMinutes(5));
            resumed.repeated("spike|web-01", t, t);
            resumed.repeated("scan|web-01", t, t);
        }
        List<Notification> hook = to("hook");
        assertEquals(2, hook.size(), "the joined alert is sent once at the next tick; no early repeat of the group");
        assertEquals(1, hook.get(1).counts().newFiring());
        again.close();
    }

    @Test
    void onEscalationAJoinPagesOnlyWhenItRaisesTheWorstSeverityAndEveryReceiverStillSeesEveryAlert() {
        updates = Route.Updates.ON_ESCALATION;
        GroupDispatcher d = dispatcher(null, List.of());
        d.fire(alert("scan", "web-01", T0, Severity.MEDIUM), T0);
        d.advance(T0.plusSeconds(31));
        assertEquals(1, to("hook").size());
        d.fire(alert("country", "web-01", T0, Severity.LOW), T0.plus(Duration.ofMinutes(1)));
        d.fire(alert("ratio2", "web-01", T0, Severity.MEDIUM), T0.plus(Duration.ofMinutes(2)));
        d.advance(T0.plus(Duration.ofMinutes(12)));
        assertEquals(1, to("hook").size(), "same or lower severity: no page of its own");
        assertEquals(3, d.groups().get(0).alerts().size(), "but the group shows them at once");
        d.fire(alert("spike", "web-01", T0, Severity.HIGH), T0.plus(Duration.ofMinutes(13)));
        d.advance(T0.plus(Duration.ofMinutes(18)));
        assertEquals(2, to("hook").size(), "a higher severity pages");
        Notification esc = to("hook").get(1);
        assertEquals(3, esc.counts().newFiring(), "the update carries every alert not told before");
        d.advance(T0.plus(Duration.ofHours(2)));
        assertEquals(3, to("hook").size());
        assertEquals(AlertStatus.RESOLVED, to("hook").get(2).status());

        // a receiver without resolved messages is still told of alerts it never saw when the group ends
        sent.clear();
        d.fire(alert("scan", "db-01", T0, Severity.HIGH), T0.plus(Duration.ofHours(3)));
        d.advance(T0.plus(Duration.ofHours(3)).plusSeconds(31));
        d.fire(alert("country", "db-01", T0, Severity.LOW), T0.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(1)));
        d.advance(T0.plus(Duration.ofHours(5)));
        List<Notification> mail = to("mail");
        assertEquals(2, mail.size(), "the page, then the closing message carrying the alert it never saw");
        assertEquals(List.of("country"), mail.get(1).alerts().stream().map(a -> a.alert().rule()).toList());
    }
}
