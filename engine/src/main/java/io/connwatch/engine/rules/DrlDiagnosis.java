package io.connwatch.engine.rules;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the mistakes people make in DRL by reading the text, so that each is reported once, at the
 * line that needs the fix, with the likely cause and what to write instead: a rule without
 * {@code end}, a parenthesis never closed, a rule name used twice (in any file or package), a
 * string literal compared with a number, boolean or enum field; and rewrites Drools' message for
 * a misspelled field into "did you mean".
 */
final class DrlDiagnosis {
    static final String FACTS_PACKAGE = "io.connwatch.engine.facts.";
    private static final Pattern STRICT_MODE = Pattern.compile(
        "unable to resolve method using strict-mode: ([\\w.$]+)\\.(\\w+)\\(\\)");
    private static final Pattern EXPRESSION_AT = Pattern.compile("\\[Line: (\\d+), Column: (\\d+)\\]");
    /** {@code end} as the last word of a line that holds more ({@code then ... end} written on one line). */
    private static final Pattern INLINE_END = Pattern.compile("[;}\\s]end[ \\t]*(?:\\n|$)");
    private static final Pattern EXPIRES = Pattern.compile("@expires\\s*\\(");
    private static final Pattern FACT_PATTERN = Pattern.compile("\\b([A-Z]\\w*)\\s*\\(");
    private static final Pattern LITERAL_COMPARE = Pattern.compile("(?<![\\w.$])(\\w+)\\s*(==|!=|<=|>=|<|>)\\s*\"");

    private DrlDiagnosis() {
    }

    /** A rule, query or declaration without its {@code end}; parentheses in conditions that do not pair up. */
    static List<RuleProblem> structure(Path file, DrlText drl) {
        List<RuleProblem> out = new ArrayList<>();
        for (int i = 0; i < drl.blocks.size(); i++) {
            DrlText.Block b = drl.blocks.get(i);
            int next = i + 1 < drl.blocks.size() ? drl.blocks.get(i + 1).start() : drl.masked.length();
            if (b.end() < 0 && !INLINE_END.matcher(drl.masked).region(b.then() >= 0 ? b.then() : b.start(), next).find()) {
                String what = b.kind() + (b.name().isEmpty() ? "" : " \"" + b.name() + "\"");
                String where = i + 1 < drl.blocks.size()
                    ? "before line " + drl.line(drl.blocks.get(i + 1).start()) + " (where " + drl.blocks.get(i + 1).kind() + " \""
                        + drl.blocks.get(i + 1).name() + "\" starts)"
                    : "at the end of the file";
                out.add(new RuleProblem(file.toString(), drl.line(b.start()), drl.column(b.start()),
                    "missing end: " + what + " is not closed; add a line `end` after its " + (b.isRule() ? "consequence" : "body")
                        + ", " + where));
            }
            if (b.isRule() && b.when() >= 0) {
                parentheses(file, drl, b, out);
            }
            if (b.kind().equals("declare")) {
                expires(file, drl, b, out);
            }
        }
        return out;
    }

    /** {@code @expires} takes a time written in the file: annotations are read at compile time, before any global exists. */
    private static void expires(Path file, DrlText drl, DrlText.Block b, List<RuleProblem> out) {
        int stop = b.end() >= 0 ? b.end() : drl.masked.length();
        Matcher m = EXPIRES.matcher(drl.masked).region(b.start(), stop);
        while (m.find()) {
            int open = m.end() - 1;
            int close = closing(drl.masked, open, stop);
            String value = drl.text.substring(open + 1, Math.min(close, drl.text.length()));
            String time = null;
            for (String part : value.split(",")) {
                String t = part.trim();
                if (t.startsWith("policy")) {
                    continue;
                }
                time = t.replaceFirst("^value\\s*=\\s*", "").replaceAll("\\s+", "");
            }
            if (time == null || RuleLint.droolsTime(time) == null) {
                out.add(new RuleProblem(file.toString(), drl.line(m.start()), drl.column(m.start()), "declare \"" + b.name()
                    + "\": @expires(" + value.trim() + ") is not a time: write it in the file, e.g. @expires( 24h ) or "
                    + "@expires( 1h30m ); it cannot read params or other globals (annotations are read when the rules are "
                    + "compiled, before any global exists)"));
            }
        }
    }

