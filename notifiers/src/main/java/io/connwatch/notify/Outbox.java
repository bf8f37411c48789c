package io.connwatch.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Notification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The durable outbox: notifications accepted for delivery, one entry per notification (each is
 * for one receiver), kept in an H2 MVStore file until delivered or given up on. A notification is
 * on disk (committed and synced) before {@link #enqueue} returns, and entries in retry survive a
 * crash: a restarted engine delivers them. Dead letters stay until replayed or purged.
 * Entries written by releases before notifications (one alert for one receiver) are read as a
 * notification of that alert, with an id that stays the same from one read to the next.
 * Thread-safe.
 */
public final class Outbox implements AutoCloseable {
    private static final ObjectMapper JSON = AlertJson.mapper();

    private final MVStore store;
    private final MVMap<Long, String> pending;
    private final MVMap<Long, String> dead;
    private final MVMap<String, Long> meta;
    /** The pending entries by receiver, oldest first: the store is the durable copy, this the fast one. */
    private final Map<String, java.util.TreeMap<Long, OutboxEntry>> byReceiver = new java.util.HashMap<>();
    /** The dead letters' receivers by id, and how many each receiver has: counted without reading the entries. */
    private final Map<Long, String> deadReceivers = new java.util.HashMap<>();
    private final Map<String, Integer> deadCounts = new java.util.HashMap<>();

    /** Opens (or creates) the outbox in {@code directory}. */
    public Outbox(Path directory) throws IOException {
        Files.createDirectories(directory);
        this.store = new MVStore.Builder().fileName(directory.resolve("outbox.mv.db").toString()).autoCommitDisabled().open();
        this.pending = store.openMap("pending");
        this.dead = store.openMap("dead");
        this.meta = store.openMap("meta");
        for (String v : pending.values()) {
            index(read(v));
        }
        dead.forEach((id, v) -> buried(id, read(v).receiver()));
    }

    private void buried(long id, String receiver) {
        if (deadReceivers.put(id, receiver) == null) {
            deadCounts.merge(receiver, 1, Integer::sum);
        }
    }

    private void unburied(long id) {
        String receiver = deadReceivers.remove(id);
        if (receiver != null) {
            deadCounts.computeIfPresent(receiver, (r, n) -> n == 1 ? null : n - 1);
        }
    }

    private void index(OutboxEntry e) {
        byReceiver.computeIfAbsent(e.receiver(), k -> new java.util.TreeMap<>()).put(e.id(), e);
    }

    private void unindex(OutboxEntry e) {
        java.util.TreeMap<Long, OutboxEntry> m = byReceiver.get(e.receiver());
        if (m != null) {
            m.remove(e.id());
        }
    }

    /** Queues a notification for its receiver; durable when this returns. */
    public OutboxEntry enqueue(Notification n, long now) {
        return enqueue(List.of(n), now).get(0);
    }

    /** Queues notifications, each for its receiver, in this order; durable (all of them, in one sync) when this returns. */
    public synchronized List<OutboxEntry> enqueue(List<Notification> notifications, long now) {
        List<OutboxEntry> out = new ArrayList<>(notifications.size());
        long seq = meta.getOrDefault("seq", 0L);
        for (Notification n : notifications) {
            OutboxEntry e = new OutboxEntry(++seq, n.receiver(), n, 0, now, now, null);
            pending.put(e.id(), write(e));
            index(e);
            out.add(e);
        }
        meta.put("seq", seq);
        durable();
        return out;
    }

    /** The receiver's entries due at {@code now}, oldest first, at most {@code max}. */
    public synchronized List<OutboxEntry> due(String receiver, long now, int max) {
        List<OutboxEntry> out = new ArrayList<>();
        for (OutboxEntry entry : byReceiver.getOrDefault(receiver, new java.util.TreeMap<>()).values()) {
            if (entry.nextAttemptAt() <= now) {
                out.add(entry);
                if (out.size() == max) {
                    break;
                }
            }
        }
        return out;
    }

    /** The earliest next-attempt time among the receiver's entries, or Long.MAX_VALUE when none wait. */
    public synchronized long nextDue(String receiver) {
        long next = Long.MAX_VALUE;
        for (OutboxEntry e : byReceiver.getOrDefault(receiver, new java.util.TreeMap<>()).values()) {
            next = Math.min(next, e.nextAttemptAt());
        }
        return next;
    }

    public synchronized void delivered(List<OutboxEntry> entries) {
        for (OutboxEntry e : entries) {
            pending.remove(e.id());
            unindex(e);
        }
        durable();
    }

    public synchronized void retry(List<OutboxEntry> entries, long nextAt, String error) {
        for (OutboxEntry e : entries) {
            OutboxEntry next = e.retried(nextAt, error);
            pending.put(e.id(), write(next));
            index(next);
        }
        durable();
    }

    /** Moves entries to the dead letters with the reason. */
    public synchronized void bury(List<OutboxEntry> entries, String reason) {
        for (OutboxEntry e : entries) {
            pending.remove(e.id());
            unindex(e);
            dead.put(e.id(), write(new OutboxEntry(e.id(), e.receiver(), e.notification(), e.attempts() + 1, e.nextAttemptAt(),
                e.queuedAt(), reason)));
            buried(e.id(), e.receiver());
        }
        durable();
    }

    /** How many entries wait for each receiver (receivers with none are left out), without reading them. */
    public synchronized Map<String, Integer> pendingCounts() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        byReceiver.forEach((r, m) -> {
            if (!m.isEmpty()) {
                out.put(r, m.size());
            }
        });
        return out;
    }

    /** How many entries wait for delivery, without reading them. */
    public synchronized int pendingCount() {
        return pending.size();
    }

    public synchronized List<OutboxEntry> pending() {
        return pending.values().stream().map(Outbox::read).toList();
    }

    /** How many entries wait for the receiver. */
    public synchronized int pendingCount(String receiver) {
        java.util.TreeMap<Long, OutboxEntry> m = byReceiver.get(receiver);
        return m == null ? 0 : m.size();
    }

    /** The receiver's oldest waiting entry (the one it delivers next), if any. */
    public synchronized java.util.Optional<OutboxEntry> oldestPending(String receiver) {
        java.util.TreeMap<Long, OutboxEntry> m = byReceiver.get(receiver);
        return m == null || m.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(m.firstEntry().getValue());
    }

    /** How many dead letters the receiver has. */
    public synchronized int deadCount(String receiver) {
        return deadCounts.getOrDefault(receiver, 0);
    }

    public synchronized List<OutboxEntry> deadLetters() {
        return dead.values().stream().map(Outbox::read).toList();
    }

    /**
     * Moves dead letters back to the queue for another round of attempts.
     *
     * @param ids the dead letters to replay; empty for all
     * @return how many were replayed
     */
    public synchronized int replayDead(List<Long> ids, long now) {
        List<Long> chosen = ids.isEmpty() ? new ArrayList<>(dead.keySet()) : ids;
        int n = 0;
        for (Long id : chosen) {
            String v = dead.remove(id);
            unburied(id);
            if (v != null) {
                OutboxEntry e = read(v);
                OutboxEntry again = new OutboxEntry(id, e.receiver(), e.notification(), 0, now, e.queuedAt(), e.lastError());
                pending.put(id, write(again));
                index(again);
                n++;
            }
        }
        durable();
        return n;
    }

    /**
     * Deletes dead letters for good.
     *
     * @param ids the dead letters to delete; empty for all
     * @return how many were deleted
     */
    public synchronized int purgeDead(List<Long> ids) {
        List<Long> chosen = ids.isEmpty() ? new ArrayList<>(dead.keySet()) : ids;
        int n = 0;
        for (Long id : chosen) {
            unburied(id);
            if (dead.remove(id) != null) {
                n++;
            }
        }
        durable();
        return n;
    }

    private void durable() {
        store.commit();
        store.sync();
    }

    private static String write(OutboxEntry e) {
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("an outbox entry is always serializable", ex);
        }
    }

    private static OutboxEntry read(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node.has("notification")) {
                return JSON.treeToValue(node, OutboxEntry.class);
            }
            return legacy(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("corrupt outbox entry: " + ex.getOriginalMessage(), ex);
        }
    }

    /**
     * An entry written before notifications ({@code alert} instead of {@code notification}): the
     * alert as an ungrouped notification sent when it was queued. Its id is derived from the
     * entry and the alert, so every read (and every delivery attempt) carries the same one.
     */
    private static OutboxEntry legacy(JsonNode node) throws JsonProcessingException {
        long id = node.path("id").asLong();
        String receiver = node.path("receiver").asText();
        long queuedAt = node.path("queuedAt").asLong();
        Alert alert = JSON.treeToValue(node.get("alert"), Alert.class);
        if (alert == null) {
            throw new IllegalStateException("corrupt outbox entry " + id + ": neither a notification nor an alert");
        }
        Notification of = Notification.of(receiver, List.of(alert), Instant.ofEpochMilli(queuedAt));
        String stableId = UUID.nameUUIDFromBytes(("outbox/" + id + "/" + receiver + "/" + alert.id()).getBytes(StandardCharsets.UTF_8))
            .toString();
        Notification n = new Notification(stableId, of.receiver(), of.groupKey(), of.groupLabels(), of.status(), of.alerts(), of.counts(),
            of.at(), of.repeat(), of.ack(), of.ackUrl());
        return new OutboxEntry(id, receiver, n, node.path("attempts").asInt(), node.path("nextAttemptAt").asLong(), queuedAt,
            node.hasNonNull("lastError") ? node.get("lastError").asText() : null);
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }
}
