package io.connwatch.engine.service;

import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.RuleCompilationException;
import io.connwatch.engine.rules.RecordTap;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.feeds.FeedStatus;
import io.connwatch.feeds.ThreatIntel;
import io.connwatch.feeds.source.FeedFetcher;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Supplier;
import io.connwatch.feeds.ThreatSnapshot;

/** Builds the engine and the feeds from the configuration. */
public final class EngineAssembly {
    private EngineAssembly() {
    }

    /** Loads and checks the rules, then starts the partitions, enriching from {@code intel}. */
    public static RuleEngine engine(ConnwatchConfig config, AlertSink sink, ThreatIntel intel) throws RuleCompilationException {
        return engine(config, sink, intel::snapshot);
    }

    public static RuleEngine engine(ConnwatchConfig config, AlertSink sink, Supplier<ThreatSnapshot> intel) throws RuleCompilationException {
        return engine(config, sink, intel, RecordTap.NONE);
    }

    /** The same, with a tap that sees every batch the partitions take in (the web console's store). */
    public static RuleEngine engine(ConnwatchConfig config, AlertSink sink, Supplier<ThreatSnapshot> intel, RecordTap tap)
            throws RuleCompilationException {
        return engine(rules(config), config, sink, intel, tap);
    }

    /** Loads and checks the configured rules directory. */
    public static RuleSet rules(ConnwatchConfig config) throws RuleCompilationException {
        return RuleSet.load(config.rules().directory(), config.rules().retention());
    }

    /** Starts the partitions on rules already loaded by {@link #rules}. */
    public static RuleEngine engine(RuleSet set, ConnwatchConfig config, AlertSink sink, Supplier<ThreatSnapshot> intel, RecordTap tap) {
        return new RuleEngine(set, sink, config.rules().engineSettings(config.threatIntel()), Clock.systemUTC(), intel, tap);
    }

    /** The configured feeds, loaded once now (a feed that fails is reported and retried later). */
    public static ThreatIntel feeds(ConnwatchConfig config, PrintWriter report) {
        ThreatIntel intel = new ThreatIntel(config.threatIntel().feeds(), new FeedFetcher(), Clock.systemUTC());
        intel.refreshAll();
        for (FeedStatus s : intel.status()) {
            report.printf(Locale.ROOT, "feed %s: %,d indicators, %,d allowlist entries from %s%s%n", s.name(), s.indicators(),
                s.allowEntries(), s.source(), s.lastError() == null ? "" : " (error: " + s.lastError() + ")");
        }
        report.flush();
        return intel;
    }
}
