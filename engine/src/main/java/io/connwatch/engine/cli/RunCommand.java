package io.connwatch.engine.cli;

import io.connwatch.engine.alert.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.ingest.FileReplay;
import io.connwatch.engine.ingest.HttpIngestVerticle;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.output.ConsoleSink;
import io.connwatch.engine.output.FanOutSink;
import io.connwatch.engine.output.JsonlFileSink;
import io.connwatch.engine.rules.RuleEngine;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The always-on service: HTTP ingest (and optional file replay) into the rules, alerts to console and file. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the always-on service: compile the rules (refusing to start on any error), ingest over",
        "HTTP (POST /ingest) and from --replay files, and write alerts to the console and a JSON-lines file.",
        "Stops on SIGINT / SIGTERM."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOption config;

    @Option(names = "--replay", paramLabel = "FILE", arity = "1..*", description = "Replay these files once at start, then keep running.")
    List<Path> replay = List.of();

    @Override
    public Integer call() throws Exception {
        ConnwatchConfig c = config.load();
        List<AlertSink> sinks = new ArrayList<>();
        if (c.outputs().console()) {
            sinks.add(new ConsoleSink(new java.io.PrintWriter(System.out, true), false));
        }
        JsonlFileSink file = c.outputs().jsonl() == null ? null : new JsonlFileSink(c.outputs().jsonl());
        if (file != null) {
            sinks.add(file);
        }
        RuleEngine engine = EngineAssembly.engine(c, new FanOutSink(sinks));
        IngestStats ingest = new IngestStats();
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        if (c.http().enabled()) {
            HttpIngestVerticle http = new HttpIngestVerticle(engine, ingest, c.http().host(), c.http().port(), c.http().maxBodyBytes());
            vertx.deployVerticle(http).await();
            LOG.info("connwatch ingesting on http://{}:{}/ingest with {} rule partitions; alerts to {}{}",
                c.http().host(), http.actualPort(), engine.partitionCount(), c.outputs().console() ? "console" : "",
                file == null ? "" : " and " + file.file());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: {} records accepted, {} rejected, {} alerts", ingest.accepted.sum(), ingest.rejected.sum(),
                engine.stats().alertsPublished.sum());
            vertx.close().await();
            engine.close();
            try {
                if (file != null) {
                    file.close();
                }
            } catch (java.io.IOException e) {
                LOG.error("closing {}: {}", file.file(), e.toString());
            }
            stopped.countDown();
        }, "connwatch-shutdown"));
        if (!replay.isEmpty()) {
            FileReplay r = new FileReplay(engine, ingest, rej -> LOG.warn("rejected {}", rej.message()), n -> { });
            for (Path p : replay) {
                r.replay(p);
            }
            r.await();
            LOG.info("replayed {}: {} records accepted, {} rejected", replay, ingest.accepted.sum(), ingest.rejected.sum());
        }
        stopped.await();
        return 0;
    }
}
