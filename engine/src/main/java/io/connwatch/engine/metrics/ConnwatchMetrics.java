package io.connwatch.engine.metrics;

import io.connwatch.engine.alert.sink.CountingSink;
import io.connwatch.engine.alert.sink.FanOutSink;
import io.connwatch.engine.facts.Table;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.ingest.kafka.KafkaIngest;
import io.connwatch.engine.rules.EngineStats;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.feeds.FeedStatus;
import io.connwatch.feeds.ThreatIntel;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import io.connwatch.lifecycle.silence.Silence;
import io.connwatch.lifecycle.silence.Silences;
import io.connwatch.notify.DeliveryObserver;
import io.connwatch.notify.Delivery;
import io.connwatch.notify.Dispatcher;
import io.connwatch.notify.OutboxEntry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The service's Prometheus metrics: one registry that reads, when scraped, the counters the
 * service's parts already keep (ingest, rules, outputs, delivery, lifecycle, feeds, Kafka, the
 * HTTP guard), plus the JVM's and the process's, and renders them in the Prometheus text format
 * ({@link #scrape}). Names follow Prometheus' conventions: a {@code connwatch_} prefix, counters
 * ending in {@code _total}, times in seconds. Labels are bounded by the configuration (sources,
 * tables, rules, receivers, feeds, states); no machine, process or address is ever a label. The
 * delivery latency is the one value recorded here as it happens (this is the dispatcher's
 * {@link DeliveryObserver}).
 */
public final class ConnwatchMetrics implements DeliveryObserver, AutoCloseable {
    /** The Prometheus text format (0.0.4), answered unless the scraper asks for OpenMetrics. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    /** OpenMetrics 1.0, answered when the scraper's Accept names it. */
    public static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    /** Alertmanager's buckets for the delivery latency. */
    static final Duration[] LATENCY_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(15), Duration.ofSeconds(20)};

    /** A scrape body and its content type. */
    public record Scrape(String contentType, String body) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Clock clock;
    /** Run before each scrape: take snapshots, register series for rules (and rule-severity pairs) seen since the last one. */
    private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
    /** Function counters keep their object weakly: what they read is held here. */
    private final List<Object> held = new CopyOnWriteArrayList<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ConnwatchMetrics(Clock clock) {
        this.clock = clock;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Records accepted by source and table, and rejected by source. */
    public void bindIngest(IngestStats ingest) {
        for (IngestStats.Source s : IngestStats.Source.values()) {
            for (Table t : Table.values()) {
                counter("connwatch.records.ingested", "Records accepted by a source (decoded and handed to the rules)", ingest,
                    i -> i.accepted(s, t), "source", s.label(), "table", t.azureName());
            }
            counter("connwatch.records.rejected", "Records a source refused (undecodable, invalid, from the future)", ingest,
                i -> i.rejected(s), "source", s.label());
        }
    }

    /** The engine's counters, its event time, the rules in force and the last reload; fires and errors by rule. */
    public void bindEngine(RuleEngine engine) {
        EngineStats s = engine.stats();
        counter("connwatch.records.processed", "Records through the rules", s, x -> x.records.sum());
        counter("connwatch.records.late.for.windows", "Connections behind their machine's watermark: judged, but not in windows", s,
            x -> x.lateForWindows.sum());
        counter("connwatch.records.history", "Rows of machines new to a partition that were already behind its watermark", s,
            x -> x.historyRows.sum());
        counter("connwatch.alerts.raised", "Alerts the rules raised, before episode dedup", s, x -> x.alertsRaised.sum());
        counter("connwatch.late.detections", "Alerts raised by re-judging remembered connections after a feed refresh", s,
            x -> x.lateDetections.sum());
        counter("connwatch.session.repairs", "Rule sessions rebuilt from their facts because Drools kept failing inside them", s,
            x -> x.sessionRepairs.sum());
        counter("connwatch.machines.evicted", "Machines evicted beyond rules.max-machines", s, x -> x.machinesEvicted.sum());
        counter("connwatch.process.rows.dropped", "Rows not summed per process beyond rules.max-processes", s, x -> x.processRowsDropped.sum());
        counter("connwatch.remote.rows.dropped", "Outbound rows not summed per remote beyond the remote keys per machine-minute", s,
            x -> x.remoteRowsDropped.sum());
        counter("connwatch.cadence.keys.dropped", "Remote keys whose contact cadence was forgotten beyond the limit", s,
            x -> x.cadenceKeysDropped.sum());
        gauge("connwatch.machines.tracked", "Machines whose minutes the partitions track", engine, e -> e.trackedMachines());
        seconds("connwatch.watermark.lag", "Wall clock minus the engine's watermark (event time); NaN before the first record", engine,
            e -> e.watermark() == Long.MIN_VALUE ? Double.NaN : (clock.millis() - e.watermark()) / 1000.0);
        gauge("connwatch.rules.loaded", "Rules in force", engine, e -> e.rules().ruleNames().size());
        gauge("connwatch.config.last.reload.successful", "1 when the last rules reload succeeded (or none was tried), else 0", engine,
            e -> e.lastReload() == null || e.lastReload().problems().isEmpty() ? 1 : 0);
        registerGauge(Gauge.builder("connwatch.config.last.reload.success.timestamp", engine, e -> e.lastLoaded().toEpochMilli() / 1000.0)
            .baseUnit("seconds").description("When the rules in force were loaded (start or last successful reload), Unix time"));
        seconds("connwatch.reload.duration", "How long the last successful reload paused the partitions (0 before one)", engine,
            e -> e.lastReload() == null ? 0 : e.lastReload().millis() / 1000.0);
        // a series for every rule in force from the start (at 0), and for any other rule that fired or failed since
        Set<String> fires = new HashSet<>();
        Set<String> errors = new HashSet<>();
        beforeScrape.add(() -> {
            List<String> inForce = engine.rules().ruleNames();
            for (String rule : union(inForce, s.firesByRule.keySet())) {
                if (fires.add(rule)) {
                    counter("connwatch.rule.fires", "Rule activations fired", s.firesByRule, m -> sum(m, rule), "rule", rule);
                }
            }
            for (String rule : union(inForce, s.errorsByRule.keySet())) {
                if (errors.add(rule)) {
                    counter("connwatch.rule.errors", "Rule consequences that threw", s.errorsByRule, m -> sum(m, rule),
                        "rule", rule.isEmpty() ? "unknown" : rule);
                }
            }
        });
    }

    private static List<String> union(List<String> a, Set<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static double sum(Map<String, LongAdder> counts, String key) {
        LongAdder n = counts.get(key);
        return n == null ? 0 : n.sum();
    }

    /** Alerts that reached the outputs, by rule and severity. */
    public void bindAlerts(CountingSink alerts) {
        Set<CountingSink.Key> seen = new HashSet<>();
        beforeScrape.add(() -> newKeys(alerts.counts(), seen).forEach(k -> counter("connwatch.alerts.published",
            "Alerts published to the outputs (after episode dedup)", alerts.counts().get(k), LongAdder::sum,
            "rule", k.rule(), "severity", k.severity().label())));
    }

    /** Each alert output's failures and whether it is failing now. */
    public void bindOutputs(FanOutSink outputs) {
        for (FanOutSink.Output o : outputs.outputs()) {
            counter("connwatch.output.failures", "Failed writes to an alert output", o, FanOutSink.Output::failures, "output", o.name());
            gauge("connwatch.output.failing", "1 while an alert output's last write failed", o, x -> x.failing() ? 1 : 0, "output", o.name());
        }
    }

    /** Per receiver: notifications delivered and dead-lettered, failed attempts by reason, the outbox, the circuit. */
    public void bindDelivery(Delivery delivery) {
        Dispatcher d = delivery.dispatcher();
        for (String r : d.receivers()) {
            Dispatcher.Counters c = d.counters(r);
            counter("connwatch.notifications", "Notifications that left the outbox: delivered, or given up (dead letters)", c,
                x -> x.delivered.get(), "receiver", r, "status", "delivered");
            counter("connwatch.notifications", "Notifications that left the outbox: delivered, or given up (dead letters)", c,
                x -> x.deadLettered.get(), "receiver", r, "status", "dead_lettered");
            counter("connwatch.notification.alerts", "Alerts carried by delivered notifications", c, x -> x.alertsDelivered.get(),
                "receiver", r);
            for (Dispatcher.FailureReason reason : Dispatcher.FailureReason.values()) {
                counter("connwatch.notifications.failed", "Failed delivery attempts, by why", c, x -> x.failures(reason),
                    "receiver", r, "reason", reason.label());
            }
            gauge("connwatch.outbox.pending", "Notifications waiting in the outbox", delivery, x -> x.outbox().pendingCount(r),
                "receiver", r);
            seconds("connwatch.outbox.oldest.age", "How long the oldest waiting notification has waited (0 when none waits)", delivery,
                x -> x.outbox().oldestPending(r).map(OutboxEntry::queuedAt).map(q -> Math.max(0, clock.millis() - q) / 1000.0).orElse(0.0),
                "receiver", r);
            gauge("connwatch.dead.letters", "Notifications given up on, kept until replayed or purged", delivery,
                x -> x.outbox().deadCount(r), "receiver", r);
            gauge("connwatch.circuit.open", "1 while the receiver's circuit breaker holds deliveries back", d, x -> x.circuitOpen(r) ? 1 : 0,
                "receiver", r);
            latency.put(r, Timer.builder("connwatch.notification.latency").description("How long a delivery attempt took")
                .tags("receiver", r).serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
        }
    }

    /** The alert lifecycle: alerts by state, groups, notifications and what was held back; silences by state. */
    public void bindLifecycle(GroupDispatcher lifecycle, Silences silences) {
        Map<GroupDispatcher.State, Integer> states = new ConcurrentHashMap<>();
        Map<Silence.State, Integer> silenceStates = new ConcurrentHashMap<>();
        beforeScrape.add(() -> {
            Map<GroupDispatcher.State, Integer> counts = new EnumMap<>(GroupDispatcher.State.class);
            for (GroupDispatcher.AlertView a : lifecycle.alerts()) {
                counts.merge(a.state(), 1, Integer::sum);
            }
            for (GroupDispatcher.State st : GroupDispatcher.State.values()) {
                states.put(st, counts.getOrDefault(st, 0));
            }
            silenceStates.putAll(silences.countByState(lifecycle.now()));
        });
        for (GroupDispatcher.State st : GroupDispatcher.State.values()) {
            gauge("connwatch.alerts", "Alerts the lifecycle tracks, by state", states, m -> m.getOrDefault(st, 0), "state", label(st));
        }
        for (Silence.State st : Silence.State.values()) {
            gauge("connwatch.silences", "Silences by state", silenceStates, m -> m.getOrDefault(st, 0), "state", label(st));
        }
        gauge("connwatch.alert.groups", "Alert groups the lifecycle tracks", lifecycle, GroupDispatcher::groupCount);
        GroupDispatcher.Counters c = lifecycle.counters();
        counter("connwatch.lifecycle.alerts.received", "Alerts the lifecycle received from the rules", c, x -> x.received.get());
        counter("connwatch.lifecycle.alerts.resolved", "Alerts the lifecycle resolved", c, x -> x.resolved.get());
        counter("connwatch.lifecycle.alerts.evicted", "Alerts dropped beyond the lifecycle's bound", c, x -> x.evicted.get());
        counter("connwatch.lifecycle.notifications", "Notifications the lifecycle handed to the outbox", c, x -> x.notificationsFiring.get(),
            "status", "firing");
        counter("connwatch.lifecycle.notifications", "Notifications the lifecycle handed to the outbox", c,
            x -> x.notificationsResolved.get(), "status", "resolved");
        counter("connwatch.lifecycle.notifications", "Notifications the lifecycle handed to the outbox", c,
            x -> x.notificationsAcknowledgement.get(), "status", "acknowledgement");
        counter("connwatch.lifecycle.held", "Alerts held back from a notification, by why", c, x -> x.heldSilenced.get(), "reason", "silenced");
        counter("connwatch.lifecycle.held", "Alerts held back from a notification, by why", c, x -> x.heldInhibited.get(), "reason", "inhibited");
        counter("connwatch.lifecycle.held", "Alerts held back from a notification, by why", c, x -> x.heldMuted.get(), "reason", "muted");
        counter("connwatch.lifecycle.held", "Alerts held back from a notification, by why", c,
            x -> x.notificationsAcknowledgedSkipped.get(), "reason", "acknowledged");
    }

    /** Per feed: indicators and allowlist entries of the last good load, the age of that load, and whether the last check failed. */
    public void bindFeeds(ThreatIntel intel) {
        Map<String, FeedStatus> now = new ConcurrentHashMap<>();
        Supplier<Map<String, FeedStatus>> read = () -> {
            Map<String, FeedStatus> m = new HashMap<>();
            intel.status().forEach(f -> m.put(f.name(), f));
            return m;
        };
        now.putAll(read.get());
        beforeScrape.add(() -> now.putAll(read.get()));
        for (String feed : new ArrayList<>(now.keySet())) {
            gauge("connwatch.feed.indicators", "Threat indicators in the feed's last good load", now, m -> m.get(feed).indicators(),
                "feed", feed);
            gauge("connwatch.feed.allow.entries", "Allowlist networks in the feed's last good load", now, m -> m.get(feed).allowEntries(),
                "feed", feed);
            seconds("connwatch.feed.last.success.age", "Time since the feed's last good load; NaN before the first", now, m -> {
                Instant at = m.get(feed).lastSuccess();
                return at == null ? Double.NaN : Math.max(0, clock.millis() - at.toEpochMilli()) / 1000.0;
            }, "feed", feed);
            gauge("connwatch.feed.failing", "1 when the feed's last check failed", now, m -> m.get(feed).lastError() == null ? 0 : 1,
                "feed", feed);
        }
    }

    /** The Kafka consumer: lag, assigned partitions, paused, records, commits and dead letters. */
    public void bindKafka(KafkaIngest kafka) {
        KafkaIngest.Stats s = kafka.stats();
        gauge("connwatch.kafka.lag", "Records behind the end of the assigned partitions (summed), as of the last check", s,
            KafkaIngest.Stats::lag);
        gauge("connwatch.kafka.assigned.partitions", "Partitions assigned to this instance", s, x -> x.assigned().size());
        gauge("connwatch.kafka.paused", "1 while consumption is paused because the rules cannot keep up", s, x -> x.paused() ? 1 : 0);
        counter("connwatch.kafka.messages", "Kafka messages consumed", s, x -> x.records.sum());
        counter("connwatch.kafka.messages.replayed", "Messages read again after a rewind", s, x -> x.replayed.sum());
        counter("connwatch.kafka.dead.lettered", "Messages sent to the dead-letter topic", s, x -> x.deadLettered.sum());
        counter("connwatch.kafka.commits", "Offset commits", s, x -> x.commits.sum());
        counter("connwatch.kafka.commit.failures", "Failed offset commits", s, x -> x.commitFailures.sum());
        counter("connwatch.kafka.pauses", "Times consumption paused for backpressure", s, x -> x.pauses.sum());
    }

    /**
     * The HTTP server and its guard, read from the {@code http} section of /stats: connections,
     * refusals by reason, failed sign-ins, sessions.
     */
    public void bindHttp(Supplier<JsonObject> stats) {
        Map<String, Long> now = new ConcurrentHashMap<>();
        Runnable read = () -> stats.get().forEach(e -> {
            if (e.getValue() instanceof Number n) {
                now.put(e.getKey(), n.longValue());
            }
        });
        read.run();
        beforeScrape.add(read);
        ToDoubleFunction<Map<String, Long>> open = m -> m.getOrDefault("open", 0L);
        gauge("connwatch.http.connections.open", "Open HTTP connections", now, open);
        gauge("connwatch.http.sessions", "Console sessions", now, m -> m.getOrDefault("sessions", 0L));
        counter("connwatch.http.connections.refused", "Connections closed at once beyond http.max-connections", now,
            m -> m.getOrDefault("refused", 0L));
        counter("connwatch.http.auth.failures", "Failed sign-ins (bad token or session)", now, m -> m.getOrDefault("authFailures", 0L));
        for (Map.Entry<String, String> reason : Map.of("unauthenticated", "unauthenticated", "forbidden", "forbidden", "csrfRefused", "csrf",
            "hostRefused", "host", "originRefused", "origin", "authRateLimited", "rate_limited", "cut", "incomplete_request",
            "refusedOverBudget", "ingest_over_budget", "timedOut", "ingest_timeout", "reloadsRefused", "reload_limit").entrySet()) {
            counter("connwatch.http.requests.refused", "Requests refused, by why", now, m -> m.getOrDefault(reason.getKey(), 0L),
                "reason", reason.getValue());
        }
    }

    /** Whether the service is ready, and each readiness check's verdict. */
    public void bindReadiness(Readiness readiness) {
        gauge("connwatch.ready", "1 when the readiness checks pass (GET /ready answers 200)", readiness, r -> r.verdict().ready() ? 1 : 0);
        for (Readiness.Check check : Readiness.Check.values()) {
            gauge("connwatch.ready.check.failing", "1 while a readiness check fails", readiness,
                r -> r.verdict().failing().contains(check) ? 1 : 0, "check", check.label());
        }
    }

    @Override
    public void attempted(String receiver, long nanos, Dispatcher.FailureReason failure) {
        Timer t = latency.get(receiver);
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Renders every metric: OpenMetrics when {@code accept} asks for it, else the Prometheus text format. */
    public Scrape scrape(String accept) {
        beforeScrape.forEach(Runnable::run);
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_FORMAT : TEXT_FORMAT;
        return new Scrape(type, registry.scrape(type));
    }

    /** The registry, for more meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static <K> List<K> newKeys(Map<K, ?> live, Set<K> seen) {
        List<K> out = new ArrayList<>();
        for (K k : live.keySet()) {
            if (seen.add(k)) {
                out.add(k);
            }
        }
        return out;
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private <T> void counter(String name, String help, T obj, ToDoubleFunction<T> value, String... tags) {
        held.add(obj);
        FunctionCounter.builder(name, obj, value).description(help).tags(Tags.of(tags)).register(registry);
    }

    private <T> void gauge(String name, String help, T obj, ToDoubleFunction<T> value, String... tags) {
        registerGauge(Gauge.builder(name, obj, value).description(help).tags(Tags.of(tags)));
    }

    private <T> void registerGauge(Gauge.Builder<T> b) {
        b.strongReference(true).register(registry);
    }

    private <T> void seconds(String name, String help, T obj, ToDoubleFunction<T> value, String... tags) {
        TimeGauge.builder(name, obj, TimeUnit.SECONDS, value).description(help).tags(Tags.of(tags)).strongReference(true).register(registry);
    }
}
