package io.connwatch.lifecycle.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.Acknowledgement;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.lifecycle.store.LifecycleStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert lifecycle between the rules and the outbox, as Alertmanager's dispatcher, inhibitor,
 * silencer and notification log together: tracks each alert (by fingerprint) as firing until no
 * evidence came for its rule's resolve-after, puts it into one group per matching route (the
 * route plus the values of its group-by labels), and at each group's ticks decides per receiver,
 * against what that receiver was last sent, whether to notify: a new group after group-wait, joins
 * and resolves at most once per group-interval, an unchanged firing group again after
 * repeat-interval unless acknowledged. Silenced, inhibited and muted alerts are held back and
 * counted in the group's next notification. An acknowledgement is told at once, as a notification
 * of kind {@link Notification.Kind#ACKNOWLEDGEMENT}, to each receiver of the group that takes
 * acknowledgements and was already sent the group; withdrawing one tells nobody.
 *
 * <p>Time is the caller's: {@link #advance} and the {@code at} of each call. Under replay that is
 * event time (the engine's watermark), so a replay sends what a live service would have; live it
 * is the wall clock. Timers due before a call's time run first, each at its own due time. State
 * is written to the {@link LifecycleStore} as it changes: a restart resumes the groups, their
 * timers and the notification log, so no group notifies again before its repeat interval.
 * Thread-safe (one lock; the rule partitions call concurrently).
 */
public final class GroupDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupDispatcher.class);
    private static final ObjectMapper JSON = AlertJson.mapper();

    private static final String ALERTS = "alerts";
    private static final String GROUPS = "groups";
    private static final String NFLOG = "nflog";
    private static final String ACKS = "acks";
    private static final String META = "meta";

    /**
     * Bounds and retention.
     *
     * @param resolvedRetention how long a resolved alert is remembered, so that evidence arriving
     *                          later (a repeat the engine's episode dedup held back) fires it again
     * @param logRetention      how long a receiver's log entry for a group outlives the group
     * @param maxAlerts         alerts tracked at most; beyond it the one seen longest ago is dropped (counted)
     */
    public record Settings(Duration resolvedRetention, Duration logRetention, int maxAlerts) {
        public static final Settings DEFAULT = new Settings(Duration.ofHours(1), Duration.ofHours(24), 100_000);
    }

    /** Counters for /stats and the metrics. */
    public static final class Counters {
        public final AtomicLong received = new AtomicLong();
        public final AtomicLong refreshed = new AtomicLong();
        public final AtomicLong reopened = new AtomicLong();
        public final AtomicLong resolved = new AtomicLong();
        public final AtomicLong evicted = new AtomicLong();
        public final AtomicLong notificationsFiring = new AtomicLong();
        public final AtomicLong notificationsResolved = new AtomicLong();
        public final AtomicLong heldSilenced = new AtomicLong();
        public final AtomicLong heldInhibited = new AtomicLong();
        public final AtomicLong heldMuted = new AtomicLong();
        public final AtomicLong notificationsAcknowledgedSkipped = new AtomicLong();
        public final AtomicLong notificationsAcknowledgement = new AtomicLong();
    }

    /** What the API shows of an alert: its state now and what holds it back. */
    public enum State { ACTIVE, SILENCED, INHIBITED, ACKNOWLEDGED, RESOLVED }

    /** An alert as the API shows it. */
    public record AlertView(String fingerprint, State state, Map<String, String> labels, Alert alert, Instant startsAt,
                            Instant endsAt, Instant lastSeen, int occurrences, List<String> silencedBy, List<String> inhibitedBy,
                            List<String> groups) {
    }

    /** A group as the API shows it. */
    public record GroupView(String groupKey, String route, Map<String, String> labels, List<String> receivers,
                            List<AlertView> alerts, Acknowledgement ack, Instant nextTick) {
    }

    /** Persisted form of a tracked alert. */
    record AlertState(Alert alert, Instant startsAt, Instant lastSeen, Instant resolveAt, Instant endsAt, int occurrences,
                      List<String> inhibitedBy) {
    }

    /** Persisted form of a group. */
    record GroupState(String key, String route, Map<String, String> labels, List<String> fingerprints, Instant nextTick,
                      boolean flushed, Map<String, Held> held, Set<String> lastTickFiring) {
    }

    /** Fingerprints held back since a receiver's last notification of a group. */
    record Held(Set<String> silenced, Set<String> inhibited, Set<String> muted) {
        static Held empty() {
            return new Held(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        }
    }

    /**
     * What a receiver was last sent for a group (the notification log entry): the alerts its last
     * notification of the group's state told firing and resolved, when, when the group ended, and
     * the time ({@link Acknowledgement#at()}) of the acknowledgement it was last told of, null when
     * none (entries written before acknowledgements were told have none). An acknowledgement
     * notification changes only {@code acknowledgedAt}: the group's timers go by {@code sentAt}.
     */
    record LogEntry(Set<String> firing, Set<String> resolved, Instant sentAt, Instant groupGoneAt, Instant acknowledgedAt) {
    }

    private static final class Tracked {
        Alert alert;
        Map<String, String> labels;
        Instant startsAt;
        Instant lastSeen;
        Instant resolveAt;
        Instant endsAt;
        int occurrences;
        /** The alerts that inhibited it: once inhibited, held for the rest of its episode (see flush). */
        List<String> inhibitedBy = List.of();
        final Set<String> groups = new LinkedHashSet<>();

        boolean firing() {
            return endsAt == null;
        }
    }

    private static final class Group {
        final String key;
        final Route route;
        final Map<String, String> labels;
        final Set<String> fingerprints = new LinkedHashSet<>();
        Instant nextTick;
        boolean flushed;
        /** The alerts that fired (not held back) at the group's last tick: the incident a new alert joins. */
        Set<String> lastTickFiring = new TreeSet<>();
        final Map<String, Held> held = new TreeMap<>();

        Group(String key, Route route, Map<String, String> labels) {
            this.key = key;
            this.route = route;
            this.labels = labels;
        }
    }

    private final List<Route> routes;
    private final Route defaultRoute;
    private final Map<String, Route> routesByName = new LinkedHashMap<>();
    private final Function<String, Duration> resolveAfter;
    private final Suppression suppression;
    private final Predicate<String> sendResolved;
    private final Predicate<String> acknowledgements;
    private final NotificationOutlet outlet;
    private final LifecycleStore store;
    private final Settings settings;
    private final Function<String, String> ackLink;
    private final Counters counters = new Counters();

    private final Map<String, Tracked> alerts = new HashMap<>();
    private final Map<String, Group> groups = new HashMap<>();
    private final TreeSet<Group> timers = new TreeSet<>(Comparator.comparing((Group g) -> g.nextTick).thenComparing(g -> g.key));
    private final PriorityQueue<Object[]> resolves = new PriorityQueue<>(Comparator.comparing(o -> (Instant) o[0]));
    private final Map<String, LogEntry> log = new HashMap<>();
    private final Map<String, Acknowledgement> acks = new HashMap<>();
    private Instant now = Instant.EPOCH;
    private static final Duration GC_EVERY = Duration.ofMinutes(1);
    private Instant lastGc = Instant.EPOCH;
    private java.util.function.Consumer<Replica> replicator = r -> { };
    private boolean applyingReplica;

    /**
     * A change other instances of a consumer group must know: a receiver's notification log entry
     * for a group ({@code kind} "nflog", key receiver NUL group key) or a group's acknowledgement
     * ("ack", key the group key); {@code json} null removes it.
     */
    public record Replica(String kind, String key, String json) {
    }

    /**
     * @param routes        tried in order
     * @param defaultRoute  takes the alerts no route matched (its receivers may be empty: then they are only tracked)
     * @param resolveAfter  per rule name, how long without evidence before an alert resolves
     * @param sendResolved  per receiver, whether it is told about resolved alerts
     * @param ackLink       per group key, a signed acknowledgement link, or null
     */
    public GroupDispatcher(List<Route> routes, Route defaultRoute, Function<String, Duration> resolveAfter,
                           Suppression suppression, Predicate<String> sendResolved, NotificationOutlet outlet,
                           LifecycleStore store, Settings settings, Function<String, String> ackLink) {
        this(routes, defaultRoute, resolveAfter, suppression, sendResolved, outlet, store, settings, ackLink, r -> false);
    }

    /**
     * @param routes           tried in order
     * @param defaultRoute     takes the alerts no route matched (its receivers may be empty: then they are only tracked)
     * @param resolveAfter     per rule name, how long without evidence before an alert resolves
     * @param sendResolved     per receiver, whether it is told about resolved alerts
     * @param ackLink          per group key, a signed acknowledgement link, or null
     * @param acknowledgements per receiver, whether it is told of an acknowledgement as it happens
     */
    public GroupDispatcher(List<Route> routes, Route defaultRoute, Function<String, Duration> resolveAfter,
                           Suppression suppression, Predicate<String> sendResolved, NotificationOutlet outlet,
                           LifecycleStore store, Settings settings, Function<String, String> ackLink,
                           Predicate<String> acknowledgements) {
        this.acknowledgements = acknowledgements == null ? r -> false : acknowledgements;
        this.routes = List.copyOf(routes);
        this.defaultRoute = Objects.requireNonNull(defaultRoute, "defaultRoute");
        this.resolveAfter = resolveAfter;
        this.suppression = suppression;
        this.sendResolved = sendResolved;
        this.outlet = outlet;
        this.store = store;
        this.settings = settings;
        this.ackLink = ackLink == null ? k -> null : ackLink;
        for (Route r : this.routes) {
            if (routesByName.put(r.name(), r) != null) {
                throw new IllegalArgumentException("two routes are named '" + r.name() + "'");
            }
        }
        routesByName.putIfAbsent(defaultRoute.name(), defaultRoute);
        load();
    }

    public Counters counters() {
        return counters;
    }

    /** The lifecycle's time: the latest time it was advanced to. */
    public synchronized Instant now() {
        return now;
    }

    // ---------------------------------------------------------------- input

    /**
     * A new alert from the rules (or a new episode of a known one) at lifecycle time {@code at}:
     * fires it, or refreshes it when it still fires. The state is on disk when this returns.
     */
    public synchronized void fire(Alert alert, Instant at) {
        advanceTo(at);
        counters.received.incrementAndGet();
        Tracked t = alerts.get(alert.fingerprint());
        if (t == null) {
            t = new Tracked();
            t.startsAt = alert.evidenceTime();
            alerts.put(alert.fingerprint(), t);
            evictBeyondLimit();
        } else if (!t.firing()) {
            reopen(t, alert.evidenceTime());
        } else {
            counters.refreshed.incrementAndGet();
        }
        t.alert = alert;
        t.labels = Labels.of(alert);
        seen(t, at);
        join(t);
        save(alert.fingerprint(), t);
        commit(true);
    }

    /**
     * More evidence for a fingerprint whose alert the engine held back as a repeat: keeps it
     * firing, or fires it again when it had resolved. Unknown fingerprints are ignored.
     */
    public synchronized void repeated(String fingerprint, Instant evidence, Instant at) {
        advanceTo(at);
        Tracked t = alerts.get(fingerprint);
        if (t == null || (!t.firing() && !at.isAfter(t.endsAt))) {
            // unknown, or late evidence from before the alert resolved: it was already told
            return;
        }
        if (!t.firing()) {
            reopen(t, evidence);
            Alert a = t.alert;
            t.alert = new Alert(UUID.randomUUID().toString(), a.rule(), a.severity(), a.fingerprint(), evidence, now,
                a.computer(), a.machine(), a.process(), a.summary(), a.labels(), a.evidence());
            seen(t, at);
            join(t);
        } else {
            counters.refreshed.incrementAndGet();
            seen(t, at);
        }
        save(fingerprint, t);
        commit(false);
    }

    /** Runs every timer due up to {@code to} (resolves, group ticks), each at its own time. */
    public synchronized void advance(Instant to) {
        advanceTo(to);
        commit(true);
    }

    private void reopen(Tracked t, Instant evidence) {
        counters.reopened.incrementAndGet();
        t.endsAt = null;
        if (t.groups.isEmpty()) {
            // Its resolve was told (or nobody was to be told): a new episode.
            t.startsAt = evidence;
            t.occurrences = 0;
            t.inhibitedBy = List.of();
        }
        // Else its groups never told that it resolved: to their receivers it simply goes on.
    }

    /**
     * Evidence at {@code at}: the alert fires until {@code at + resolve-after}. The caller's time,
     * not the lifecycle's (which may have run ahead under replay, where rule partitions hand alerts
     * over slightly out of order): an alert's lifetime follows its own evidence.
     */
    private void seen(Tracked t, Instant at) {
        t.occurrences++;
        t.lastSeen = t.lastSeen == null || at.isAfter(t.lastSeen) ? at : t.lastSeen;
        t.resolveAt = t.lastSeen.plus(resolveAfter.apply(t.alert.rule()));
        resolves.add(new Object[] {t.resolveAt, t.alert.fingerprint()});
    }

    private void evictBeyondLimit() {
        while (alerts.size() > settings.maxAlerts()) {
            String oldest = null;
            Instant when = null;
            for (Map.Entry<String, Tracked> e : alerts.entrySet()) {
                Tracked t = e.getValue();
                Instant w = t.lastSeen == null ? Instant.MAX : t.firing() ? t.lastSeen : t.endsAt.minus(Duration.ofDays(3650));
                if (when == null || w.isBefore(when)) {
                    when = w;
                    oldest = e.getKey();
                }
            }
            drop(oldest);
            counters.evicted.incrementAndGet();
        }
    }

    private void drop(String fingerprint) {
        Tracked t = alerts.remove(fingerprint);
        if (t != null) {
            for (String k : t.groups) {
                Group g = groups.get(k);
                if (g != null) {
                    g.fingerprints.remove(fingerprint);
                    saveGroup(g);
                }
            }
        }
        persistRemove(ALERTS, fingerprint);
    }

    private void join(Tracked t) {
        for (Route r : matchingRoutes(t.alert)) {
            Map<String, String> groupLabels = groupLabels(r, t.labels);
            String key = r.name() + ":" + Labels.format(groupLabels);
            Group g = groups.get(key);
            if (g == null) {
                g = new Group(key, r, groupLabels);
                g.nextTick = now.plus(r.timing().groupWait());
                groups.put(key, g);
                timers.add(g);
            }
            if (g.fingerprints.add(t.alert.fingerprint())) {
                t.groups.add(key);
            }
            saveGroup(g);
        }
    }

    private List<Route> matchingRoutes(Alert a) {
        List<Route> out = new ArrayList<>();
        for (Route r : routes) {
            if (r.match().test(a)) {
                out.add(r);
                if (!r.continueMatching()) {
                    return out;
                }
            }
        }
        if (out.isEmpty()) {
            out.add(defaultRoute);
        }
        return out;
    }

    private static Map<String, String> groupLabels(Route r, Map<String, String> labels) {
        if (r.groupsByAll()) {
            return new TreeMap<>(labels);
        }
        Map<String, String> out = new TreeMap<>();
        for (String l : r.groupBy()) {
            out.put(l, labels.getOrDefault(l, ""));
        }
        return out;
    }

    // ---------------------------------------------------------------- timers

    private void advanceTo(Instant to) {
        if (!to.isAfter(now)) {
            return;
        }
        while (true) {
            Instant nextResolve = nextResolve();
            Group nextGroup = timers.isEmpty() ? null : timers.first();
            Instant nextTick = nextGroup == null ? null : nextGroup.nextTick;
            if (nextResolve != null && !nextResolve.isAfter(to) && (nextTick == null || !nextResolve.isAfter(nextTick))) {
                Object[] r = resolves.poll();
                now = max(now, (Instant) r[0]);
                resolve((String) r[1], (Instant) r[0]);
            } else if (nextTick != null && !nextTick.isAfter(to)) {
                now = max(now, nextTick);
                tick(nextGroup);
            } else {
                break;
            }
        }
        now = to;
        // Forgetting old resolved alerts and log entries walks every one of them: once a minute of
        // lifecycle time is enough, not on every alert and repeat.
        if (!now.isBefore(lastGc.plus(GC_EVERY))) {
            lastGc = now;
            gc();
        }
    }

    private Instant nextResolve() {
        while (!resolves.isEmpty()) {
            Object[] r = resolves.peek();
            Tracked t = alerts.get((String) r[1]);
            if (t == null || !t.firing() || !t.resolveAt.equals(r[0])) {
                resolves.poll();
                continue;
            }
            return (Instant) r[0];
        }
        return null;
    }

    private void resolve(String fingerprint, Instant at) {
        Tracked t = alerts.get(fingerprint);
        if (t == null || !t.firing()) {
            return;
        }
        t.endsAt = at;
        counters.resolved.incrementAndGet();
        save(fingerprint, t);
    }

    private void tick(Group g) {
        timers.remove(g);
        flush(g, now);
        if (g.fingerprints.isEmpty()) {
            groups.remove(g.key);
            persistRemove(GROUPS, g.key);
            for (String r : g.route.receivers()) {
                LogEntry e = log.get(logKey(r, g.key));
                if (e != null) {
                    putLog(r, g.key, new LogEntry(e.firing(), e.resolved(), e.sentAt(), now, e.acknowledgedAt()));
                }
            }
            if (acks.remove(g.key) != null) {
                persistRemove(ACKS, g.key);
            }
        } else {
            g.nextTick = now.plus(g.route.timing().groupInterval());
            g.flushed = true;
            timers.add(g);
            saveGroup(g);
        }
    }

    private void flush(Group g, Instant at) {
        Acknowledgement ack = acks.get(g.key);
        if (ack != null && ack.until() != null && !ack.until().isAfter(at)) {
            acks.remove(g.key);
            persistRemove(ACKS, g.key);
            ack = null;
        }
        boolean muted = muted(g.route, at);
        Map<String, Map<String, String>> firingLabels = null;
        List<Tracked> firing = new ArrayList<>();
        List<Tracked> resolved = new ArrayList<>();
        Set<String> silenced = new TreeSet<>();
        Set<String> inhibited = new TreeSet<>();
        Set<String> mutedNow = new TreeSet<>();
        for (String fp : g.fingerprints) {
            Tracked t = alerts.get(fp);
            if (t == null) {
                continue;
            }
            if (!t.firing()) {
                resolved.add(t);
                continue;
            }
            if (!suppression.silencedBy(t.labels, at).isEmpty()) {
                silenced.add(fp);
                continue;
            }
            if (t.inhibitedBy.isEmpty()) {
                if (firingLabels == null) {
                    firingLabels = firingLabels();
                }
                List<String> by = suppression.inhibitedBy(fp, t.labels, firingLabels);
                if (!by.isEmpty()) {
                    // Sticky for the episode, past Alertmanager: the ratio alert of a failure incident stays
                    // held when the spike that inhibited it resolves a window earlier, instead of paging then.
                    t.inhibitedBy = List.copyOf(by);
                    save(fp, t);
                }
            }
            if (!t.inhibitedBy.isEmpty()) {
                inhibited.add(fp);
                continue;
            }
            if (muted) {
                mutedNow.add(fp);
                continue;
            }
            firing.add(t);
        }
        counters.heldSilenced.addAndGet(silenced.size());
        counters.heldInhibited.addAndGet(inhibited.size());
        counters.heldMuted.addAndGet(mutedNow.size());
        firing.sort(Comparator.comparing((Tracked t) -> t.startsAt).reversed());
        Set<String> firingFps = fingerprints(firing);
        boolean groupOver = firing.isEmpty() && silenced.isEmpty() && inhibited.isEmpty() && mutedNow.isEmpty();
        Set<String> resolvedFps = fingerprints(resolved);
        for (String receiver : g.route.receivers()) {
            Held held = g.held.computeIfAbsent(receiver, r -> Held.empty());
            held.silenced().addAll(silenced);
            held.inhibited().addAll(inhibited);
            held.muted().addAll(mutedNow);
            if (muted) {
                continue;
            }
            LogEntry entry = log.get(logKey(receiver, g.key));
            boolean resolvedToo = sendResolved.test(receiver);
            Set<String> newFiring = new LinkedHashSet<>(firingFps);
            Set<String> newResolved = new LinkedHashSet<>(resolvedFps);
            boolean send;
            if (entry == null) {
                send = !firingFps.isEmpty();
            } else {
                newFiring.removeAll(entry.firing());
                newResolved.removeAll(entry.resolved());
                // The group is over when none of its alerts fires, held back or not; a partial resolve
                // rides along with the next message instead of sending one of its own (one resolve per incident).
                boolean allResolved = groupOver && !entry.firing().isEmpty();
                boolean repeatDue = !firingFps.isEmpty() && !at.isBefore(entry.sentAt().plus(g.route.timing().repeatInterval()));
                if (repeatDue && newFiring.isEmpty() && ack != null) {
                    counters.notificationsAcknowledgedSkipped.incrementAndGet();
                    repeatDue = false;
                }
                boolean update = !newFiring.isEmpty() && (g.route.updates() == Route.Updates.ALWAYS
                    || worst(difference(newFiring, g.lastTickFiring)) > worst(intersection(firingFps, g.lastTickFiring)));
                // A receiver that takes no resolved alerts still gets the closing message when the group
                // ends with alerts it was never told of: no alert goes unseen by a receiver.
                boolean untold = allResolved && resolvedFps.stream().anyMatch(fp -> !entry.firing().contains(fp));
                send = update || (allResolved && (resolvedToo || untold)) || repeatDue;
                if (!send && allResolved) {
                    // Alertmanager clears the log without a message when the receiver takes no resolved ones.
                    putLog(receiver, g.key, new LogEntry(Set.of(), resolvedFps, entry.sentAt(), null, entry.acknowledgedAt()));
                }
            }
            if (!send) {
                continue;
            }
            List<NotifiedAlert> out = new ArrayList<>();
            for (Tracked t : firing) {
                out.add(notified(t, AlertStatus.FIRING, newFiring.contains(t.alert.fingerprint()), List.of()));
            }
            int resolvedSent = 0;
            int newResolvedSent = 0;
            for (Tracked t : resolved) {
                boolean untoldAlert = entry == null || !entry.firing().contains(t.alert.fingerprint());
                if (resolvedToo || untoldAlert) {
                    boolean isNew = newResolved.contains(t.alert.fingerprint()) || entry == null;
                    if (!isNew) {
                        continue;
                    }
                    out.add(notified(t, AlertStatus.RESOLVED, isNew, List.of()));
                    resolvedSent++;
                    newResolvedSent += isNew ? 1 : 0;
                }
            }
            AlertStatus status = firing.isEmpty() ? AlertStatus.RESOLVED : AlertStatus.FIRING;
            Notification n = new Notification(UUID.randomUUID().toString(), receiver, g.key, g.labels, status, out,
                new Notification.Counts(firing.size(), resolvedSent, newFiring.size(), newResolvedSent, 0,
                    held.silenced().size(), held.inhibited().size(), held.muted().size()),
                at, newFiring.isEmpty() && newResolvedSent == 0, ack, ackLink.apply(g.key));
            outlet.send(n);
            (status == AlertStatus.FIRING ? counters.notificationsFiring : counters.notificationsResolved).incrementAndGet();
            putLog(receiver, g.key, new LogEntry(firingFps, resolvedFps, at, null, ack == null ? null : ack.at()));
            g.held.put(receiver, Held.empty());
        }
        g.lastTickFiring = new TreeSet<>(firingFps);
        // A resolved alert leaves the group once every receiver of the route that was sent the group was
        // told (a receiver that takes no resolved ones, or never got the group, has nothing to be told).
        for (Tracked t : resolved) {
            String fp = t.alert.fingerprint();
            boolean told = true;
            for (String receiver : g.route.receivers()) {
                LogEntry e = log.get(logKey(receiver, g.key));
                if (e != null && (sendResolved.test(receiver) || !e.firing().contains(fp)) && !e.firing().isEmpty() && !e.resolved().contains(fp)) {
                    told = false;
                }
            }
            if (told) {
                g.fingerprints.remove(fp);
                t.groups.remove(g.key);
                save(fp, t);
            }
        }
        if (firing.isEmpty() && silenced.isEmpty() && inhibited.isEmpty() && mutedNow.isEmpty() && g.fingerprints.isEmpty()
            && ack != null) {
            acks.remove(g.key);
            persistRemove(ACKS, g.key);
        }
    }

    /** The most urgent severity among these fingerprints' alerts (those still tracked); -1 when none. */
    private int worst(Set<String> fingerprints) {
        int worst = -1;
        for (String fp : fingerprints) {
            Tracked t = alerts.get(fp);
            if (t != null) {
                worst = Math.max(worst, t.alert.severity().ordinal());
            }
        }
        return worst;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.retainAll(b);
        return out;
    }

    private NotifiedAlert notified(Tracked t, AlertStatus status, boolean isNew, List<String> silencedBy) {
        return new NotifiedAlert(t.alert, status, t.startsAt, t.endsAt, isNew, t.occurrences, silencedBy, List.of());
    }

    private static Set<String> fingerprints(List<Tracked> ts) {
        Set<String> out = new TreeSet<>();
        ts.forEach(t -> out.add(t.alert.fingerprint()));
        return out;
    }

    private Map<String, Map<String, String>> firingLabels() {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (Map.Entry<String, Tracked> e : alerts.entrySet()) {
            if (e.getValue().firing()) {
                out.put(e.getKey(), e.getValue().labels);
            }
        }
        return out;
    }

    private boolean muted(Route r, Instant at) {
        for (String name : r.muteTimeIntervals()) {
            if (suppression.inInterval(name, at)) {
                return true;
            }
        }
        if (!r.activeTimeIntervals().isEmpty()) {
            for (String name : r.activeTimeIntervals()) {
                if (suppression.inInterval(name, at)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private void gc() {
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, Tracked> e : alerts.entrySet()) {
            Tracked t = e.getValue();
            if (!t.firing() && t.groups.isEmpty() && !t.endsAt.plus(settings.resolvedRetention()).isAfter(now)) {
                gone.add(e.getKey());
            }
        }
        gone.forEach(fp -> {
            alerts.remove(fp);
            persistRemove(ALERTS, fp);
        });
        List<String> oldLog = new ArrayList<>();
        for (Map.Entry<String, LogEntry> e : log.entrySet()) {
            Instant goneAt = e.getValue().groupGoneAt();
            if (goneAt != null && !goneAt.plus(settings.logRetention()).isAfter(now)) {
                oldLog.add(e.getKey());
            }
        }
        oldLog.forEach(k -> {
            log.remove(k);
            persistRemove(NFLOG, k);
        });
    }

    // ---------------------------------------------------------------- acknowledgements and views

    /**
     * Acknowledges a group: its repeats stop until it resolves or until {@code ack.until()}; new
     * alerts joining it and its resolution still notify. Each receiver of the group that takes
     * acknowledgements and whose notification log says it was sent the group, still open, is sent
     * an acknowledgement notification now, through the outlet like any other (so retried, and
     * dead-lettered, by the outbox), unless its log says it was already told of this very
     * acknowledgement. Only the instance the acknowledgement is made on sends it: one learning it
     * from another ({@link #applyReplica}) sends nothing, as one learning a log entry does not
     * notify the group again. The acknowledgement and the log entries are on disk when this returns.
     *
     * @throws java.util.NoSuchElementException when no such group exists
     */
    public synchronized Acknowledgement acknowledge(String groupKey, Acknowledgement ack) {
        Group g = groups.get(groupKey);
        if (g == null) {
            throw new java.util.NoSuchElementException("no alert group '" + groupKey + "'");
        }
        acks.put(groupKey, ack);
        persist(ACKS, groupKey, ack);
        tellAcknowledgement(g, ack);
        commit(true);
        return ack;
    }

    private void tellAcknowledgement(Group g, Acknowledgement ack) {
        for (String receiver : g.route.receivers()) {
            LogEntry entry = log.get(logKey(receiver, g.key));
            if (entry == null || entry.firing().isEmpty() || entry.groupGoneAt() != null || !acknowledgements.test(receiver)
                || ack.at().equals(entry.acknowledgedAt())) {
                // never sent the group, or its incident is closed, or the receiver takes none, or it was told already
                continue;
            }
            List<NotifiedAlert> out = new ArrayList<>();
            int firing = 0;
            for (String fp : entry.firing()) {
                Tracked t = alerts.get(fp);
                if (t != null) {
                    out.add(notified(t, t.firing() ? AlertStatus.FIRING : AlertStatus.RESOLVED, false, List.of()));
                    firing += t.firing() ? 1 : 0;
                }
            }
            Notification n = new Notification(UUID.randomUUID().toString(), receiver, g.key, g.labels, AlertStatus.FIRING, out,
                new Notification.Counts(firing, out.size() - firing, 0, 0, 0, 0, 0, 0), now, false, ack, null,
                Notification.Kind.ACKNOWLEDGEMENT);
            outlet.send(n);
            counters.notificationsAcknowledgement.incrementAndGet();
            putLog(receiver, g.key, new LogEntry(entry.firing(), entry.resolved(), entry.sentAt(), null, ack.at()));
        }
    }

    /**
     * Withdraws a group's acknowledgement; true when there was one. Nobody is told: PagerDuty and
     * Opsgenie have no un-acknowledge, and the group's next notification carries no acknowledgement.
     */
    public synchronized boolean unacknowledge(String groupKey) {
        boolean had = acks.remove(groupKey) != null;
        persistRemove(ACKS, groupKey);
        commit(true);
        return had;
    }

    /** The groups as they stand at the lifecycle's time, largest first. */
    public synchronized List<GroupView> groups() {
        Map<String, Map<String, String>> firingLabels = firingLabels();
        List<GroupView> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(groupView(g, firingLabels));
        }
        out.sort(Comparator.comparing((GroupView v) -> -v.alerts().size()).thenComparing(GroupView::groupKey));
        return out;
    }

    /** One group as it stands at the lifecycle's time, or empty when there is no such group. */
    public synchronized Optional<GroupView> group(String groupKey) {
        Group g = groupKey == null ? null : groups.get(groupKey);
        if (g == null) {
            return Optional.empty();
        }
        return Optional.of(groupView(g, firingLabels()));
    }

    private GroupView groupView(Group g, Map<String, Map<String, String>> firingLabels) {
        Acknowledgement ack = acks.get(g.key);
        List<AlertView> views = new ArrayList<>();
        for (String fp : g.fingerprints) {
            Tracked t = alerts.get(fp);
            if (t != null) {
                views.add(view(fp, t, firingLabels, ack != null));
            }
        }
        return new GroupView(g.key, g.route.name(), g.labels, g.route.receivers(), views, ack, g.nextTick);
    }

    /** Every tracked alert (firing, and resolved ones still remembered). */
    public synchronized List<AlertView> alerts() {
        Map<String, Map<String, String>> firingLabels = firingLabels();
        List<AlertView> out = new ArrayList<>();
        for (Map.Entry<String, Tracked> e : alerts.entrySet()) {
            boolean acked = e.getValue().groups.stream().anyMatch(acks::containsKey);
            out.add(view(e.getKey(), e.getValue(), firingLabels, acked));
        }
        out.sort(Comparator.comparing(AlertView::startsAt).reversed().thenComparing(AlertView::fingerprint));
        return out;
    }

    public synchronized Map<String, Acknowledgement> acknowledgements() {
        return new TreeMap<>(acks);
    }

    public synchronized int groupCount() {
        return groups.size();
    }

    public synchronized int alertCount() {
        return alerts.size();
    }

    private AlertView view(String fp, Tracked t, Map<String, Map<String, String>> firingLabels, boolean acked) {
        List<String> silencedBy = t.firing() ? suppression.silencedBy(t.labels, now) : List.of();
        List<String> inhibitedBy = !t.firing() ? List.of()
            : !t.inhibitedBy.isEmpty() ? t.inhibitedBy : suppression.inhibitedBy(fp, t.labels, firingLabels);
        State s = !t.firing() ? State.RESOLVED
            : !silencedBy.isEmpty() ? State.SILENCED
            : !inhibitedBy.isEmpty() ? State.INHIBITED
            : acked ? State.ACKNOWLEDGED : State.ACTIVE;
        return new AlertView(fp, s, t.labels, t.alert, t.startsAt, t.endsAt, t.lastSeen, t.occurrences, silencedBy, inhibitedBy,
            List.copyOf(t.groups));
    }

    // ---------------------------------------------------------------- persistence

    private static String logKey(String receiver, String groupKey) {
        return receiver + "\u0000" + groupKey;
    }

    private void putLog(String receiver, String groupKey, LogEntry e) {
        log.put(logKey(receiver, groupKey), e);
        persist(NFLOG, logKey(receiver, groupKey), e);
    }

    private void save(String fp, Tracked t) {
        if (alerts.get(fp) != t) {
            return;
        }
        persist(ALERTS, fp, new AlertState(t.alert, t.startsAt, t.lastSeen, t.resolveAt, t.endsAt, t.occurrences,
            t.inhibitedBy));
    }

    private void saveGroup(Group g) {
        if (groups.get(g.key) != g) {
            return;
        }
        persist(GROUPS, g.key, new GroupState(g.key, g.route.name(), g.labels, new ArrayList<>(g.fingerprints), g.nextTick,
            g.flushed, g.held, g.lastTickFiring));
    }

    private void persist(String map, String key, Object value) {
        if (store == null && !replicated(map)) {
            return;
        }
        String json;
        try {
            json = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("lifecycle state is always serializable", e);
        }
        if (store != null) {
            store.put(map, key, json);
        }
        if (replicated(map) && !applyingReplica) {
            replicator.accept(new Replica(map, key, json));
        }
    }

    private void persistRemove(String map, String key) {
        if (store != null) {
            store.remove(map, key);
        }
        if (replicated(map) && !applyingReplica) {
            replicator.accept(new Replica(map, key, null));
        }
    }

    private static boolean replicated(String map) {
        return map.equals(NFLOG) || map.equals(ACKS);
    }

    /** Where this instance's notification log and acknowledgement changes go (a compacted Kafka topic). */
    public synchronized void onReplicate(java.util.function.Consumer<Replica> target) {
        this.replicator = target;
    }

    /**
     * Takes in a change another instance made: a notification log entry (kept when it was sent
     * later than the one known here, so no instance notifies a group another just did) or an
     * acknowledgement. Unreadable changes are ignored and logged.
     */
    public synchronized void applyReplica(Replica r) {
        applyingReplica = true;
        try {
            if (r.kind().equals(NFLOG)) {
                if (r.json() == null) {
                    return;
                }
                LogEntry remote = JSON.readValue(r.json(), LogEntry.class);
                LogEntry local = log.get(r.key());
                if (local == null || remote.sentAt().isAfter(local.sentAt()) || toldLaterAcknowledgement(remote, local)) {
                    log.put(r.key(), remote);
                    persist(NFLOG, r.key(), remote);
                }
            } else if (r.kind().equals(ACKS)) {
                if (r.json() == null) {
                    acks.remove(r.key());
                    persistRemove(ACKS, r.key());
                } else {
                    Acknowledgement a = JSON.readValue(r.json(), Acknowledgement.class);
                    acks.put(r.key(), a);
                    persist(ACKS, r.key(), a);
                }
            }
            commit(false);
        } catch (JsonProcessingException e) {
            LOG.warn("lifecycle replica {} {} unreadable, ignored: {}", r.kind(), r.key().replace('\u0000', ' '), e.getOriginalMessage());
        } finally {
            applyingReplica = false;
        }
    }

    /** Whether an entry of the same notification tells a later acknowledgement than the one known here. */
    private static boolean toldLaterAcknowledgement(LogEntry remote, LogEntry local) {
        return remote.sentAt().equals(local.sentAt()) && remote.acknowledgedAt() != null
            && (local.acknowledgedAt() == null || remote.acknowledgedAt().isAfter(local.acknowledgedAt()));
    }

    private void commit(boolean sync) {
        if (store != null) {
            store.put(META, "now", now.toString());
            store.commit(sync);
        }
    }

    private void load() {
        if (store == null) {
            return;
        }
        String at = store.all(META).get("now");
        if (at != null) {
            now = Instant.parse(at);
        }
        for (Map.Entry<String, String> e : store.all(ALERTS).entrySet()) {
            try {
                AlertState s = JSON.readValue(e.getValue(), AlertState.class);
                Tracked t = new Tracked();
                t.alert = s.alert();
                t.labels = Labels.of(s.alert());
                t.startsAt = s.startsAt();
                t.lastSeen = s.lastSeen();
                t.resolveAt = s.resolveAt();
                t.endsAt = s.endsAt();
                t.occurrences = s.occurrences();
                t.inhibitedBy = s.inhibitedBy() == null ? List.of() : List.copyOf(s.inhibitedBy());
                alerts.put(e.getKey(), t);
                if (t.firing()) {
                    resolves.add(new Object[] {t.resolveAt, e.getKey()});
                }
            } catch (JsonProcessingException ex) {
                LOG.error("lifecycle store: alert {} unreadable, dropped: {}", e.getKey(), ex.getOriginalMessage());
            }
        }
        for (Map.Entry<String, String> e : store.all(GROUPS).entrySet()) {
            try {
                GroupState s = JSON.readValue(e.getValue(), GroupState.class);
                Route r = routesByName.get(s.route());
                if (r == null) {
                    // The route is gone from the configuration: its alerts join the groups of today's routes.
                    LOG.warn("lifecycle store: route '{}' of group {} no longer exists; its alerts are regrouped", s.route(), s.key());
                    continue;
                }
                Group g = new Group(s.key(), r, s.labels());
                g.fingerprints.addAll(s.fingerprints());
                g.nextTick = s.nextTick();
                g.flushed = s.flushed();
                g.lastTickFiring = s.lastTickFiring() == null ? new TreeSet<>() : new TreeSet<>(s.lastTickFiring());
                if (s.held() != null) {
                    s.held().forEach((k, v) -> g.held.put(k, new Held(new TreeSet<>(v.silenced()), new TreeSet<>(v.inhibited()),
                        new TreeSet<>(v.muted()))));
                }
                groups.put(g.key, g);
                timers.add(g);
                for (String fp : g.fingerprints) {
                    Tracked t = alerts.get(fp);
                    if (t != null) {
                        t.groups.add(g.key);
                    }
                }
            } catch (JsonProcessingException ex) {
                LOG.error("lifecycle store: group {} unreadable, dropped: {}", e.getKey(), ex.getOriginalMessage());
            }
        }
        for (Map.Entry<String, Tracked> e : alerts.entrySet()) {
            if (e.getValue().groups.isEmpty() && e.getValue().firing()) {
                join(e.getValue());
            }
        }
        for (Map.Entry<String, String> e : store.all(NFLOG).entrySet()) {
            try {
                log.put(e.getKey(), JSON.readValue(e.getValue(), LogEntry.class));
            } catch (JsonProcessingException ex) {
                LOG.error("lifecycle store: log entry unreadable, dropped: {}", ex.getOriginalMessage());
            }
        }
        for (Map.Entry<String, String> e : store.all(ACKS).entrySet()) {
            try {
                acks.put(e.getKey(), JSON.readValue(e.getValue(), Acknowledgement.class));
            } catch (JsonProcessingException ex) {
                LOG.error("lifecycle store: acknowledgement unreadable, dropped: {}", ex.getOriginalMessage());
            }
        }
        LOG.info("lifecycle resumed at {}: {} alerts, {} groups, {} log entries, {} acknowledgements", now, alerts.size(),
            groups.size(), log.size(), acks.size());
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    @Override
    public synchronized void close() {
        commit(true);
    }
}
