package io.connwatch.notify;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: try {@code n} waits {@code initial * multiplier^(n-1)}, spread
 * by +-{@code jitter} so many waiting alerts do not retry in step, and never longer than
 * {@code max}; after {@code maxAttempts} tries an alert goes to the dead letters.
 */
public record RetryPolicy(Duration initial, Duration max, double multiplier, double jitter, int maxAttempts) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 2.0, 0.2, 30);

    public RetryPolicy {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || multiplier < 1 || jitter < 0 || jitter >= 1
            || maxAttempts < 1) {
            throw new IllegalArgumentException("retry: initial > 0, max >= initial, multiplier >= 1, 0 <= jitter < 1, max-attempts >= 1");
        }
    }

    /** The wait before try {@code attempt + 1}, given that {@code attempt} tries failed. */
    public long delayMillis(int attempt) {
        return delayMillis(attempt, ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The wait before try {@code attempt + 1} for a given draw: uniform over
     * {@code [d * (1 - jitter), min(d * (1 + jitter), max)]} where {@code d} is the backoff capped at
     * {@code max}. Spreading below the cap rather than clamping above it keeps waits at the cap
     * apart, instead of half of them landing on {@code max} exactly.
     *
     * @param random a draw in [0, 1)
     */
    public long delayMillis(int attempt, double random) {
        double base = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        double capped = Math.min(base, max.toMillis());
        double low = capped * (1 - jitter);
        double high = Math.min(capped * (1 + jitter), max.toMillis());
        return Math.max(1, Math.min(max.toMillis(), Math.round(low + random * (high - low))));
    }
}
