package io.connwatch.engine.service;

import io.connwatch.engine.alert.episodes.EpisodeLog;
import io.connwatch.engine.alert.episodes.EpisodeLogSink;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.alert.sink.ConsoleSink;
import io.connwatch.alert.Notification;
import io.connwatch.engine.alert.lifecycle.AckLinks;
import io.connwatch.engine.alert.lifecycle.LifecycleClock;
import io.connwatch.engine.alert.lifecycle.LifecycleLog;
import io.connwatch.engine.alert.lifecycle.StoredPortBaselines;
import io.connwatch.engine.alert.lifecycle.LifecycleSink;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import io.connwatch.lifecycle.dispatch.Stages;
import io.connwatch.lifecycle.store.LifecycleStore;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import io.connwatch.engine.alert.sink.FanOutSink;
import io.connwatch.engine.alert.sink.JsonlFileSink;
import io.connwatch.engine.api.AdminRoutes;
import io.connwatch.engine.api.HttpApiVerticle;
import io.connwatch.engine.api.LifecycleRoutes;
import io.connwatch.engine.api.MetricsRoutes;
import io.connwatch.engine.alert.sink.CountingSink;
import io.connwatch.engine.metrics.ConnwatchMetrics;
import io.connwatch.engine.metrics.Readiness;
import io.connwatch.engine.api.ReloadLimit;
import io.connwatch.engine.api.auth.HttpSecurity;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.ingest.file.FileReplay;
import io.connwatch.engine.ingest.http.HttpIngest;
import io.connwatch.engine.ingest.kafka.KafkaIngest;
import io.connwatch.engine.rules.RuleCompilationException;
import io.connwatch.engine.rules.RecordTap;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.RulesWatcher;
import io.connwatch.engine.workbook.WorkbookRoutes;
import io.connwatch.engine.workbook.WorkbookStore;
import io.connwatch.feeds.ThreatIntel;
import io.connwatch.notify.Delivery;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The always-on service that {@code connwatch run} starts: the rule engine, the HTTP ingest
 * endpoint and the alert outputs, started together and closed together. Each part pushes its
 * closer onto one {@link CleanupStack} as it starts, so a start that fails halfway closes what it
 * started, in reverse, and {@link #close()} closes everything the same way.
 */
public final class ConnwatchService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnwatchService.class);
    private static final Duration EPISODE_LOG_START = Duration.ofSeconds(60);

    private final CleanupStack cleanup = new CleanupStack();
    private final ConnwatchMetrics metrics = cleanup.add("the metrics", new ConnwatchMetrics(Clock.systemUTC()));
    private Readiness readiness;
    private FanOutSink outputs;
    private CountingSink counted;
    private final IngestStats ingest = new IngestStats();
    private final String clientId = clientId();
    private final JsonlFileSink file;
    private final Delivery delivery;
    private final ThreatIntel intel;
    private final EpisodeLog episodes;
    private final RuleEngine engine;
    private final AtomicReference<RuleEngine> engineRef = new AtomicReference<>();
    private final LifecycleStore lifecycleStore;
    private final Stages stages;
    private final LifecycleClock lifecycleClock;
    private final AckLinks ackLinks;
    private final GroupDispatcher lifecycle;
    private final LifecycleSink lifecycleSink;
    private final LifecycleLog lifecycleLog;
    /** The web console's store of minute rollups, or null when the console is off. */
    private final WorkbookStore workbooks;
    private final RulesWatcher watcher;
    private final Vertx vertx;
    private final KafkaIngest kafka;
    private final int httpPort;
    private boolean closed;

    private ConnwatchService(ConnwatchConfig config, PrintWriter console) throws RuleCompilationException, IOException {
        // The rules compile (seconds, one core) while the outputs, feeds and lifecycle start on the other.
        RulesInBackground rules = RulesInBackground.start(config);
        try {
            file = openJsonl(config);
            delivery = startDelivery(config);
            intel = EngineAssembly.feeds(config, console);
            episodes = startEpisodeLog(config);
            lifecycleStore = cleanup.add("the lifecycle store", LifecycleStore.open(config.notifications().lifecycle().state()));
            stages = LifecycleAssembly.stages(config.notifications().lifecycle(), lifecycleStore);
            lifecycleClock = new LifecycleClock(Clock.systemUTC(), () -> engineRef.get() == null ? Long.MIN_VALUE
                : engineRef.get().watermark(), false);
            ackLinks = AckLinks.from(config.notifications().lifecycle().ackLinks());
            lifecycle = cleanup.add("the alert lifecycle", LifecycleAssembly.dispatcher(config.notifications().lifecycle(),
                () -> engineRef.get() == null ? null : engineRef.get().ruleSet(), stages, config.notifications()::sendResolved,
                this::notify, lifecycleStore, ackLinks, r -> delivery != null && delivery.dispatcher().acknowledgements(r)));
            lifecycleSink = new LifecycleSink(lifecycle, lifecycleClock, true);
            lifecycleLog = startLifecycleLog(config);
            workbooks = config.console().enabled() ? new WorkbookStore(config.console().store(), this::fleetNewest) : null;
            engine = startEngine(rules.get(), config, sinks(config, console));
            engineRef.set(engine);
            engine.usePortMemory(new StoredPortBaselines(lifecycleStore));
            refreshFeeds();
            watcher = startWatcher(config);
            vertx = startVertx(config);
            kafka = startKafka(config);
            startMetrics(config);
            httpPort = startHttp(config);
        } catch (RuleCompilationException | IOException | RuntimeException e) {
            cleanup.close();
            throw e;
        }
    }

    /** Compiles the rules (throwing with every problem when they do not compile) and starts everything. */
    public static ConnwatchService start(ConnwatchConfig config, PrintWriter console) throws RuleCompilationException, IOException {
        return new ConnwatchService(config, console);
    }

    private JsonlFileSink openJsonl(ConnwatchConfig config) throws IOException {
        Path path = config.outputs().jsonl();
        return path == null ? null : cleanup.add("the alerts file " + path, new JsonlFileSink(path, config.outputs().jsonlFormat()));
    }

    private Delivery startDelivery(ConnwatchConfig config) throws IOException {
        Delivery d = NotifyAssembly.start(config, metrics);
        if (d == null) {
            return null;
        }
        cleanup.add("the delivery path", d);
        LOG.info("delivering alerts to {} through the outbox in {} ({} waiting, {} dead letters)",
            d.dispatcher().receivers(), config.notifications().outbox(), d.outbox().pending().size(),
            d.outbox().deadLetters().size());
        return d;
    }

    /** The configured outputs, fanned out; with an episode log, episodes are also recorded there. */
    private AlertSink sinks(ConnwatchConfig config, PrintWriter console) {
        List<AlertSink> sinks = new ArrayList<>();
        if (config.outputs().console()) {
            sinks.add(new ConsoleSink(console, false));
        }
        if (file != null) {
            sinks.add(file);
        }
        // The lifecycle groups, times and routes alerts to the receivers through the outbox.
        sinks.add(lifecycleSink);
        outputs = new FanOutSink(sinks);
        counted = new CountingSink(outputs);
        return episodes == null ? counted : new EpisodeLogSink(counted, episodes);
    }

    /** Shares silences, acknowledgements and the notification log with the consumer group's other instances. */
    private LifecycleLog startLifecycleLog(ConnwatchConfig config) throws IOException {
        if (!config.kafka().enabled() || config.kafka().lifecycleTopic() == null) {
            return null;
        }
        LifecycleLog log = cleanup.add("the lifecycle log", new LifecycleLog(config.kafka().client(), config.kafka().lifecycleTopic(),
            clientId, stages.silences(), lifecycle));
        try {
            log.start(EPISODE_LOG_START);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        return log;
    }

    /** The lifecycle's outlet: the durable outbox, or nowhere when no receiver is configured. */
    private void notify(Notification n) {
        if (delivery != null) {
            delivery.accept(n);
        }
    }

    private EpisodeLog startEpisodeLog(ConnwatchConfig config) throws IOException {
        if (!config.kafka().enabled() || config.kafka().episodeTopic() == null) {
            return null;
        }
        EpisodeLog log = cleanup.add("the episode log",
            new EpisodeLog(config.kafka().client(), config.kafka().episodeTopic(), config.rules().episodeGap(), clientId));
        try {
            log.start(EPISODE_LOG_START);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        return log;
    }

    private RuleEngine startEngine(RuleSet rules, ConnwatchConfig config, AlertSink outputs) {
        return cleanup.add("the rule engine", EngineAssembly.engine(rules, config, outputs, intel::snapshot,
            workbooks == null ? RecordTap.NONE : workbooks));
    }

    /** The engine's fleet event time, for the console's store (Long.MIN_VALUE until the engine runs). */
    private long fleetNewest() {
        RuleEngine e = engine;
        return e == null ? Long.MIN_VALUE : e.fleetNewest();
    }

    /** Judges remembered connections again when a refresh adds indicators, and starts refreshing. */
    private void refreshFeeds() {
        intel.onChange((old, now, added) -> engine.retroMatch(now, added).whenComplete((n, t) -> {
            if (t != null) {
                LOG.error("retro-matching after a feed refresh failed: {}", t.toString());
            } else if (n > 0) {
                LOG.info("feed refresh added {} indicators: {} remembered connections judged again", added.size(), n);
            }
        }));
        intel.start();
        cleanup.add("the feed refresh", intel);
    }

    /** Reloads the rules when their directory changes, on SIGHUP and on request. */
    private RulesWatcher startWatcher(ConnwatchConfig config) {
        RulesWatcher w = cleanup.add("the rules watcher", new RulesWatcher(engine, config.rules().directory()));
        w.start(config.rules().watchInterval());
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> w.requestReload("SIGHUP"));
        } catch (IllegalArgumentException e) {
            LOG.debug("no SIGHUP on this platform: reload through the HTTP API or the CLI");
        }
        return w;
    }

    /** How long closing Vert.x (its verticles: HTTP, Kafka consumers) may take before the rest of the shutdown goes on. */
    static final Duration VERTX_CLOSE_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Closes Vert.x, waiting at most {@code timeout}: a verticle whose stop never completes (seen
     * once with a Kafka consumer) must not keep the outbox and the lifecycle store from closing, nor
     * hang a stop past systemd's patience. True when it closed in time.
     */
    static boolean closeWithin(Vertx v, Duration timeout) {
        try {
            v.close().await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("Vert.x did not close within {} s (a verticle's stop never finished); the rest of the shutdown goes on",
                timeout.toSeconds());
            return false;
        }
    }

    /** Vert.x for the HTTP and Kafka verticles, and the timer that closes minutes when input goes quiet. */
    private Vertx startVertx(ConnwatchConfig config) {
        Vertx v = Vertx.vertx();
        cleanup.push("Vert.x", () -> closeWithin(v, VERTX_CLOSE_TIMEOUT));
        // The lifecycle's timers (group waits and intervals, resolves, repeats), off the event loop.
        long tick = v.setPeriodic(1000, id -> v.executeBlocking(() -> {
            lifecycleSink.tick();
            stages.silences().gc(Instant.now()); // silences are wall-clock objects, whatever time the lifecycle follows
            return null;
        }, false).onFailure(t -> LOG.error("lifecycle tick failed: {}", t.toString())));
        cleanup.push("the lifecycle timer", () -> v.cancelTimer(tick));
        Duration idle = config.rules().idleClose();
        if (!idle.isZero()) {
            // Checked off the event loop: draining waits for the partitions.
            long timer = v.setPeriodic(Math.max(1000, idle.toMillis() / 4), id -> v.executeBlocking(() -> engine.drainIfIdle(idle), false)
                .onSuccess(drained -> {
                    if (drained) {
                        LOG.info("no records for {}: closed the open minutes up to the newest event time", idle);
                    }
                }));
            cleanup.push("the idle timer", () -> v.cancelTimer(timer));
        }
        return v;
    }

    /** The Kafka consumer, deployed on Vert.x (closing Vert.x undeploys it), or null when Kafka ingest is off. */
    private KafkaIngest startKafka(ConnwatchConfig config) throws IOException {
        if (!config.kafka().enabled()) {
            return null;
        }
        KafkaIngest k = new KafkaIngest(config.kafka(), engine, ingest, episodes, clientId);
        try {
            vertx.deployVerticle(k, KafkaIngest.DEPLOYMENT).await();
        } catch (Exception e) { // await() rethrows the cause as it is, checked or not
            throw new IOException("cannot consume from Kafka at " + config.kafka().client().bootstrapServers() + ": " + e.getMessage(), e);
        }
        return k;
    }

    /** Binds every part's counters to the metrics, and checks readiness every ready.check-interval (off the event loop). */
    private void startMetrics(ConnwatchConfig config) {
        metrics.bindIngest(ingest);
        metrics.bindEngine(engine);
        metrics.bindAlerts(counted);
        metrics.bindOutputs(outputs);
        if (delivery != null) {
            metrics.bindDelivery(delivery);
        }
        metrics.bindLifecycle(lifecycle, stages.silences());
        metrics.bindFeeds(intel);
        if (kafka != null) {
            metrics.bindKafka(kafka);
        }
        readiness = new Readiness(config.ready(), new Readiness.Inputs(engine.stats().ruleErrors::sum, ingest.accepted::sum, delivery,
            kafka == null ? null : kafka.stats()::lag), Clock.systemUTC());
        metrics.bindReadiness(readiness);
        long timer = vertx.setPeriodic(config.ready().checkInterval().toMillis(), id -> vertx.executeBlocking(readiness::check, false)
            .onFailure(t -> LOG.error("readiness check failed: {}", t.toString())));
        cleanup.push("the readiness timer", () -> vertx.cancelTimer(timer));
    }

    /** The HTTP server, deployed on Vert.x (closing Vert.x undeploys it); returns its port, or -1 when HTTP is off. */
    private int startHttp(ConnwatchConfig config) throws IOException {
        ConnwatchConfig.Http http = config.http();
        if (!http.enabled()) {
            return -1;
        }
        HttpSecurity security = HttpSecurity.start(http.security());
        HttpIngest ingestRoute = new HttpIngest(engine, ingest, http.ingestLimits());
        HttpApiVerticle[] server = new HttpApiVerticle[1];
        Map<String, Supplier<JsonObject>> sections = new LinkedHashMap<>();
        if (kafka != null) {
            sections.put("kafka", kafka::statsJson);
        }
        sections.put("outputs", this::outputsJson);
        sections.put("http", () -> ingestRoute.defenceStats().mergeIn(server[0].connectionStats()));
        if (workbooks != null) {
            sections.put("console", this::consoleJson);
        }
        LifecycleRoutes lifecycleRoutes = new LifecycleRoutes(new LifecycleRoutes.Sources(lifecycle, stages.silences(), delivery, ackLinks,
            Clock.systemUTC()));
        sections.put("lifecycle", lifecycleRoutes::statsJson);
        sections.put("readiness", readiness::json);
        metrics.bindHttp(() -> server[0] == null ? new JsonObject() : sections.get("http").get());
        engine.reportSkewBeyond(config.rules().bounds().clockSkew());
        AdminRoutes admin = new AdminRoutes(new AdminRoutes.Sources(engine, ingest, intel::status,
            Optional.of(watcher::requestReload), sections, this::problems), new ReloadLimit(http.maxReloadsPerMinute(), java.time.Clock.systemUTC()))
            .with(new MetricsRoutes(metrics, readiness)::mount);
        server[0] = new HttpApiVerticle(new HttpApiVerticle.Settings(http.host(), http.port(), ingestRoute, admin, security,
            http.idleTimeout(), http.maxConnections(), http.requestTimeout(), lifecycleRoutes));
        HttpApiVerticle started = server[0];
        started.mount(new io.connwatch.engine.api.OpenApiDocument()::mount);
        started.mount(new io.connwatch.engine.api.FeedRoutes(intel)::mount);
        if (workbooks != null) {
            // the web console: workbook views over the store, static files under /console/
            started.mount(new WorkbookRoutes(workbooks)::mount);
        }
        try {
            vertx.deployVerticle(started).await();
        } catch (Exception e) { // await() rethrows the cause as it is: a taken port is a java.net.BindException
            throw new IOException("cannot listen on " + http.host() + ":" + http.port() + ": " + e.getMessage(), e);
        }
        LOG.info("connwatch ingesting on {}://{}:{}/ingest with {} rule partitions{}", security.tls() ? "https" : "http", http.host(),
            started.actualPort(),
            engine.partitionCount(), file == null ? "" : "; alerts also to " + file.file());
        return started.actualPort();
    }

    /** The console's store, for /stats. */
    private JsonObject consoleJson() {
        WorkbookStore.Stats s = workbooks.stats();
        return new JsonObject().put("machines", s.machines()).put("machineMinutes", s.minutes()).put("records", s.records())
            .put("tooOld", s.tooOld()).put("evicted", s.evicted()).put("full", s.full());
    }

    /** Each alert output with its failures, for /stats. */
    private JsonObject outputsJson() {
        JsonObject o = new JsonObject();
        for (FanOutSink.Output out : outputs.outputs()) {
            o.put(out.name(), new JsonObject().put("durable", out.durable()).put("failing", out.failing()).put("failures", out.failures())
                .put("lastError", out.lastError()).put("lastFailure", out.lastFailure() == null ? null : out.lastFailure().toString()));
        }
        return o;
    }

    /** What /health reports as degraded. */
    private List<String> problems() {
        List<String> p = new ArrayList<>();
        for (FanOutSink.Output out : outputs.outputs()) {
            if (out.failing()) {
                p.add("alert output " + out.name() + " is failing: " + out.lastError());
            }
        }
        if (readiness != null) {
            p.addAll(readiness.healthProblems());
        }
        return p;
    }

    private static String clientId() {
        try {
            return "connwatch-" + InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (IOException e) {
            // the pid alone names the client
            return "connwatch-" + ProcessHandle.current().pid();
        }
    }

    /** The port the ingest endpoint listens on, or -1 when HTTP is disabled. */
    public int httpPort() {
        return httpPort;
    }

    public RulesWatcher watcher() {
        return watcher;
    }

    public RuleEngine engine() {
        return engine;
    }

    /** The delivery path, or null when no receiver is configured. */
    public Delivery delivery() {
        return delivery;
    }

    /** The Kafka consumer, or null when Kafka ingest is off. */
    public KafkaIngest kafka() {
        return kafka;
    }

    public GroupDispatcher lifecycle() {
        return lifecycle;
    }

    public Stages stages() {
        return stages;
    }

    public LifecycleSink lifecycleSink() {
        return lifecycleSink;
    }

    public ThreatIntel intel() {
        return intel;
    }

    public IngestStats ingest() {
        return ingest;
    }

    public ConnwatchMetrics metrics() {
        return metrics;
    }

    public Readiness readiness() {
        return readiness;
    }

    /**
     * Replays files into the running engine and waits until their records have been through the
     * rules. The lifecycle follows the files' event time meanwhile (so notifications are what a live
     * service would have sent then), and the wall clock again afterwards.
     */
    public void replay(List<Path> files) {
        lifecycleClock.eventTime(true);
        FileReplay r = new FileReplay(engine, ingest, rej -> LOG.warn("rejected {}", rej.message()), n -> lifecycleSink.tick());
        try {
            for (Path p : files) {
                r.replay(p);
            }
            r.await();
            lifecycleSink.drain();
        } finally {
            lifecycleClock.eventTime(false);
        }
        LOG.info("replayed {}: {} records accepted, {} rejected so far", files, ingest.accepted.sum(), ingest.rejected.sum());
    }

    /** The web console's store, or null when the console is off. */
    public WorkbookStore workbooks() {
        return workbooks;
    }

    /** Stops everything in the reverse order of starting; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping: {} records accepted, {} rejected, {} alerts", ingest.accepted.sum(), ingest.rejected.sum(),
            engine.stats().alertsPublished.sum());
        cleanup.close();
    }
}
