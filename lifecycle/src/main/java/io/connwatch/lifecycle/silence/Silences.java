package io.connwatch.lifecycle.silence;

import io.connwatch.lifecycle.match.Matchers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silences of one instance, thread-safe: created and expired here with Alertmanager's
 * validation, merged from other instances by newest {@code updatedAt}, and kept in the MVStore
 * map {@value #MAP_NAME} (id to {@link SilenceJson} form, committed on every change) when a store
 * is given, else in memory only.
 *
 * <p>Time always comes from the caller ({@code now}), so replays and test clocks work. Every
 * stored silence counts against {@link Limits#maxSilences()}, expired ones too until {@link #gc}
 * drops them (as Alertmanager's {@code --silences.max-silences} did), which keeps memory bounded
 * whatever the API is sent.
 */
public final class Silences {
    /** The MVStore map silences are kept in. */
    public static final String MAP_NAME = "silences";
    /** How long expired silences are kept by default: Alertmanager's {@code --data.retention}. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(120);

    private static final Logger LOG = LoggerFactory.getLogger(Silences.class);
    private static final Comparator<Silence> NEWEST_FIRST =
        Comparator.comparing(Silence::updatedAt).reversed().thenComparing(Silence::id);

    /**
     * Bounds on what the API may store.
     *
     * @param maxSilences        how many silences may be stored, expired ones included until collected
     * @param maxBytesPerSilence how large one silence may be in its JSON form (UTF-8 bytes)
     */
    public record Limits(int maxSilences, int maxBytesPerSilence) {
        /** 10,000 silences of up to 8,192 bytes each. */
        public static final Limits DEFAULTS = new Limits(10_000, 8_192);

        public Limits {
            if (maxSilences < 1 || maxBytesPerSilence < 1) {
                throw new IllegalArgumentException("silence limits must be positive: " + maxSilences + ", " + maxBytesPerSilence);
            }
        }
    }

    private final MVStore store;
    private final MVMap<String, String> persisted;
    private final Duration retention;
    private final Limits limits;
    private final Map<String, Silence> silences = new ConcurrentHashMap<>();
    private final List<Consumer<Silence>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong version = new AtomicLong();
    private final Object lock = new Object();

    /**
     * @param storeOrNull where silences persist (loaded from its {@value #MAP_NAME} map now), or null for memory only
     * @param retention   how long an expired silence is kept before {@link #gc} drops it
     * @param limits      bounds on what {@link #add} accepts
     */
    public Silences(MVStore storeOrNull, Duration retention, Limits limits) {
        this.store = storeOrNull;
        this.retention = Objects.requireNonNull(retention, "retention");
        this.limits = Objects.requireNonNull(limits, "limits");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative: " + retention);
        }
        this.persisted = store == null ? null : store.openMap(MAP_NAME);
        if (persisted != null) {
            load();
        }
    }

    /** Silences in memory with the default retention and limits. */
    public static Silences inMemory() {
        return new Silences(null, DEFAULT_RETENTION, Limits.DEFAULTS);
    }

    /**
     * Creates a silence. As in Alertmanager, a start in the past becomes {@code now}.
     *
     * @return the new silence, with a random UUID and {@code updatedAt = now}
     * @throws IllegalArgumentException naming every field that is wrong ({@code matchers},
     *                                  {@code startsAt}, {@code endsAt}, {@code createdBy},
     *                                  {@code comment}), or the limit that is reached
     */
    public Silence add(Matchers matchers, Instant startsAt, Instant endsAt, String createdBy, String comment, Instant now) {
        Objects.requireNonNull(now, "now");
        List<String> problems = new ArrayList<>();
        if (matchers == null || matchers.isEmpty()) {
            problems.add("matchers: at least one matcher is required");
        } else if (matchers.matchesEmpty()) {
            problems.add("matchers: " + matchers + " match every alert (a silence must not match everything:"
                + " at least one matcher must not match the empty string)");
        }
        Instant start = startsAt == null || startsAt.isBefore(now) ? now : startsAt;
        if (startsAt == null) {
            problems.add("startsAt: missing");
        }
        if (endsAt == null) {
            problems.add("endsAt: missing");
        } else if (endsAt.isBefore(now)) {
            problems.add("endsAt: " + endsAt + " is in the past");
        } else if (!endsAt.isAfter(start)) {
            problems.add("endsAt: must be after startsAt (" + start + ")");
        }
        if (createdBy == null || createdBy.isBlank()) {
            problems.add("createdBy: required");
        }
        if (comment == null || comment.isBlank()) {
            problems.add("comment: required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Silence s = new Silence(UUID.randomUUID().toString(), matchers, start, endsAt, createdBy, comment, now);
        String json = SilenceJson.toJson(s);
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxBytesPerSilence()) {
            throw new IllegalArgumentException("silence: " + bytes + " bytes as JSON; the limit is " + limits.maxBytesPerSilence()
                + " (fewer or shorter matchers, or a shorter comment)");
        }
        synchronized (lock) {
            if (silences.size() >= limits.maxSilences()) {
                throw new IllegalArgumentException("silences: " + silences.size() + " are stored and the limit is " + limits.maxSilences()
                    + " (expired silences count until they are garbage-collected)");
            }
            store(s, json);
            notifyListeners(s);
        }
        return s;
    }

    /** The silence with this id, in any state, until garbage-collected. */
    public Optional<Silence> get(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(silences.get(id));
    }

    /**
     * Expires a silence now, which is what "delete" means: an active one ends at {@code now}, a
     * pending one starts and ends at {@code now} (as Alertmanager does).
     *
     * @return the expired silence
     * @throws NoSuchElementException when no silence has this id (or it was garbage-collected)
     * @throws IllegalStateException  when it has already expired
     */
    public Silence expire(String id, Instant now) {
        Objects.requireNonNull(now, "now");
        synchronized (lock) {
            Silence s = id == null ? null : silences.get(id);
            if (s == null) {
                throw new NoSuchElementException("no silence with id '" + shorten(id) + "'");
            }
            Instant start = switch (s.state(now)) {
                case EXPIRED -> throw new IllegalStateException("silence " + id + " has already expired (at " + s.endsAt() + ")");
                case ACTIVE -> s.startsAt();
                case PENDING -> now;
            };
            Silence expired = new Silence(s.id(), s.matchers(), start, now, s.createdBy(), s.comment(), changedAt(s, now));
            store(expired, SilenceJson.toJson(expired));
            notifyListeners(expired);
            return expired;
        }
    }

    /** Silences in the given states at {@code now} (all when {@code states} is null or empty), most recently updated first. */
    public List<Silence> list(Instant now, Set<Silence.State> states) {
        boolean all = states == null || states.isEmpty();
        return silences.values().stream()
            .filter(s -> all || states.contains(s.state(now)))
            .sorted(NEWEST_FIRST)
            .toList();
    }

    /** The ids, sorted, of the silences active at {@code now} whose matchers match these labels. */
    public List<String> silencing(Map<String, String> labels, Instant now) {
        List<String> ids = new ArrayList<>();
        for (Silence s : silences.values()) {
            if (s.state(now) == Silence.State.ACTIVE && s.matchers().matches(labels)) {
                ids.add(s.id());
            }
        }
        ids.sort(null);
        return ids;
    }

    /** How many silences are in each state at {@code now} (every state present, for Alertmanager's {@code silences{state}} gauge). */
    public Map<Silence.State, Integer> countByState(Instant now) {
        Map<Silence.State, Integer> counts = new EnumMap<>(Silence.State.class);
        for (Silence.State st : Silence.State.values()) {
            counts.put(st, 0);
        }
        silences.values().forEach(s -> counts.merge(s.state(now), 1, Integer::sum));
        return counts;
    }

    /** How many silences are stored, expired ones included. */
    public int size() {
        return silences.size();
    }

    /** A number that grows with every change (add, expire, merge, gc), so callers can cache what {@link #silencing} said. */
    public long version() {
        return version.get();
    }

    /** Drops the silences that expired at least the retention before {@code now}; returns how many. */
    public int gc(Instant now) {
        synchronized (lock) {
            int dropped = 0;
            for (Silence s : List.copyOf(silences.values())) {
                if (s.state(now) == Silence.State.EXPIRED && !s.endsAt().plus(retention).isAfter(now)) {
                    if (persisted != null) {
                        persisted.remove(s.id());
                    }
                    silences.remove(s.id());
                    dropped++;
                }
            }
            if (dropped > 0) {
                if (store != null) {
                    store.commit();
                }
                version.incrementAndGet();
            }
            return dropped;
        }
    }

    /**
     * Takes a silence from another instance (replication) when it is new here or newer than the
     * one held: later {@code updatedAt} wins; at the same {@code updatedAt} the earlier
     * {@code endsAt} wins (an expiry beats an extension), then the greater JSON form, so every
     * instance settles on the same silence whatever order copies arrive in. Listeners are not
     * called (that would echo it back), and the limits do not apply (the origin applied them).
     *
     * @return true when it changed what is held
     */
    public boolean merge(Silence s) {
        Objects.requireNonNull(s, "silence");
        synchronized (lock) {
            Silence held = silences.get(s.id());
            if (held != null && (held.equals(s) || !supersedes(s, held))) {
                return false;
            }
            store(s, SilenceJson.toJson(s));
            return true;
        }
    }

    /**
     * Calls {@code listener} after every local {@link #add} and {@link #expire}, with the silence
     * as stored, in the order of the changes (under the store's lock, so keep it short: hand
     * the silence to a producer). An exception from a listener is logged, not thrown.
     */
    public void onChange(Consumer<Silence> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private static boolean supersedes(Silence s, Silence held) {
        int byUpdate = s.updatedAt().compareTo(held.updatedAt());
        if (byUpdate != 0) {
            return byUpdate > 0;
        }
        int byEnd = s.endsAt().compareTo(held.endsAt());
        if (byEnd != 0) {
            return byEnd < 0;
        }
        return SilenceJson.toJson(s).compareTo(SilenceJson.toJson(held)) > 0;
    }

    /**
     * {@code now}, or just after the held silence's {@code updatedAt} when the caller's clock is
     * behind it, so a local change always wins replication against what it replaced.
     */
    private static Instant changedAt(Silence held, Instant now) {
        return now.isAfter(held.updatedAt()) ? now : held.updatedAt().plusNanos(1);
    }

    private void store(Silence s, String json) {
        if (persisted != null) {
            persisted.put(s.id(), json);
            store.commit();
        }
        silences.put(s.id(), s);
        version.incrementAndGet();
    }

    private void notifyListeners(Silence s) {
        for (Consumer<Silence> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("a silence listener failed on silence {}: {}", s.id(), e.toString());
            }
        }
    }

    private void load() {
        int skipped = 0;
        for (Map.Entry<String, String> e : persisted.entrySet()) {
            try {
                Silence s = SilenceJson.fromJson(e.getValue());
                if (!s.id().equals(e.getKey())) {
                    throw new IllegalArgumentException("id: " + s.id() + " stored under " + e.getKey());
                }
                silences.put(s.id(), s);
            } catch (IllegalArgumentException ex) {
                skipped++;
                LOG.error("stored silence {} cannot be read and is ignored: {}", shorten(e.getKey()), ex.getMessage());
            }
        }
        if (skipped > 0) {
            LOG.error("{} stored silences could not be read; alerts they were meant to mute will notify", skipped);
        }
    }

    private static String shorten(String id) {
        return id == null ? "null" : id.length() <= 64 ? id : id.substring(0, 64) + "…";
    }
}
