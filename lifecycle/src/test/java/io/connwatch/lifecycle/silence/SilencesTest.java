package io.connwatch.lifecycle.silence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.lifecycle.match.Matchers;
import io.connwatch.lifecycle.silence.Silence.State;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Silences: Alertmanager's validation, states, expiry, garbage collection, replication by newest, persistence. */
class SilencesTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Matchers WEB01 = Matchers.parse("{computer=\"web-01\"}");
    private static final Map<String, String> WEB01_ALERT = Map.of("computer", "web-01", "rule", "port-scan");

    private final Silences silences = Silences.inMemory();

    private Silence add(Matchers m, Instant start, Instant end, Instant now) {
        return silences.add(m, start, end, "alice", "maintenance", now);
    }

    private static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void aNewSilenceHasARandomIdAndIsActiveInItsWindow() {
        Silence s = add(WEB01, T0, at(60), T0);
        assertEquals(s.id(), UUID.fromString(s.id()).toString());
        assertEquals(T0, s.updatedAt());
        assertEquals("alice", s.createdBy());
        assertEquals("maintenance", s.comment());
        assertEquals(State.ACTIVE, s.state(T0), "the start is inclusive");
        assertEquals(State.ACTIVE, s.state(at(60).minusNanos(1)));
        assertEquals(State.EXPIRED, s.state(at(60)), "the end is exclusive");
        assertEquals(State.PENDING, s.state(T0.minusNanos(1)));
        assertEquals(s, silences.get(s.id()).orElseThrow());
        assertTrue(silences.get("nope").isEmpty());
        assertTrue(silences.get(null).isEmpty());
        assertEquals(1, silences.size());
    }

    @Test
    void aStartInThePastBecomesNowAsInAlertmanager() {
        Silence s = add(WEB01, at(-30), at(60), T0);
        assertEquals(T0, s.startsAt());
        Silence later = add(WEB01, at(10), at(60), T0);
        assertEquals(at(10), later.startsAt());
        assertEquals(State.PENDING, later.state(T0));
    }

    @Test
    void invalidSilencesNameEveryWrongField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> silences.add(Matchers.parse("{}"), null, null, " ", null, T0));
        assertEquals("matchers: at least one matcher is required; startsAt: missing; endsAt: missing; createdBy: required;"
            + " comment: required", e.getMessage());
        assertEquals(0, silences.size());
    }

    @Test
    void aSilenceMustNotMatchEverything() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> add(Matchers.parse("{rule=~\".*\", computer!=\"x\"}"), T0, at(60), T0));
        assertEquals("matchers: {rule=~\".*\", computer!=\"x\"} match every alert (a silence must not match everything:"
            + " at least one matcher must not match the empty string)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> add(Matchers.parse("{rule=\"\"}"), T0, at(60), T0));
        assertEquals(2, add(Matchers.parse("{rule=~\".*\", computer=\"x\"}"), T0, at(60), T0).matchers().all().size(),
            "one matcher that needs a label is enough");
    }

    @Test
    void theEndMustBeAfterTheStartAndNotInThePast() {
        assertEquals("endsAt: 2026-03-01T09:59:00Z is in the past",
            assertThrows(IllegalArgumentException.class, () -> add(WEB01, at(-60), at(-1), T0)).getMessage());
        assertEquals("endsAt: must be after startsAt (2026-03-01T10:30:00Z)",
            assertThrows(IllegalArgumentException.class, () -> add(WEB01, at(30), at(20), T0)).getMessage());
        assertEquals("endsAt: must be after startsAt (2026-03-01T10:30:00Z)",
            assertThrows(IllegalArgumentException.class, () -> add(WEB01, at(30), at(30), T0)).getMessage());
        assertEquals("endsAt: must be after startsAt (2026-03-01T10:00:00Z)",
            assertThrows(IllegalArgumentException.class, () -> add(WEB01, at(-5), T0, T0)).getMessage(),
            "a start in the past becomes now, and an end at now is then not after it");
    }

    @Test
    void limitsOnCountAndSize() {
        Silences small = new Silences(null, Duration.ofHours(1), new Silences.Limits(2, 400));
        Silence first = small.add(WEB01, T0, at(1), "a", "c", T0);
        small.add(WEB01, T0, at(60), "a", "c", T0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.add(WEB01, T0, at(60), "a", "c", T0));
        assertEquals("silences: 2 are stored and the limit is 2 (expired silences count until they are garbage-collected)", e.getMessage());
        small.expire(first.id(), T0);
        assertThrows(IllegalArgumentException.class, () -> small.add(WEB01, T0, at(60), "a", "c", at(1)), "expired still counts");
        assertEquals(1, small.gc(at(61)));
        small.add(WEB01, at(61), at(120), "a", "c", at(61));

        Silences tiny = new Silences(null, Duration.ofHours(1), new Silences.Limits(10, 400));
        e = assertThrows(IllegalArgumentException.class, () -> tiny.add(WEB01, T0, at(60), "a", "x".repeat(400), T0));
        assertTrue(e.getMessage().matches("silence: \\d+ bytes as JSON; the limit is 400 \\(fewer or shorter matchers, or a shorter comment\\)"),
            e.getMessage());
        assertEquals(0, tiny.size());
        assertThrows(IllegalArgumentException.class, () -> new Silences.Limits(0, 1));
    }

    @Test
    void expiringAnActiveSilenceEndsItNow() {
        Silence s = add(WEB01, T0, at(60), T0);
        Silence expired = silences.expire(s.id(), at(5));
        assertEquals(T0, expired.startsAt());
        assertEquals(at(5), expired.endsAt());
        assertEquals(at(5), expired.updatedAt());
        assertEquals(State.EXPIRED, expired.state(at(5)));
        assertEquals(expired, silences.get(s.id()).orElseThrow());
    }

    @Test
    void expiringAPendingSilenceStartsAndEndsItNow() {
        Silence s = add(WEB01, at(30), at(60), T0);
        Silence expired = silences.expire(s.id(), at(5));
        assertEquals(at(5), expired.startsAt());
        assertEquals(at(5), expired.endsAt());
        assertEquals(State.EXPIRED, expired.state(at(5)));
        assertEquals(State.EXPIRED, expired.state(at(40)), "it never becomes active");
    }

    @Test
    void expiringTwiceOrAnUnknownSilenceSaysSo() {
        Silence s = add(WEB01, T0, at(60), T0);
        silences.expire(s.id(), at(5));
        assertEquals("silence " + s.id() + " has already expired (at 2026-03-01T10:05:00Z)",
            assertThrows(IllegalStateException.class, () -> silences.expire(s.id(), at(6))).getMessage());
        Silence ended = add(WEB01, T0, at(60), T0);
        assertThrows(IllegalStateException.class, () -> silences.expire(ended.id(), at(60)), "ended by its own end time");
        assertEquals("no silence with id 'nope'", assertThrows(NoSuchElementException.class, () -> silences.expire("nope", T0)).getMessage());
        String hostile = "x".repeat(10_000);
        assertTrue(assertThrows(NoSuchElementException.class, () -> silences.expire(hostile, T0)).getMessage().length() < 100);
    }

    @Test
    void aLocalChangeIsNewerThanWhatItReplacesEvenWithAClockBehind() {
        Silence s = add(WEB01, T0, at(60), at(0));
        Silence expired = silences.expire(s.id(), at(0));
        assertTrue(expired.updatedAt().isAfter(s.updatedAt()));
        assertFalse(silences.merge(s), "the copy from before the expiry loses");
    }

    @Test
    void listIsNewestFirstAndFiltersByState() {
        Silence active = add(WEB01, T0, at(60), T0);
        Silence pending = add(WEB01, at(30), at(60), at(1));
        Silence soonOver = add(WEB01, T0, at(10), at(2));
        Silence expired = silences.expire(soonOver.id(), at(3));
        assertEquals(List.of(expired, pending, active), silences.list(at(5), null));
        assertEquals(List.of(expired, pending, active), silences.list(at(5), Set.of()));
        assertEquals(List.of(active), silences.list(at(5), Set.of(State.ACTIVE)));
        assertEquals(List.of(pending, active), silences.list(at(30), Set.of(State.ACTIVE)));
        assertEquals(List.of(expired, pending), silences.list(at(5), Set.of(State.PENDING, State.EXPIRED)));
        assertEquals(Map.of(State.ACTIVE, 1, State.PENDING, 1, State.EXPIRED, 1), silences.countByState(at(5)));
        assertEquals(Map.of(State.ACTIVE, 0, State.PENDING, 0, State.EXPIRED, 3), silences.countByState(at(60)));
    }

    @Test
    void silencingListsTheActiveSilencesThatMatch() {
        Silence a = add(WEB01, T0, at(60), T0);
        Silence b = add(Matchers.parse("{rule=~\"port-.*\"}"), T0, at(60), T0);
        Silence pending = add(WEB01, at(30), at(90), T0);
        add(Matchers.parse("{computer=\"db-01\"}"), T0, at(60), T0);
        assertEquals(sorted(a.id(), b.id()), silences.silencing(WEB01_ALERT, at(1)));
        assertEquals(sorted(a.id(), b.id(), pending.id()), silences.silencing(WEB01_ALERT, at(30)));
        assertEquals(List.of(pending.id()), silences.silencing(WEB01_ALERT, at(60)));
        assertEquals(List.of(), silences.silencing(WEB01_ALERT, at(90)));
        assertEquals(List.of(), silences.silencing(Map.of("computer", "web-02"), at(1)));
        silences.expire(a.id(), at(2));
        assertEquals(List.of(b.id()), silences.silencing(WEB01_ALERT, at(2)));
    }

    @Test
    void gcDropsSilencesExpiredLongerThanTheRetention() {
        Silences s = new Silences(null, Duration.ofHours(1), Silences.Limits.DEFAULTS);
        Silence old = s.add(WEB01, T0, at(10), "a", "c", T0);
        Silence newer = s.add(WEB01, T0, at(30), "a", "c", T0);
        Silence running = s.add(WEB01, T0, at(600), "a", "c", T0);
        assertEquals(0, s.gc(at(69)));
        long version = s.version();
        assertEquals(1, s.gc(at(70)), "expired for exactly the retention");
        assertTrue(s.version() > version);
        assertTrue(s.get(old.id()).isEmpty());
        assertEquals(0, s.gc(at(70)));
        assertEquals(1, s.gc(at(500)));
        assertTrue(s.get(newer.id()).isEmpty());
        assertEquals(List.of(running), s.list(at(500), null));
    }

    @Test
    void mergeKeepsTheNewerCopy() {
        Silence s = add(WEB01, T0, at(60), T0);
        long version = silences.version();
        assertFalse(silences.merge(s), "the same silence changes nothing");
        assertEquals(version, silences.version());
        Silence extended = new Silence(s.id(), s.matchers(), s.startsAt(), at(120), s.createdBy(), "longer", at(1));
        assertTrue(silences.merge(extended));
        assertEquals(extended, silences.get(s.id()).orElseThrow());
        assertTrue(silences.version() > version);
        assertFalse(silences.merge(s), "an older copy is ignored");
        assertEquals(extended, silences.get(s.id()).orElseThrow());
        Silence foreign = new Silence(UUID.randomUUID().toString(), WEB01, T0, at(5), "bob", "from another instance", T0);
        assertTrue(silences.merge(foreign), "a silence new here is taken");
        assertEquals(foreign, silences.get(foreign.id()).orElseThrow());
    }

    @Test
    void mergeAtTheSameUpdateTimeSettlesTheSameWayWhateverTheOrder() {
        String id = UUID.randomUUID().toString();
        Silence expiredThere = new Silence(id, WEB01, T0, at(5), "a", "c", at(5));
        Silence extendedHere = new Silence(id, WEB01, T0, at(90), "a", "c", at(5));
        Silence otherComment = new Silence(id, WEB01, T0, at(5), "a", "d", at(5));
        List<List<Silence>> orders = List.of(List.of(expiredThere, extendedHere, otherComment), List.of(otherComment, extendedHere, expiredThere),
            List.of(extendedHere, otherComment, expiredThere));
        List<Silence> outcomes = new ArrayList<>();
        for (List<Silence> order : orders) {
            Silences replica = Silences.inMemory();
            order.forEach(replica::merge);
            outcomes.add(replica.get(id).orElseThrow());
        }
        assertEquals(at(5), outcomes.get(0).endsAt(), "the expiry wins over the extension");
        assertEquals(List.of(outcomes.get(0), outcomes.get(0), outcomes.get(0)), outcomes);
    }

    @Test
    void listenersHearEveryLocalAddAndExpireInOrderButNotMerges() {
        List<Silence> heard = new ArrayList<>();
        silences.onChange(heard::add);
        silences.onChange(s -> {
            throw new IllegalStateException("a broken listener does not break the change");
        });
        Silence s = add(WEB01, T0, at(60), T0);
        Silence expired = silences.expire(s.id(), at(1));
        silences.merge(new Silence(UUID.randomUUID().toString(), WEB01, T0, at(5), "bob", "replicated", T0));
        assertThrows(IllegalArgumentException.class, () -> add(WEB01, T0, at(-1), T0));
        assertEquals(List.of(s, expired), heard);
    }

    @Test
    void timeComesFromTheCallerOnly() {
        Instant past = Instant.parse("2001-01-01T00:00:00Z");
        Silence s = add(WEB01, past, past.plusSeconds(60), past);
        assertEquals(State.ACTIVE, s.state(past));
        assertEquals(List.of(s.id()), silences.silencing(WEB01_ALERT, past.plusSeconds(1)));
    }

    @Test
    void persistedSilencesSurviveARestart(@TempDir Path dir) {
        String file = dir.resolve("lifecycle.mv").toString();
        Silence kept;
        Silence expired;
        Silence collected;
        try (MVStore store = MVStore.open(file)) {
            Silences first = new Silences(store, Duration.ofHours(1), Silences.Limits.DEFAULTS);
            kept = first.add(Matchers.parse("{rule=~\"port-.*|telnet\", computer!=\"db-01\"}"), T0, at(600), "alice", "a \"quoted\"\ncomment", T0);
            expired = first.expire(first.add(WEB01, at(30), at(600), "bob", "pending", T0).id(), at(5));
            collected = first.add(WEB01, T0, at(2), "carol", "short", T0);
            assertEquals(1, first.gc(at(62)));
        }
        try (MVStore store = MVStore.open(file)) {
            Silences second = new Silences(store, Duration.ofHours(1), Silences.Limits.DEFAULTS);
            assertEquals(List.of(expired, kept), second.list(at(62), null));
            assertTrue(second.get(collected.id()).isEmpty());
            assertEquals(List.of(kept.id()), second.silencing(Map.of("rule", "telnet"), at(62)));
            MVMap<String, String> map = store.openMap(Silences.MAP_NAME);
            assertEquals(SilenceJson.toJson(kept), map.get(kept.id()));
        }
    }

    @Test
    void aStoredSilenceThatCannotBeReadIsSkipped(@TempDir Path dir) {
        String file = dir.resolve("lifecycle.mv").toString();
        Silence good;
        try (MVStore store = MVStore.open(file)) {
            good = new Silences(store, Duration.ofHours(1), Silences.Limits.DEFAULTS).add(WEB01, T0, at(60), "a", "c", T0);
            MVMap<String, String> map = store.openMap(Silences.MAP_NAME);
            map.put("broken", "{\"id\": \"broken\"}");
            map.put("elsewhere", SilenceJson.toJson(good));
            store.commit();
        }
        try (MVStore store = MVStore.open(file)) {
            Silences reloaded = new Silences(store, Duration.ofHours(1), Silences.Limits.DEFAULTS);
            assertEquals(List.of(good), reloaded.list(T0, null));
        }
    }

    @Test
    void concurrentAddsNeverPassTheLimit() throws Exception {
        Silences shared = new Silences(null, Duration.ofHours(1), new Silences.Limits(50, 8_192));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 20; i++) {
                    try {
                        shared.add(WEB01, T0, at(60), "a", "c", T0);
                    } catch (IllegalArgumentException e) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(50, shared.size());
        assertEquals(110, refused.get());
        assertEquals(50, shared.list(T0, Set.of(State.ACTIVE)).size());
    }

    private static List<String> sorted(String... ids) {
        return java.util.Arrays.stream(ids).sorted().toList();
    }
}
