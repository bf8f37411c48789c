package io.connwatch.lifecycle.silence;

import io.connwatch.lifecycle.match.Matchers;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One silence, immutable: alerts its matchers match are muted from {@code startsAt}
 * (inclusive) to {@code endsAt} (exclusive). Its JSON form is {@link SilenceJson}'s.
 *
 * @param id        a random UUID
 * @param matchers  what it mutes
 * @param startsAt  when it starts muting
 * @param endsAt    when it stops muting (not before {@code startsAt})
 * @param createdBy who created it
 * @param comment   why
 * @param updatedAt when it was last created or changed (replication keeps the newest)
 */
public record Silence(String id, Matchers matchers, Instant startsAt, Instant endsAt, String createdBy, String comment,
                      Instant updatedAt) {

    /** Where a silence is in its life at a given time, as in Alertmanager's {@code status.state}. */
    public enum State {
        /** Before {@code startsAt}. */
        PENDING,
        /** From {@code startsAt} until just before {@code endsAt}: it mutes. */
        ACTIVE,
        /** From {@code endsAt} on. */
        EXPIRED;

        /** The lower-case name of Alertmanager's API ({@code pending}, {@code active}, {@code expired}). */
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Reads an API name in any case. */
        public static State parse(String text) {
            for (State s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown silence state '" + text + "' (expected pending, active or expired)");
        }
    }

    public Silence {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(matchers, "matchers");
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(endsAt, "endsAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (endsAt.isBefore(startsAt)) {
            throw new IllegalArgumentException("endsAt " + endsAt + " is before startsAt " + startsAt);
        }
    }

    /** Pending before {@code startsAt}, active in [{@code startsAt}, {@code endsAt}), expired from {@code endsAt}. */
    public State state(Instant now) {
        if (now.isBefore(startsAt)) {
            return State.PENDING;
        }
        return now.isBefore(endsAt) ? State.ACTIVE : State.EXPIRED;
    }
}
