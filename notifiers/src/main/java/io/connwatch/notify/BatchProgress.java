package io.connwatch.notify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many batches of a notification a receiver already accepted, remembered in memory for the
 * latest {@value #REMEMBERED} notifications: a retry of a notification whose first batches went
 * through sends only the rest, so a failure half-way does not make the service store them twice.
 * Forgotten at a restart: delivery stays at-least-once, as everywhere.
 */
public final class BatchProgress {
    /** Notifications remembered; the oldest are forgotten first. */
    public static final int REMEMBERED = 1024;

    private final Map<String, Integer> accepted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Batches of the notification already accepted (0 when none or forgotten). */
    public synchronized int accepted(String notificationId) {
        return accepted.getOrDefault(notificationId, 0);
    }

    /** Records that the first {@code batches} batches were accepted. */
    public synchronized void accepted(String notificationId, int batches) {
        accepted.put(notificationId, batches);
    }

    /** Forgets a notification delivered whole. */
    public synchronized void done(String notificationId) {
        accepted.remove(notificationId);
    }
}
