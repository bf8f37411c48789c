package io.connwatch.engine.rules;

import io.connwatch.alert.Alert;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.IpIndex;
import io.connwatch.feeds.ThreatSnapshot;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpPrefix;

/**
 * Runs rules over rows under the engine's pseudo clock, as the service does, for fixture tests.
 * Rows are fed in batches; each batch moves the watermark, and {@link #drain()} ends the input.
 */
public final class RuleHarness implements AutoCloseable {
    public static final Path SHIPPED_RULES = Path.of("..", "rules");

    private final RuleEngine engine;
    private final CollectingSink sink = new CollectingSink();
    private final AtomicReference<ThreatSnapshot> intel = new AtomicReference<>(ThreatSnapshot.EMPTY);

    private RuleHarness(Path rulesDir, int partitions) throws RuleCompilationException {
        CompiledRules rules = RuleCompiler.compile(rulesDir, EventRetention.DEFAULT);
        RuleParameters params = RuleParameters.load(rulesDir);
        BindAllowlist allowlist = BindAllowlist.load(rulesDir);
        engine = new RuleEngine(rules, params, allowlist, sink,
            new RuleEngine.Settings(partitions, Duration.ofMinutes(2), Duration.ofMinutes(30), 16, Duration.ofHours(6), 1000),
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC), intel::get);
    }

    public static RuleHarness shipped() throws RuleCompilationException {
        return new RuleHarness(SHIPPED_RULES, 1);
    }

    public static RuleHarness of(Path rulesDir, int partitions) throws RuleCompilationException {
        return new RuleHarness(rulesDir, partitions);
    }

    /** Decodes and submits one batch of JSON lines; fails on any rejected row. */
    public RuleHarness feed(Object... rows) {
        StringBuilder text = new StringBuilder();
        for (Object r : rows) {
            text.append(r).append('\n');
        }
        List<MachineRecord> records = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        new RecordDecoder().decode("fixture", text.toString(), RecordDecoder.Sink.of(records::add, rejected::add));
        if (!rejected.isEmpty()) {
            throw new IllegalArgumentException("fixture rows rejected: " + rejected);
        }
        engine.submit(records).join();
        return this;
    }

    /** Sets what the feeds know from now on: threat indicators and allowlisted networks. */
    public RuleHarness intel(List<Indicator> threats, List<IpPrefix> allow) {
        List<Indicator> allowEntries = new ArrayList<>();
        for (IpPrefix p : allow) {
            allowEntries.add(new Indicator(p, ThreatType.WATCHLIST, 0, 0, TlpLevel.WHITE, null, null, null, null, true, null,
                "allow", null, List.of()));
        }
        ThreatSnapshot old = intel.get();
        intel.set(new ThreatSnapshot(IpIndex.build(threats), IpIndex.build(allowEntries), old.version() + 1, Instant.now()));
        return this;
    }

    /** As a feed refresh does: publishes the new indicators and retro-matches the added ones. */
    public int refresh(List<Indicator> threats, List<Indicator> added) {
        intel(threats, List.of());
        return engine.retroMatch(intel.get(), IpIndex.build(added)).join();
    }

    public RuleHarness drain() {
        engine.drain().join();
        return this;
    }

    public List<Alert> alerts() {
        return sink.alerts();
    }

    public List<Alert> alerts(String rule) {
        return sink.byRule(rule);
    }

    public RuleEngine engine() {
        return engine;
    }

    @Override
    public void close() {
        engine.close();
    }
}
