package io.connwatch.engine.cli;

import io.connwatch.alert.Alert;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.fixtures.RuleFixtures;
import io.connwatch.engine.rules.RuleSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs rule fixtures and says, for each failing one, what differs. */
@Command(name = "test-rules", mixinStandardHelpOptions = true,
    description = {"Run the rule fixtures and say, for each failing one, what differs.",
        "Fixtures are YAML (records, feeds, alerts expected and not expected; see rules/README.md), run under the",
        "pseudo clock. Exit 0 only when every expectation holds."})
final class TestRulesCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Fixture files or directories (default: <rules>/tests).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "DIR", description = "Rules directory (default: rules.directory from the configuration).")
    Path rulesDir;

    @Option(names = "--coverage", description = "Also list the rules that raise no alert in any fixture (rules that only fire are named apart).")
    boolean coverage;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ConnwatchConfig c = config.load();
        Path dir = rulesDir != null ? rulesDir : c.rules().directory();
        RuleSet set = RuleSet.load(dir, c.rules().retention());
        List<Path> files = RuleFixtures.files(paths.isEmpty() ? List.of(dir.resolve("tests")) : paths);
        if (files.isEmpty()) {
            spec.commandLine().getErr().println("no fixture files found in " + (paths.isEmpty() ? dir.resolve("tests") : paths));
            return 1;
        }
        RuleFixtures fixtures = new RuleFixtures(set);
        int passed = 0;
        int failed = 0;
        for (Path f : files) {
            for (RuleFixtures.Result r : fixtures.run(f)) {
                if (r.passed()) {
                    passed++;
                    out.println("PASS " + r.file() + ": " + r.name());
                } else {
                    failed++;
                    out.println("FAIL " + r.file() + ": " + r.name());
                    r.differences().forEach(d -> out.println("  - " + d));
                    out.println("  alerts raised (" + r.alerts().size() + "):");
                    for (Alert a : r.alerts()) {
                        out.println("    " + RuleFixtures.line(a));
                    }
                }
            }
        }
        if (coverage) {
            // Covered means "raised an alert": a rule that only fires (a helper that inserts facts) tests nothing by itself.
            List<String> helpers = set.rules().ruleNames().stream()
                .filter(n -> !fixtures.raised().contains(n) && fixtures.fired().contains(n)).toList();
            List<String> never = set.rules().ruleNames().stream()
                .filter(n -> !fixtures.raised().contains(n) && !fixtures.fired().contains(n)).toList();
            if (never.isEmpty() && helpers.isEmpty()) {
                out.println("coverage: every rule raises an alert in some fixture");
            }
            if (!never.isEmpty()) {
                out.println("coverage: no fixture makes these rules raise an alert: " + String.join(", ", never));
            }
            if (!helpers.isEmpty()) {
                out.println("coverage: these rules fire but raise no alert in any fixture (helper rules, or an alert never "
                    + "reached): " + String.join(", ", helpers));
            }
        }
        out.printf(Locale.ROOT, "test-rules: %d passed, %d failed%n", passed, failed);
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
