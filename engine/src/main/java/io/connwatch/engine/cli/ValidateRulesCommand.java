package io.connwatch.engine.cli;

import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.AttackIds;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.RuleLint;
import io.connwatch.engine.rules.RuleProblem;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import java.io.PrintWriter;

/** Compiles the rules and checks their data files without starting anything. */
@Command(name = "validate-rules", mixinStandardHelpOptions = true,
    description = {"Compile the rules and check their data files without starting anything.",
        "Compiles every .drl file and checks parameters.yaml, wildcard-allowlist.yaml, countries.yaml and the rules' ATT&CK ids.",
        "Prints each problem as file:line:column: message and exits 1 when there is any."})
final class ValidateRulesCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Rules directory (default: rules.directory from the configuration).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        ConnwatchConfig c = config.load();
        Path rulesDir = dir != null ? dir : c.rules().directory();
        RuleSet set = RuleSet.load(rulesDir, c.rules().retention());
        PrintWriter out = spec.commandLine().getOut();
        out.println(rulesDir + ": " + set.rules().ruleNames().size() + " rules in " + set.rules().files().size()
            + " files compiled, " + set.params().values().size() + " parameters, " + set.allowlist().entries().size()
            + " allowlist entries: OK");
        set.rules().ruleNames().forEach(n -> out.println("  " + n));
        if (set.rules().retention().records().compareTo(c.rules().retention().records()) > 0) {
            out.println("raw rows kept " + set.rules().retention().records() + " (the longest @retain of the rules; "
                + "rules.retention.records " + c.rules().retention().records() + " is the floor)");
        }
        List<RuleProblem> warnings = new java.util.ArrayList<>(RuleLint.check(set.rules().files(), c.rules().retention()));
        warnings.addAll(AttackIds.check(set.rules().files()).warnings());
        warnings.forEach(w -> out.println(w.format()));
        out.flush();
        return 0;
    }
}
