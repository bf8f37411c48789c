package io.connwatch.engine.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules that failed at run time, one entry per rule: where it is (DRL file:line), what failed
 * (its condition or its consequence), how often, and the last error; for the log, {@code /stats}
 * and {@code /rules}. Thread-safe; the keys are the configuration's rules, so bounded.
 */
public final class RuleFailures {
    /** How often a rule's failures are logged at most, after the first. */
    static final long LOG_EVERY_NANOS = 60_000_000_000L;

    /**
     * One rule's failures.
     *
     * @param rule    the rule's name ("" when Drools did not say which rule failed)
     * @param where   its DRL file and line, or "" when unknown
     * @param part    "condition", "consequence" or "engine" (an error inside Drools not tied to a rule)
     * @param message the last error, its root cause's class and message
     * @param count   failures so far
     * @param last    when the last one happened (wall clock)
     */
    public record Failure(String rule, String where, String part, String message, long count, Instant last) {
    }

    private static final class Entry {
        private String where;
        private String part;
        private String message;
        private long count;
        private Instant last;
        private long loggedNanos;
        private long sinceLogged;
    }

    private final ConcurrentHashMap<String, Entry> byRule = new ConcurrentHashMap<>();

    /**
     * Counts one failure.
     *
     * @return how many failures of this rule went unlogged before this one, or -1 when this one
     *         should not be logged (the rule's failures are logged once a minute at most)
     */
    long record(String rule, String where, String part, String message, Instant at, long nowNanos) {
        Entry e = byRule.computeIfAbsent(rule, k -> new Entry());
        synchronized (e) {
            e.where = where;
            e.part = part;
            e.message = message;
            e.count++;
            e.last = at;
            if (e.count == 1 || nowNanos - e.loggedNanos >= LOG_EVERY_NANOS) {
                long skipped = e.sinceLogged;
                e.loggedNanos = nowNanos;
                e.sinceLogged = 0;
                return skipped;
            }
            e.sinceLogged++;
            return -1;
        }
    }

    /** Every rule that failed, most failures first. */
    public List<Failure> list() {
        List<Failure> out = new ArrayList<>();
        byRule.forEach((rule, e) -> {
            synchronized (e) {
                out.add(new Failure(rule, e.where, e.part, e.message, e.count, e.last));
            }
        });
        out.sort(Comparator.comparingLong(Failure::count).reversed().thenComparing(Failure::rule));
        return out;
    }
}
