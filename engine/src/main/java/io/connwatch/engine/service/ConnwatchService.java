package io.connwatch.engine.service;

import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.ingest.file.FileReplay;
import io.connwatch.engine.ingest.http.HttpIngestVerticle;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.alert.episodes.EpisodeLog;
import io.connwatch.engine.alert.episodes.EpisodeLogSink;
import io.connwatch.engine.ingest.kafka.KafkaIngest;
import io.connwatch.engine.alert.sink.ConsoleSink;
import io.connwatch.engine.alert.sink.FanOutSink;
import io.connwatch.engine.alert.sink.JsonlFileSink;
import io.connwatch.engine.alert.sink.DeliverySink;
import io.connwatch.notify.Delivery;
import io.connwatch.engine.rules.RuleCompilationException;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RulesWatcher;
import io.connwatch.feeds.ThreatIntel;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The always-on service that {@code connwatch run} starts: the rule engine, the HTTP ingest
 * endpoint and the alert outputs, started together and closed together.
 */
public final class ConnwatchService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnwatchService.class);

    private final RuleEngine engine;
    private final ThreatIntel intel;
    private final RulesWatcher watcher;
    private final IngestStats ingest = new IngestStats();
    private final JsonlFileSink file;
    private final Delivery delivery;
    private final Vertx vertx;
    private final int httpPort;
    private final EpisodeLog episodes;
    private final KafkaIngest kafka;
    private boolean closed;
    private long idleTimer = -1;

    private ConnwatchService(ConnwatchConfig config, PrintWriter console) throws RuleCompilationException, IOException {
        List<AlertSink> sinks = new ArrayList<>();
        if (config.outputs().console()) {
            sinks.add(new ConsoleSink(console, false));
        }
        file = config.outputs().jsonl() == null ? null : new JsonlFileSink(config.outputs().jsonl());
        if (file != null) {
            sinks.add(file);
        }
        delivery = NotifyAssembly.start(config);
        if (delivery != null) {
            sinks.add(new DeliverySink(delivery));
            LOG.info("delivering alerts to {} through the outbox in {} ({} waiting, {} dead letters)",
                delivery.dispatcher().receivers(), config.notifications().outbox(), delivery.outbox().pending().size(),
                delivery.outbox().deadLetters().size());
        }
        intel = EngineAssembly.feeds(config, console);
        AlertSink outputs = new FanOutSink(sinks);
        String clientId = "connwatch-" + ProcessHandle.current().pid();
        try {
            clientId = "connwatch-" + java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (IOException e) {
            // the pid alone names the client
        }
        if (config.kafka().enabled() && config.kafka().episodeTopic() != null) {
            episodes = new EpisodeLog(config.kafka().client(), config.kafka().episodeTopic(), config.rules().episodeGap(), clientId);
            try {
                episodes.start(Duration.ofSeconds(60));
            } catch (IllegalStateException e) {
                episodes.close();
                intel.close();
                closeFile();
                if (delivery != null) {
                    delivery.close();
                }
                throw new IOException(e.getMessage(), e);
            }
            outputs = new EpisodeLogSink(outputs, episodes);
        } else {
            episodes = null;
        }
        try {
            engine = EngineAssembly.engine(config, outputs, intel);
        } catch (RuleCompilationException e) {
            intel.close();
            closeFile();
            if (delivery != null) {
                delivery.close();
            }
            if (episodes != null) {
                episodes.close();
            }
            throw e;
        }
        intel.onChange((old, now, added) -> engine.retroMatch(now, added).whenComplete((n, t) -> {
            if (t != null) {
                LOG.error("retro-matching after a feed refresh failed: {}", t.toString());
            } else if (n > 0) {
                LOG.info("feed refresh added {} indicators: {} remembered connections judged again", added.size(), n);
            }
        }));
        intel.start();
        watcher = new RulesWatcher(engine, config.rules().directory());
        watcher.start(config.rules().watchInterval());
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> watcher.requestReload("SIGHUP"));
        } catch (IllegalArgumentException e) {
            LOG.debug("no SIGHUP on this platform: reload through the HTTP API or the CLI");
        }
        vertx = Vertx.vertx();
        Duration idle = config.rules().idleClose();
        if (!idle.isZero()) {
            // Checked off the event loop: draining waits for the partitions.
            idleTimer = vertx.setPeriodic(Math.max(1000, idle.toMillis() / 4), id -> vertx.executeBlocking(() -> engine.drainIfIdle(idle), false)
                .onSuccess(drained -> {
                    if (drained) {
                        LOG.info("no records for {}: closed the open minutes up to the newest event time", idle);
                    }
                }));
        }
        if (config.kafka().enabled()) {
            kafka = new KafkaIngest(config.kafka(), engine, ingest, episodes, clientId);
            try {
                vertx.deployVerticle(kafka, KafkaIngest.DEPLOYMENT).await();
            } catch (RuntimeException e) {
                close();
                throw new IOException("cannot consume from Kafka at " + config.kafka().client().bootstrapServers() + ": " + e.getMessage(), e);
            }
        } else {
            kafka = null;
        }
        if (config.http().enabled()) {
            HttpIngestVerticle http = new HttpIngestVerticle(engine, ingest, config.http().host(), config.http().port(),
                config.http().maxBodyBytes(), intel::status, watcher);
            if (kafka != null) {
                http.extraStats("kafka", kafka::statsJson);
            }
            try {
                vertx.deployVerticle(http).await();
            } catch (RuntimeException e) {
                close();
                throw new IOException("cannot listen on " + config.http().host() + ":" + config.http().port() + ": " + e.getMessage(), e);
            }
            httpPort = http.actualPort();
            LOG.info("connwatch ingesting on http://{}:{}/ingest with {} rule partitions{}", config.http().host(), httpPort,
                engine.partitionCount(), file == null ? "" : "; alerts also to " + file.file());
        } else {
            httpPort = -1;
        }
    }

    /** Compiles the rules (throwing with every problem when they do not compile) and starts everything. */
    public static ConnwatchService start(ConnwatchConfig config, PrintWriter console) throws RuleCompilationException, IOException {
        return new ConnwatchService(config, console);
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

    public ThreatIntel intel() {
        return intel;
    }

    public IngestStats ingest() {
        return ingest;
    }

    /** Replays files into the running engine and waits until their records have been through the rules. */
    public void replay(List<Path> files) {
        FileReplay r = new FileReplay(engine, ingest, rej -> LOG.warn("rejected {}", rej.message()), n -> { });
        for (Path p : files) {
            r.replay(p);
        }
        r.await();
        LOG.info("replayed {}: {} records accepted, {} rejected so far", files, ingest.accepted.sum(), ingest.rejected.sum());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping: {} records accepted, {} rejected, {} alerts", ingest.accepted.sum(), ingest.rejected.sum(),
            engine == null ? 0 : engine.stats().alertsPublished.sum());
        watcher.close();
        intel.close();
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
        }
        vertx.close().await();
        engine.close();
        if (episodes != null) {
            episodes.close();
        }
        closeFile();
        if (delivery != null) {
            delivery.close();
        }
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.error("closing {}: {}", file.file(), e.toString());
            }
        }
    }
}
