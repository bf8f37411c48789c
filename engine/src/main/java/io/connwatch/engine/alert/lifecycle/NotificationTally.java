package io.connwatch.engine.alert.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Notification;
import io.connwatch.lifecycle.dispatch.NotificationOutlet;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The replay's outlet: counts the notifications the lifecycle would send, per receiver, firing and
 * resolved, and the distinct alerts they carried; optionally writes each as one JSON line.
 */
public final class NotificationTally implements NotificationOutlet, AutoCloseable {
    private final BufferedWriter out;
    private final Map<String, long[]> perReceiver = new TreeMap<>();
    private final Set<String> alertsCarried = new HashSet<>();

    public NotificationTally(Path file) throws IOException {
        this.out = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void send(Notification n) {
        long[] c = perReceiver.computeIfAbsent(n.receiver(), r -> new long[2]);
        c[n.status() == Notification.AlertStatus.FIRING ? 0 : 1]++;
        n.alerts().forEach(a -> alertsCarried.add(a.alert().id()));
        if (out != null) {
            try {
                out.write(AlertJson.mapper().writeValueAsString(n));
                out.write('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a notification is always serializable", e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public synchronized long firing(String receiver) {
        return perReceiver.getOrDefault(receiver, new long[2])[0];
    }

    public synchronized long resolved(String receiver) {
        return perReceiver.getOrDefault(receiver, new long[2])[1];
    }

    /** Ids of the alerts (episodes) that appeared in at least one notification. */
    public synchronized Set<String> alertsCarried() {
        return Set.copyOf(alertsCarried);
    }

    public synchronized void summary(PrintWriter err) {
        for (Map.Entry<String, long[]> e : perReceiver.entrySet()) {
            err.printf(Locale.ROOT, "notifications to %s: %,d (%,d firing, %,d resolved)%n", e.getKey(),
                e.getValue()[0] + e.getValue()[1], e.getValue()[0], e.getValue()[1]);
        }
        if (perReceiver.isEmpty()) {
            err.println("notifications: none");
        }
        err.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
