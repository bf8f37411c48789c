package io.connwatch.engine.api;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How often {@code POST /admin/reload} may compile the rules: one reload at a time, and at most
 * {@code perMinute} started in any minute (a compile costs seconds of CPU; five at once took 18 s).
 */
public final class ReloadLimit {
    public static final int DEFAULT_PER_MINUTE = 6;
    /** What a refused request is told to wait while another reload runs. */
    static final long RUNNING_RETRY_AFTER_SECONDS = 5;
    private static final long MINUTE_MILLIS = 60_000;

    /** Why a reload may not start now: the status to answer (409 one is running, 429 too many this minute) and seconds to wait. */
    public record Refusal(int status, long retryAfterSeconds, String message) {
    }

    private final int perMinute;
    private final Clock clock;
    private final Deque<Long> starts = new ArrayDeque<>();
    private boolean running;
    private long refused;

    public ReloadLimit(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Starts a reload (call {@link #finished()} when it is done), or says why it may not start. */
    public synchronized Refusal tryStart() {
        long now = clock.millis();
        while (!starts.isEmpty() && now - starts.peekFirst() >= MINUTE_MILLIS) {
            starts.removeFirst();
        }
        if (running) {
            refused++;
            return new Refusal(409, RUNNING_RETRY_AFTER_SECONDS, "a reload is running; its outcome will be in GET /rules");
        }
        if (starts.size() >= perMinute) {
            refused++;
            long wait = Math.max(1, (starts.peekFirst() + MINUTE_MILLIS - now + 999) / 1000);
            return new Refusal(429, wait, perMinute + " reloads in the last minute (http.max-reloads-per-minute); retry after Retry-After seconds");
        }
        starts.addLast(now);
        running = true;
        return null;
    }

    /** The reload started by {@link #tryStart()} is done. */
    public synchronized void finished() {
        running = false;
    }

    /** Reload requests refused so far. */
    public synchronized long refused() {
        return refused;
    }
}
