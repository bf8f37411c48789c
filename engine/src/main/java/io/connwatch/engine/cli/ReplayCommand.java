package io.connwatch.engine.cli;

import io.connwatch.alert.AlertFormat;
import io.connwatch.engine.service.EngineAssembly;
import io.connwatch.engine.service.LifecycleAssembly;
import io.connwatch.engine.alert.lifecycle.LifecycleClock;
import io.connwatch.engine.alert.lifecycle.LifecycleSink;
import io.connwatch.engine.alert.lifecycle.NotificationTally;
import io.connwatch.engine.config.LifecycleSettings;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.ingest.file.FileReplay;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.alert.sink.ConsoleSink;
import io.connwatch.engine.alert.sink.FanOutSink;
import io.connwatch.engine.alert.sink.JsonlFileSink;
import io.connwatch.engine.rules.EngineStats;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.feeds.ThreatIntel;
import java.io.PrintWriter;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs files through the rules and exits: alerts to standard output, everything else to standard error. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Process record files through the rules, print the alerts and exit.",
        "Files may be JSON lines, a JSON array, {\"records\":[...]} envelopes or CSV, gzip or not; '-' reads standard input.",
        "Alerts go to standard output; rejected records, progress and the summary to standard error."})
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to replay, in order.")
    List<Path> files;

    @Option(names = "--output", defaultValue = "text", description = "Alert format on standard output: text or jsonl (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--alerts-file", paramLabel = "FILE", description = "Also append alerts as JSON lines to this file.")
    Path alertsFile;

    @Option(names = "--alerts-format", paramLabel = "FORMAT",
        description = "The lines of --alerts-file: native or ocsf (OCSF Detection Findings); default: outputs.jsonl-format.")
    String alertsFormat;

    @Option(names = "--notifications", paramLabel = "FILE",
        description = "Write the notifications the lifecycle would send (grouped, timed in event time) as JSON lines to this file.")
    Path notificationsFile;

    @Option(names = "--show-rejections", defaultValue = "50", paramLabel = "N",
        description = "Print the first N rejected records (all are counted; default: ${DEFAULT-VALUE}).")
    int showRejections;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!output.equals("text") && !output.equals("jsonl")) {
            err.println("--output must be text or jsonl");
            return 2;
        }
        if (alertsFormat != null && !alertsFormat.equals("native") && !alertsFormat.equals("ocsf")) {
            err.println("--alerts-format must be native or ocsf");
            return 2;
        }
        ConnwatchConfig c = config.load();
        List<AlertSink> sinks = new ArrayList<>();
        sinks.add(new ConsoleSink(spec.commandLine().getOut(), output.equals("jsonl")));
        AlertFormat fileFormat = alertsFormat == null ? c.outputs().jsonlFormat() : AlertFormat.valueOf(alertsFormat.toUpperCase(Locale.ROOT));
        JsonlFileSink file = alertsFile == null ? null : new JsonlFileSink(alertsFile, fileFormat);
        if (file != null) {
            sinks.add(file);
        }
        // The lifecycle under event time: what a live service would have sent, however fast the replay runs.
        AtomicReference<RuleEngine> engineRef = new AtomicReference<>();
        LifecycleClock clock = new LifecycleClock(Clock.systemUTC(), () -> engineRef.get() == null ? Long.MIN_VALUE
            : engineRef.get().watermark(), true);
        NotificationTally tally = new NotificationTally(notificationsFile);
        LifecycleSettings ls = LifecycleAssembly.forPreview(c.notifications().lifecycle());
        GroupDispatcher lifecycle = LifecycleAssembly.dispatcher(ls, () -> engineRef.get() == null ? null : engineRef.get().ruleSet(),
            LifecycleAssembly.stages(ls, null), c.notifications()::sendResolved, tally, null, k -> null);
        LifecycleSink lifecycleSink = new LifecycleSink(lifecycle, clock, false);
        sinks.add(lifecycleSink);
        IngestStats ingest = new IngestStats();
        long[] shown = {0};
        boolean terminal = System.console() != null;
        long started = System.nanoTime();
        long[] lastProgress = {started};
        int exit = 0;
        try (ThreatIntel intel = EngineAssembly.feeds(c, err);
             RuleEngine engine = EngineAssembly.engine(c, new FanOutSink(sinks), intel)) {
            engineRef.set(engine);
            FileReplay replay = new FileReplay(engine, ingest, r -> {
                if (shown[0]++ < showRejections) {
                    err.println("rejected " + r.message());
                    err.flush();
                }
            }, count -> {
                lifecycleSink.tick();
                long now = System.nanoTime();
                if (terminal && now - lastProgress[0] > 1_000_000_000L) {
                    lastProgress[0] = now;
                    double secs = (now - started) / 1e9;
                    err.printf(Locale.ROOT, "\r%,d records  %,.0f records/s  %,d alerts   ", count, count / secs,
                        engine.stats().alertsPublished.sum());
                    err.flush();
                }
            });
            for (Path f : files) {
                if (!replay.replay(f)) {
                    exit = 3;
                }
            }
            replay.await();
            engine.drain().join();
            lifecycleSink.drain();
            // The data ends here: let every group run out (resolve, send its last message) as it would live.
            lifecycle.advance(clock.now().plus(Duration.ofDays(1)));
            if (terminal) {
                err.print("\r");
            }
            summary(err, engine.stats(), ingest, started, engine);
            tally.summary(err);
        } finally {
            tally.close();
            if (file != null) {
                file.close();
            }
        }
        return exit;
    }

    private void summary(PrintWriter err, EngineStats s, IngestStats ingest, long started, RuleEngine engine) {
        double secs = (System.nanoTime() - started) / 1e9;
        long accepted = ingest.accepted.sum();
        err.printf(Locale.ROOT, "replayed %,d records from %d file(s) in %.1f s (%,.0f records/s); %,d rejected%s%n",
            accepted, files.size(), secs, accepted / Math.max(secs, 1e-9), ingest.rejected.sum(),
            ingest.rejected.sum() > showRejections ? " (first " + showRejections + " shown)" : "");
        err.printf(Locale.ROOT, "alerts: %,d published, %,d held back as repeats of an open episode; "
                + "%,d rows too late for windows; %,d rule errors; facts held at end: %,d; peak heap: %,d MiB%n",
            s.alertsPublished.sum(), s.alertsRaised.sum() - s.alertsPublished.sum(), s.lateForWindows.sum(),
            s.ruleErrors.sum(), engine.factCount(), peakHeapBytes() >> 20);
        err.flush();
    }

    static long peakHeapBytes() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }
}
