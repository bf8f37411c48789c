package io.connwatch.engine.rules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything loaded from a rules directory: the compiled DRL and the data files rules read
 * (parameters, allowlist), checked together so one run reports every problem at once.
 */
public record RuleSet(CompiledRules rules, RuleParameters params, BindAllowlist allowlist, CountryPolicy countries) {

    /** Loads and checks the rules directory; throws with every problem found in any file. */
    public static RuleSet load(Path dir, EventRetention retention) throws RuleCompilationException {
        List<RuleProblem> problems = new ArrayList<>();
        CompiledRules rules = null;
        RuleParameters params = null;
        BindAllowlist allowlist = null;
        CountryPolicy countries = null;
        try {
            countries = CountryPolicy.load(dir);
        } catch (RuleCompilationException e) {
            problems.addAll(e.problems());
        }
        try {
            rules = RuleCompiler.compile(dir, retention);
        } catch (RuleCompilationException e) {
            problems.addAll(e.problems());
        }
        try {
            params = RuleParameters.load(dir);
        } catch (RuleCompilationException e) {
            problems.addAll(e.problems());
        }
        try {
            allowlist = BindAllowlist.load(dir);
        } catch (RuleCompilationException e) {
            problems.addAll(e.problems());
        }
        if (params != null) {
            try {
                problems.addAll(params.checkUses(RuleCompiler.ruleFiles(dir)));
            } catch (RuleCompilationException e) {
                // the directory problem is already reported by compile()
            }
        }
        try {
            problems.addAll(AttackIds.check(RuleCompiler.ruleFiles(dir)).errors());
        } catch (RuleCompilationException e) {
            // the directory problem is already reported by compile()
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        return new RuleSet(rules, params, allowlist, countries);
    }
}
