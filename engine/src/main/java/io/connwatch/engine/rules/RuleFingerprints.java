package io.connwatch.engine.rules;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each rule was compiled from, so that a reload can tell the rules it changed from those it
 * left alone: a rule's fingerprint is its own text plus everything in its file outside any rule
 * (package, imports, globals, functions, declarations), whitespace aside, as given to Drools
 * (parameters already inlined). A changed import or function therefore counts as a change of
 * every rule of that file, which is the safe side: a changed rule is judged again on the facts held.
 */
final class RuleFingerprints {
    private final Map<String, String> byRule = new HashMap<>();

    /** Adds the rules of one DRL file, as compiled. */
    void add(String compiledText) {
        DrlText drl = new DrlText(compiledText);
        StringBuilder outside = new StringBuilder();
        int from = 0;
        for (DrlText.Block b : drl.blocks) {
            int end = blockEnd(drl, b);
            outside.append(compiledText, from, Math.max(from, b.start()));
            from = Math.max(from, end);
        }
        outside.append(compiledText.substring(Math.min(from, compiledText.length())));
        String header = squeeze(outside.toString());
        for (DrlText.Block b : drl.blocks) {
            if (b.isRule()) {
                String text = compiledText.substring(b.start(), blockEnd(drl, b));
                byRule.put(key(drl.packageName, b.name()), header + "\u0000" + squeeze(text));
            }
        }
    }

    private static int blockEnd(DrlText drl, DrlText.Block b) {
        return b.end() >= 0 ? Math.min(drl.text.length(), b.end() + "end".length()) : drl.text.length();
    }

    private static String squeeze(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    static String key(String pkg, String rule) {
        return pkg + "\u0000" + rule;
    }

    Map<String, String> asMap() {
        return Map.copyOf(byRule);
    }

    /**
     * The rules of {@code next} that are new or whose text (or file header) differs from {@code previous}, as keys
     * ({@link #key}).
     */
    static Set<String> changed(Map<String, String> previous, Map<String, String> next) {
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, String> e : next.entrySet()) {
            if (!e.getValue().equals(previous.get(e.getKey()))) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}
