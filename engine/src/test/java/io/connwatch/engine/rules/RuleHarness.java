package io.connwatch.engine.rules;

import io.connwatch.alert.Alert;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.rules.fixtures.FixtureEngine;
import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.IpIndex;
import io.connwatch.net.IpPrefix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs rules over rows under the engine's pseudo clock, as the service does, for fixture tests:
 * the engine YAML fixtures run on ({@link FixtureEngine}), fed from Java. Rows are fed in batches;
 * each batch moves the watermark, and {@link #drain()} ends the input.
 */
public final class RuleHarness implements AutoCloseable {
    public static final Path SHIPPED_RULES = Path.of("..", "rules");
    /** Retro-matching looks back 6 hours here (24 in the service), so tests can place rows outside the window. */
    private static final Duration RETRO_WINDOW = Duration.ofHours(6);
    private static final int RETRO_MAX_ADDRESSES = 1000;

    private final FixtureEngine fixture;

    private RuleHarness(Path rulesDir, int partitions) throws RuleCompilationException {
        this(rulesDir, partitions, EventRetention.DEFAULT);
    }

    private RuleHarness(Path rulesDir, int partitions, EventRetention retention) throws RuleCompilationException {
        fixture = new FixtureEngine(RuleSet.load(rulesDir, retention), new RuleEngine.Settings(partitions,
            RuleEngine.Settings.DEFAULT_ALLOWED_LATENESS, RuleEngine.Settings.DEFAULT_EPISODE_GAP, RuleEngine.Settings.DEFAULT_QUEUED_BATCHES,
            RETRO_WINDOW, RETRO_MAX_ADDRESSES));
    }

    public static RuleHarness shipped() throws RuleCompilationException {
        return new RuleHarness(SHIPPED_RULES, 1);
    }

    public static RuleHarness of(Path rulesDir, int partitions) throws RuleCompilationException {
        return new RuleHarness(rulesDir, partitions);
    }

    /** Rules keeping their facts as long as {@code retention} says (rows are judged once and dropped by default). */
    public static RuleHarness of(Path rulesDir, int partitions, EventRetention retention) throws RuleCompilationException {
        return new RuleHarness(rulesDir, partitions, retention);
    }

    /** Decodes and submits one batch of JSON lines; fails on any rejected row. */
    public RuleHarness feed(Object... rows) {
        StringBuilder text = new StringBuilder();
        for (Object r : rows) {
            text.append(r).append('\n');
        }
        List<Rejection> rejected = new ArrayList<>();
        List<MachineRecord> records = FixtureEngine.decode("fixture", text.toString(), rejected::add);
        if (!rejected.isEmpty()) {
            throw new IllegalArgumentException("fixture rows rejected: " + rejected);
        }
        fixture.submit(records);
        return this;
    }

    /** Sets what the feeds know from now on: threat indicators and allowlisted networks. */
    public RuleHarness intel(List<Indicator> threats, List<IpPrefix> allow) {
        fixture.intel(threats, allow);
        return this;
    }

    /** As a feed refresh does: publishes the new indicators and retro-matches the added ones. */
    public int refresh(List<Indicator> threats, List<Indicator> added) {
        fixture.intel(threats, List.of());
        return engine().retroMatch(fixture.intel(), IpIndex.build(added)).join();
    }

    public RuleHarness drain() {
        fixture.drain();
        return this;
    }

    public List<Alert> alerts() {
        return fixture.alerts();
    }

    public List<Alert> alerts(String rule) {
        return fixture.alerts().stream().filter(a -> a.rule().equals(rule)).toList();
    }

    public RuleEngine engine() {
        return fixture.engine();
    }

    @Override
    public void close() {
        fixture.close();
    }
}
