package io.connwatch.engine.rules;

import io.connwatch.alert.Attack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The check of the MITRE ATT&CK ids rules declare as metadata ({@code @tactic("TA0011")},
 * {@code @technique("T1071")}, comma-separated when several; {@code Alerts} turns them into every
 * alert's {@code tactic} and {@code technique} labels), in the DRL text with file:line: a malformed
 * id, or a technique none of whose tactics the rule declares, is an error; an id ATT&CK's
 * Enterprise matrix (as {@link Attack} knows it) does not list is a warning.
 */
public final class AttackIds {
    private static final Pattern RULE = Pattern.compile("^\\s*rule\\s+\"([^\"]+)\"");
    private static final Pattern END = Pattern.compile("^\\s*end\\s*$");
    private static final Pattern ATTRIBUTE = Pattern.compile("@(tactic|technique)\\s*\\(\\s*(?:\"([^\"]*)\"|([^)]*))\\s*\\)");

    /** What the check found: errors refuse the rules, warnings are only shown. */
    public record Check(List<RuleProblem> errors, List<RuleProblem> warnings) {
    }

    private AttackIds() {
    }

    /** Checks the declarations of every rule in these DRL files. */
    public static Check check(List<Path> files) {
        List<RuleProblem> errors = new ArrayList<>();
        List<RuleProblem> warnings = new ArrayList<>();
        for (Path f : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f);
            } catch (IOException e) {
                continue; // the compiler reports a file it cannot read
            }
            Declared rule = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher r = RULE.matcher(line);
                if (r.find()) {
                    finish(f, rule, errors);
                    rule = new Declared(r.group(1));
                    continue;
                }
                if (rule != null && END.matcher(line).matches()) {
                    finish(f, rule, errors);
                    rule = null;
                    continue;
                }
                Matcher a = ATTRIBUTE.matcher(line);
                while (rule != null && a.find()) {
                    String text = a.group(2) != null ? a.group(2) : a.group(3);
                    boolean tactic = a.group(1).equals("tactic");
                    for (String id : Attack.ids(text)) {
                        Site site = new Site(id, i + 1, a.start());
                        if (tactic) {
                            tactic(f, rule, site, errors, warnings);
                        } else {
                            technique(f, rule, site, errors, warnings);
                        }
                    }
                    if (Attack.ids(text).isEmpty()) {
                        errors.add(new RuleProblem(f.toString(), i + 1, a.start(), "rule \"" + rule.name + "\": @" + a.group(1)
                            + " names no id"));
                    }
                }
            }
            finish(f, rule, errors);
        }
        return new Check(errors, warnings);
    }

    /** An id where it was written. */
    private record Site(String id, int line, int column) {
    }

    /** What one rule declares, gathered until its {@code end}. */
    private static final class Declared {
        final String name;
        final List<String> tactics = new ArrayList<>();
        final List<Site> techniques = new ArrayList<>();

        Declared(String name) {
            this.name = name;
        }
    }

    private static void tactic(Path f, Declared rule, Site s, List<RuleProblem> errors, List<RuleProblem> warnings) {
        if (!Attack.TACTIC_ID.matcher(s.id).matches()) {
            errors.add(problem(f, s, "rule \"" + rule.name + "\": @tactic '" + s.id + "' is not a tactic id (TA and four digits, "
                + "e.g. TA0011)"));
            return;
        }
        rule.tactics.add(s.id);
        if (Attack.tacticName(s.id) == null) {
            warnings.add(problem(f, s, "warning: rule \"" + rule.name + "\": " + s.id + " is not an ATT&CK Enterprise tactic"));
        }
    }

    private static void technique(Path f, Declared rule, Site s, List<RuleProblem> errors, List<RuleProblem> warnings) {
        if (!Attack.TECHNIQUE_ID.matcher(s.id).matches()) {
            errors.add(problem(f, s, "rule \"" + rule.name + "\": @technique '" + s.id + "' is not a technique id (T and four "
                + "digits, a sub-technique with .three digits, e.g. T1071 or T1071.001)"));
            return;
        }
        rule.techniques.add(s);
        if (Attack.technique(s.id) == null) {
            warnings.add(problem(f, s, "warning: rule \"" + rule.name + "\": " + s.id + " is not in connwatch's ATT&CK technique "
                + "table, so its tactic is not checked"));
        }
    }

    /** At the end of a rule: each known technique must come with one of its tactics. */
    private static void finish(Path f, Declared rule, List<RuleProblem> errors) {
        if (rule == null) {
            return;
        }
        for (Site s : rule.techniques) {
            Attack.Technique t = Attack.technique(s.id);
            if (rule.tactics.isEmpty()) {
                errors.add(problem(f, s, "rule \"" + rule.name + "\": @technique " + s.id + " without @tactic: declare the tactic "
                    + "it serves" + (t == null ? "" : " (" + String.join(" or ", tacticsOf(t)) + ")")));
            } else if (t != null && rule.tactics.stream().noneMatch(t.tactics()::contains)) {
                errors.add(problem(f, s, "rule \"" + rule.name + "\": technique " + s.id + (t.name() == null ? "" : " (" + t.name() + ")")
                    + " belongs to " + String.join(" or ", tacticsOf(t)) + ", which @tactic does not declare"));
            }
        }
    }

    private static List<String> tacticsOf(Attack.Technique t) {
        return t.tactics().stream().sorted().map(id -> id + " " + Attack.tacticName(id)).toList();
    }

    private static RuleProblem problem(Path f, Site s, String message) {
        return new RuleProblem(f.toString(), s.line, s.column, message);
    }
}
