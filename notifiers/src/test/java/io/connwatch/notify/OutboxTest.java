package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox file: notifications in and out, durably, and entries written by the release before notifications. */
class OutboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long QUEUED = Instant.parse("2024-04-01T08:16:01Z").toEpochMilli();

    @TempDir
    Path dir;

    /**
     * An entry as the release before notifications wrote it: its OutboxEntry record was
     * {@code (id, receiver, alert, attempts, nextAttemptAt, queuedAt, lastError)}, the alert in its JSON form.
     */
    private static String oldEntry(long id, String receiver, Alert alert, int attempts, String lastError) {
        return "{\"id\":" + id + ",\"receiver\":\"" + receiver + "\",\"alert\":" + AlertJson.toJson(alert) + ",\"attempts\":" + attempts
            + ",\"nextAttemptAt\":" + QUEUED + ",\"queuedAt\":" + QUEUED + ",\"lastError\":" + (lastError == null ? "null"
            : "\"" + lastError + "\"") + "}";
    }

    /** Writes entries straight into the MVStore file as that release did: pending, dead letters, and the sequence. */
    private void writeOldOutbox(Map<Long, String> pending, Map<Long, String> dead, long seq) {
        MVStore store = new MVStore.Builder().fileName(dir.resolve("outbox.mv.db").toString()).autoCommitDisabled().open();
        MVMap<Long, String> p = store.openMap("pending");
        MVMap<Long, String> d = store.openMap("dead");
        MVMap<String, Long> meta = store.openMap("meta");
        p.putAll(pending);
        d.putAll(dead);
        meta.put("seq", seq);
        store.commit();
        store.close();
    }

    @Test
    void entriesOfTheReleaseBeforeNotificationsAreReadAsOneAlertNotificationsAndDelivered() throws Exception {
        Alert waiting = Samples.alert("old-1", Severity.HIGH);
        Alert given = Samples.alert("old-2", Severity.MEDIUM);
        writeOldOutbox(Map.of(1L, oldEntry(1, "siem", waiting, 2, "siem: HTTP 503")), Map.of(2L, oldEntry(2, "siem", given, 1,
            "siem: HTTP 400")), 2);

        String firstId;
        try (Outbox o = new Outbox(dir)) {
            OutboxEntry e = o.pending().get(0);
            assertEquals(1, e.id());
            assertEquals("siem", e.receiver());
            assertEquals(2, e.attempts());
            assertEquals("siem: HTTP 503", e.lastError());
            assertEquals(QUEUED, e.queuedAt());
            Notification n = e.notification();
            assertEquals("siem", n.receiver());
            assertEquals(Notification.AlertStatus.FIRING, n.status());
            assertEquals(List.of(waiting), n.alerts().stream().map(Notification.NotifiedAlert::alert).toList(), "the alert, whole");
            assertEquals(Instant.ofEpochMilli(QUEUED), n.at());
            assertEquals("{}:{fingerprint=\"fp-old-1\"}", n.groupKey());
            firstId = n.id();
            assertEquals(firstId, o.pending().get(0).notification().id(), "the same id at every read");
            assertEquals("old-2", o.deadLetters().get(0).notification().alerts().get(0).alert().id());
            assertEquals("siem: HTTP 400", o.deadLetters().get(0).lastError());
        }

        LoopbackHttp receiver = new LoopbackHttp();
        try (receiver) {
            List<String> problems = new ArrayList<>();
            Notifier hook = EmailNotifierTest.email("{name: siem, type: webhook, url: '" + receiver.uri("/in") + "'}", problems);
            assertEquals(List.of(), problems);
            Outbox reopened = new Outbox(dir);
            assertEquals(firstId, reopened.pending().get(0).notification().id(), "the same id after a restart: receivers dedupe by it");
            Dispatcher d = new Dispatcher(reopened, List.of(hook), Map.of(), RetryPolicy.DEFAULT, Clock.systemUTC());
            try (Delivery delivery = new Delivery(new Router(List.of(), List.of("siem")), reopened, d, Clock.systemUTC())) {
                d.start();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reopened.pending().isEmpty());
                assertEquals(1, reopened.replayDead(List.of(), System.currentTimeMillis()), "an old dead letter replays");
                d.wake("siem");
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reopened.pending().isEmpty() && receiver.requests().size() == 2);
                delivery.accept(Samples.notification("siem", Samples.alert("new-3", Severity.LOW)));
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reopened.pending().isEmpty() && receiver.requests().size() == 3);
            }
            List<String> ids = new ArrayList<>();
            for (LoopbackHttp.Request r : receiver.requests()) {
                JsonNode body = JSON.readTree(r.body());
                assertEquals("2", body.get("version").asText());
                ids.add(body.get("alerts").get(0).get("id").asText());
            }
            assertEquals(List.of("old-1", "old-2", "new-3"), ids);
            assertEquals(firstId, receiver.requests().get(0).header("X-Connwatch-Notification-Id"));
        }
        try (Outbox after = new Outbox(dir)) {
            assertEquals(List.of(), after.pending());
            assertEquals(List.of(), after.deadLetters());
        }
    }

    @Test
    void aNotificationIsOnDiskWhenEnqueueReturnsAndComesBackWhole() throws Exception {
        Notification group = WebhookNotifierTest.twoAlertExample();
        Notification single = Samples.notification("hook", Samples.alert("s", Severity.LOW));
        long first;
        try (Outbox o = new Outbox(dir)) {
            first = o.enqueue(group, 1000).id();
            List<OutboxEntry> more = o.enqueue(List.of(single, single), 2000);
            assertEquals(List.of(first + 1, first + 2), more.stream().map(OutboxEntry::id).toList(), "in order, after the others");
        }
        try (Outbox o = new Outbox(dir)) {
            List<OutboxEntry> pending = o.pending();
            assertEquals(3, pending.size());
            assertEquals(group, pending.get(0).notification(), "every part of the notification survives the file");
            assertEquals("siem", pending.get(0).receiver());
            assertEquals(1000, pending.get(0).queuedAt());
            assertEquals(single, pending.get(1).notification());
            assertEquals(List.of(pending.get(0)), o.due("siem", 1000, 10));
            assertEquals(List.of(pending.get(1)), o.due("hook", 2000, 1), "oldest first, at most max");
            assertEquals(Long.MAX_VALUE, o.nextDue("nobody"));
            assertEquals(1, o.pendingCount("siem"));
            assertEquals(2, o.pendingCount("hook"));
            assertEquals(0, o.pendingCount("nobody"));
            assertEquals(Optional.of(pending.get(1)), o.oldestPending("hook"));
            assertEquals(Optional.empty(), o.oldestPending("nobody"));
        }
    }

    @Test
    void deadLettersCanBePurgedByIdOrAll() throws Exception {
        List<OutboxEntry> queued;
        try (Outbox o = new Outbox(dir)) {
            queued = o.enqueue(List.of(Samples.notification("hook", Samples.alert("a", Severity.LOW)),
                Samples.notification("hook", Samples.alert("b", Severity.LOW)), Samples.notification("hook", Samples.alert("c", Severity.LOW))),
                0);
            o.bury(queued, "hook: HTTP 400");
            assertEquals(3, o.deadCount("hook"));
            assertEquals(0, o.pendingCount("hook"));
            assertEquals(1, o.purgeDead(List.of(queued.get(1).id(), 999L)));
            assertEquals(2, o.deadCount("hook"));
            assertEquals(List.of(queued.get(0).id(), queued.get(2).id()), o.deadLetters().stream().map(OutboxEntry::id).toList());
        }
        try (Outbox o = new Outbox(dir)) {
            assertEquals(2, o.deadLetters().size(), "a purge is durable, and only of the ones named");
            assertEquals(2, o.deadCount("hook"), "counted again from the file");
            assertEquals(1, o.replayDead(List.of(queued.get(0).id()), 5));
            assertEquals(1, o.deadCount("hook"));
            assertEquals(1, o.pendingCount("hook"));
            assertEquals(1, o.purgeDead(List.of()));
            assertEquals(0, o.deadCount("hook"));
            assertEquals(0, o.deadCount("nobody"));
            o.delivered(o.pending());
            o.enqueue(Samples.notification("hook", Samples.alert("d", Severity.LOW)), 6);
            o.bury(o.pending(), "again");
            assertEquals(1, o.deadCount("hook"));
            assertEquals(1, o.purgeDead(List.of()));
            assertEquals(List.of(), o.deadLetters());
        }
    }

    @Test
    void twoOldEntriesOfOneAlertForTwoReceiversGetDifferentIds() throws Exception {
        Alert a = Samples.alert("both", Severity.HIGH);
        writeOldOutbox(Map.of(1L, oldEntry(1, "siem", a, 0, null), 2L, oldEntry(2, "mail", a, 0, null)), Map.of(), 2);
        try (Outbox o = new Outbox(dir)) {
            List<OutboxEntry> p = o.pending();
            assertNotEquals(p.get(0).notification().id(), p.get(1).notification().id());
            assertEquals(List.of("siem", "mail"), p.stream().map(e -> e.notification().receiver()).toList());
            assertTrue(p.stream().allMatch(e -> e.lastError() == null));
            // a new entry continues the old sequence
            assertEquals(3, o.enqueue(Samples.notification("siem", a), 0).id());
        }
    }

    @Test
    void aNotificationStoredBeforeNotificationsHadAKindIsReadAsTheGroupsStateAndAnAcknowledgementComesBackAsOne() throws Exception {
        Notification group = WebhookNotifierTest.twoAlertExample();
        OutboxEntry entry = new OutboxEntry(1, group.receiver(), group, 0, QUEUED, QUEUED, null);
        com.fasterxml.jackson.databind.node.ObjectNode json = AlertJson.mapper().valueToTree(entry);
        assertEquals("state", json.path("notification").path("kind").asText(), "written with its kind");
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("notification")).remove("kind");
        writeOldOutbox(Map.of(1L, json.toString()), Map.of(), 1);
        Notification ack = new Notification("ack-1", "pager", group.groupKey(), group.groupLabels(), Notification.AlertStatus.FIRING,
            group.alerts(), group.counts(), group.at(), false, new Notification.Acknowledgement("alice", "on it", group.at(), null), null,
            Notification.Kind.ACKNOWLEDGEMENT);
        try (Outbox o = new Outbox(dir)) {
            Notification read = o.pending().get(0).notification();
            assertEquals(Notification.Kind.STATE, read.kind(), "an entry without a kind is a notification of the group's state");
            assertEquals(group, read, "and otherwise whole");
            o.enqueue(ack, QUEUED);
        }
        try (Outbox o = new Outbox(dir)) {
            assertEquals(ack, o.pending().get(1).notification(), "an acknowledgement survives a restart as one");
        }
    }
}
