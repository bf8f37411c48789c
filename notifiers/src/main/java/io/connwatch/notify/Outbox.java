package io.connwatch.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The durable outbox: alerts accepted for delivery, one entry per receiver, kept in an H2
 * MVStore file until delivered or given up on. An alert is on disk (committed and synced) before
 * {@link #enqueue} returns, and entries in retry survive a crash: a restarted engine delivers
 * them. Dead letters stay until replayed or purged. Thread-safe.
 */
public final class Outbox implements AutoCloseable {
    private static final ObjectMapper JSON = AlertJson.mapper();

    private final MVStore store;
    private final MVMap<Long, String> pending;
    private final MVMap<Long, String> dead;
    private final MVMap<String, Long> meta;
    /** The pending entries by receiver, oldest first: the store is the durable copy, this the fast one. */
    private final Map<String, java.util.TreeMap<Long, OutboxEntry>> byReceiver = new java.util.HashMap<>();

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

    /** Queues an alert for each receiver; durable when this returns. */
    public synchronized List<OutboxEntry> enqueue(Alert alert, List<String> receivers, long now) {
        List<OutboxEntry> out = new ArrayList<>(receivers.size());
        long seq = meta.getOrDefault("seq", 0L);
        for (String r : receivers) {
            OutboxEntry e = new OutboxEntry(++seq, r, alert, 0, now, now, null);
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
            dead.put(e.id(), write(new OutboxEntry(e.id(), e.receiver(), e.alert(), e.attempts() + 1, e.nextAttemptAt(), e.queuedAt(),
                reason)));
        }
        durable();
    }

    public synchronized List<OutboxEntry> pending() {
        return pending.values().stream().map(Outbox::read).toList();
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
            if (v != null) {
                OutboxEntry e = read(v);
                OutboxEntry again = new OutboxEntry(id, e.receiver(), e.alert(), 0, now, e.queuedAt(), e.lastError());
                pending.put(id, write(again));
                index(again);
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
            return JSON.readValue(json, OutboxEntry.class);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("corrupt outbox entry: " + ex.getOriginalMessage(), ex);
        }
    }

    @Override
    public synchronized void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }
}
