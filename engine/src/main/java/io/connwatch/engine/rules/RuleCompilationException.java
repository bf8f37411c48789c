package io.connwatch.engine.rules;

import java.util.List;
import java.util.stream.Collectors;

/** The rules did not compile; carries every problem found, not only the first. */
public final class RuleCompilationException extends Exception {
    private final List<RuleProblem> problems;

    public RuleCompilationException(List<RuleProblem> problems) {
        super(problems.size() + " problem(s) in the rules:\n"
            + problems.stream().map(p -> "  " + p.format()).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
