package io.connwatch.engine.rules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything loaded from a rules directory: the compiled DRL and the data files rules read
 * (parameters, allowlist), checked together so one run reports every problem at once.
 */
public record RuleSet(CompiledRules rules, RuleParameters params, BindAllowlist allowlist, CountryPolicy countries) {

    /** Compiles the DRL of a rules directory. */
    interface Compiler {
        CompiledRules compile() throws RuleCompilationException;
    }

    /** Loads and checks the rules directory; throws with every problem found in any file. */
    public static RuleSet load(Path dir, EventRetention retention) throws RuleCompilationException {
        return load(dir, () -> RuleCompiler.compile(dir, retention));
    }

    /** Loads and checks the rules directory, its DRL compiled by {@code compiler}; throws with every problem found in any file. */
    static RuleSet load(Path dir, Compiler compiler) throws RuleCompilationException {
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
            rules = compiler.compile();
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
            if (rules != null) {
                RuleCompiler.close(rules);
            }
            throw new RuleCompilationException(problems);
        }
        return new RuleSet(rules, params, allowlist, countries);
    }
}
