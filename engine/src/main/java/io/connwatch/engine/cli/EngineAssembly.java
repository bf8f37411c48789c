package io.connwatch.engine.cli;

import io.connwatch.engine.alert.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.RuleCompilationException;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleSet;
import java.time.Clock;

/** Builds a rule engine from the configuration: load and check the rules, then start the partitions. */
final class EngineAssembly {
    private EngineAssembly() {
    }

    static RuleEngine engine(ConnwatchConfig config, AlertSink sink) throws RuleCompilationException {
        RuleSet set = RuleSet.load(config.rules().directory(), config.rules().retention());
        return new RuleEngine(set.rules(), set.params(), set.allowlist(), sink, config.rules().engineSettings(), Clock.systemUTC());
    }
}
