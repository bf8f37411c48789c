package io.connwatch.engine.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per machine, how many live records were refused as too far in the future; bounded, the least recent forgotten first. Thread-safe. */
public final class FutureCounts {
    private final LinkedHashMap<String, long[]> counts;

    FutureCounts(int maxMachines) {
        this.counts = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > maxMachines;
            }
        };
    }

    /** A machine, its refused records and the furthest TimeGenerated it sent. */
    public record Machine(String machine, long refused, long newestMillis) {
    }

    synchronized void count(String machine, long timestamp) {
        long[] c = counts.computeIfAbsent(machine, k -> new long[] {0, Long.MIN_VALUE});
        c[0]++;
        c[1] = Math.max(c[1], timestamp);
    }

    synchronized List<Machine> top(int limit) {
        List<Machine> out = new ArrayList<>();
        counts.forEach((m, c) -> out.add(new Machine(m, c[0], c[1])));
        out.sort((a, b) -> Long.compare(b.refused(), a.refused()));
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }
}