    private static void parentheses(Path file, DrlText drl, DrlText.Block b, List<RuleProblem> out) {
        int from = b.when();
        int to = b.then() >= 0 ? b.then() : b.end() >= 0 ? b.end() : drl.masked.length();
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = from; i < to; i++) {
            char c = drl.masked.charAt(i);
            if (c == '(') {
                open.push(i);
            } else if (c == ')') {
                if (open.isEmpty()) {
                    out.add(new RuleProblem(file.toString(), drl.line(i), drl.column(i), "rule \"" + b.name()
                        + "\": `)` without a matching `(`; remove it or add the `(` it closes"));
                    return;
                }
                open.pop();
            }
        }
        if (!open.isEmpty()) {
            int at = open.getLast();
            String opened = opener(drl.masked, at);
            int lastLine = lastContentLine(drl, at, to);
            out.add(new RuleProblem(file.toString(), lastLine, -1, "rule \"" + b.name() + "\": `)` expected: the `(` of `"
                + opened + "` at line " + drl.line(at) + " is never closed; add `)` at the end of its condition (line "
                + lastLine + ")"));
        }
    }

    /** The word before a parenthesis and the parenthesis, e.g. {@code Connection(}. */
    private static String opener(String masked, int at) {
        int s = at;
        while (s > 0 && Character.isWhitespace(masked.charAt(s - 1)) && masked.charAt(s - 1) != '\n') {
            s--;
        }
        int w = s;
        while (w > 0 && (Character.isJavaIdentifierPart(masked.charAt(w - 1)) || masked.charAt(w - 1) == ':')) {
            w--;
        }
        return masked.substring(w, s).trim() + "(";
    }

    /**
     * The line the unclosed pattern most likely ends on: the last line of it before a line that
     * starts a new pattern (a binding {@code $x :} or a capitalised type followed by {@code (}).
     */
    private static int lastContentLine(DrlText drl, int open, int to) {
        int line = drl.line(open);
        int lineEnd = drl.masked.indexOf('\n', open);
        while (lineEnd >= 0 && lineEnd + 1 < to) {
            int next = lineEnd + 1;
            int nextEnd = drl.masked.indexOf('\n', next);
            String l = drl.masked.substring(next, nextEnd < 0 || nextEnd > to ? to : nextEnd).trim();
            if (l.isEmpty() || l.matches("^(\\$\\w+\\s*:|[A-Z]\\w*\\s*\\(|not\\b|exists\\b|accumulate\\b|eval\\b|forall\\b).*")) {
                break;
            }
            line++;
            lineEnd = nextEnd;
        }
        return line;
    }

    /** Rule names used more than once, across every file and package: alerts are named by their rule. */
    static List<RuleProblem> duplicateNames(Map<Path, DrlText> files) {
        Map<String, List<String>> seen = new LinkedHashMap<>();
        List<RuleProblem> out = new ArrayList<>();
        for (Map.Entry<Path, DrlText> e : files.entrySet()) {
            DrlText drl = e.getValue();
            for (DrlText.Block b : drl.blocks) {
                if (!b.isRule()) {
                    continue;
                }
                String where = e.getKey() + ":" + drl.line(b.start());
                List<String> before = seen.computeIfAbsent(b.name(), k -> new ArrayList<>());
                if (!before.isEmpty()) {
                    out.add(new RuleProblem(e.getKey().toString(), drl.line(b.start()), drl.column(b.start()),
                        "duplicate rule name \"" + b.name() + "\": also defined at " + before.get(0)
                            + "; rule names must be unique across all files and packages (alerts carry the rule's name): rename one"));
                }
                before.add(where + (drl.packageName.isEmpty() ? "" : " (package " + drl.packageName + ")"));
            }
        }
        return out;
    }

    /**
     * A string literal compared with a number, boolean or enum field of a fact, such as
     * {@code destinationPort == "ssh"}: Drools compiles it and then throws on every row at run time.
     */
    static List<RuleProblem> literalTypes(Path file, DrlText drl) {
        List<RuleProblem> out = new ArrayList<>();
        for (DrlText.Block b : drl.blocks) {
            if (!b.isRule() || b.when() < 0) {
                continue;
            }
            int to = b.then() >= 0 ? b.then() : b.end() >= 0 ? b.end() : drl.masked.length();
            Matcher p = FACT_PATTERN.matcher(drl.masked).region(b.when(), to);
            while (p.find()) {
                Class<?> type = factClass(p.group(1));
                if (type == null) {
                    continue;
                }
                int open = p.end() - 1;
                int close = closing(drl.masked, open, to);
                Matcher lit = LITERAL_COMPARE.matcher(drl.masked).region(open + 1, close);
                while (lit.find()) {
                    if (depth(drl.masked, open, lit.start()) != 1) {
                        continue;
                    }
                    int q = lit.end() - 1;
                    int qEnd = drl.text.indexOf('"', q + 1);
                    String literal = qEnd < 0 ? "" : drl.text.substring(q + 1, qEnd);
                    String problem = mismatch(type, lit.group(1), literal);
                    if (problem != null) {
                        out.add(new RuleProblem(file.toString(), drl.line(lit.start()), drl.column(lit.start()),
                            "rule \"" + b.name() + "\": " + problem));
                    }
                }
            }
        }
        return out;
    }

    private static String mismatch(Class<?> type, String field, String literal) {
        Method getter = properties(type).get(field);
        if (getter == null) {
            return null;
        }
        Class<?> t = getter.getReturnType();
        String quoted = "\"" + literal + "\"";
        String simple = type.getSimpleName() + "." + field;
        if (isNumber(t)) {
            try {
                Double.parseDouble(literal.trim());
                return null;
            } catch (NumberFormatException e) {
                return simple + " is a number (" + t.getSimpleName() + ") but " + quoted + " is not: the condition would throw "
                    + "NumberFormatException on every fact at run time; compare with a number, e.g. " + field + " == 22";
            }
        }
        if (t == boolean.class || t == Boolean.class) {
            if (!literal.equalsIgnoreCase("true") && !literal.equalsIgnoreCase("false")) {
                return simple + " is a boolean but " + quoted + " is neither true nor false; write " + field + " == true";
            }
            return null;
        }
        if (t.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : t.getEnumConstants()) {
                names.add(((Enum<?>) c).name());
            }
            if (!names.contains(literal)) {
                return simple + " is a " + t.getSimpleName() + " but " + quoted + " is none of its constants " + names
                    + Spelling.closest(literal.toUpperCase(Locale.ROOT), names)
                        .map(c -> " (did you mean " + c + "?); write " + field + " == " + t.getSimpleName() + "." + c).orElse("");
            }
        }
        return null;
    }

    private static boolean isNumber(Class<?> t) {
        return t == int.class || t == long.class || t == double.class || t == float.class || t == short.class || t == byte.class
            || Number.class.isAssignableFrom(t);
    }

    /** Depth of parentheses at {@code at}, counting from the one at {@code open} as 1. */
    private static int depth(String s, int open, int at) {
        int d = 0;
        for (int i = open; i < at; i++) {
            char c = s.charAt(i);
            if (c == '(') {
                d++;
            } else if (c == ')') {
                d--;
            }
        }
        return d;
    }

    private static int closing(String s, int open, int limit) {
        int d = 0;
        for (int i = open; i < limit; i++) {
            char c = s.charAt(i);
            if (c == '(') {
                d++;
            } else if (c == ')' && --d == 0) {
                return i;
            }
        }
        return limit;
    }

    /**
     * Drools' message for a field a fact does not have, rewritten to name the closest field;
     * any other problem comes back unchanged.
     */
    static RuleProblem explain(RuleProblem p) {
        Matcher m = STRICT_MODE.matcher(p.message());
        if (!m.find()) {
            return p;
        }
        Class<?> type;
        try {
            type = Class.forName(m.group(1), false, DrlDiagnosis.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return p;
        }
        String field = m.group(2);
        List<String> names = new ArrayList<>(properties(type).keySet());
        int line = p.line();
        int column = p.column();
        Matcher at = EXPRESSION_AT.matcher(p.message());
        if (at.find()) {
            line = Integer.parseInt(at.group(1));
            column = Integer.parseInt(at.group(2));
        }
        String message = type.getSimpleName() + " has no field '" + field + "'"
            + suggestion(field, names, "; did you mean '", "'?")
            + (type.getName().startsWith(FACTS_PACKAGE) ? " (its fields: rules/README.md, section Facts)" : "");
        return new RuleProblem(p.file(), line, column, message);
    }

    /** Readable properties of a class, by the name Drools uses (getX / isX, and record-style accessors). */
    static Map<String, Method> properties(Class<?> type) {
        Map<String, Method> out = new TreeMap<>();
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() != 0 || m.getReturnType() == void.class || Modifier.isStatic(m.getModifiers())
                || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String n = m.getName();
            if (n.startsWith("get") && n.length() > 3) {
                out.putIfAbsent(decapitalize(n.substring(3)), m);
            } else if (n.startsWith("is") && n.length() > 2 && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)) {
                out.putIfAbsent(decapitalize(n.substring(2)), m);
            } else {
                out.putIfAbsent(n, m);
            }
        }
        out.keySet().removeIf(k -> k.equals("class") || k.equals("hashCode") || k.equals("toString"));
        return out;
    }

    private static String decapitalize(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** A fact class of io.connwatch.engine.facts by its simple name, or null. */
    static Class<?> factClass(String simpleName) {
        try {
            return Class.forName(FACTS_PACKAGE + simpleName, false, DrlDiagnosis.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** {@code prefix + closest + suffix} when one candidate is close enough to be the intended one, else empty. */
    static String suggestion(String word, Iterable<String> candidates, String prefix, String suffix) {
        return Spelling.closest(word, candidates).map(c -> prefix + c + suffix).orElse("");
    }
}
