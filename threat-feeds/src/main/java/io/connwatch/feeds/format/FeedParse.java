package io.connwatch.feeds.format;

import io.connwatch.feeds.Indicator;
import io.connwatch.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a feed file yields: threat indicators, allowlist networks (from warninglists), entries
 * that could not be read, and entries deliberately passed over (e.g. STIX indicators of domains)
 * counted by kind.
 */
public final class FeedParse {
    private final List<Indicator> indicators = new ArrayList<>();
    private final List<IpPrefix> allow = new ArrayList<>();
    private final List<FeedProblem> problems = new ArrayList<>();
    private final Map<String, Integer> skipped = new TreeMap<>();

    public void add(Indicator i) {
        indicators.add(i);
    }

    public void allow(IpPrefix p) {
        allow.add(p);
    }

    public void problem(FeedProblem p) {
        problems.add(p);
    }

    /** Counts an entry passed over on purpose, by kind (e.g. {@code domain-name}, {@code to_ids false}). */
    public void skip(String kind) {
        skipped.merge(kind, 1, Integer::sum);
    }

    public List<Indicator> indicators() {
        return indicators;
    }

    public List<IpPrefix> allowlist() {
        return allow;
    }

    public List<FeedProblem> problems() {
        return problems;
    }

    public Map<String, Integer> skipped() {
        return skipped;
    }

    /** Entries that yielded nothing: problems plus deliberate skips. */
    public int unusable() {
        return problems.size() + skipped.values().stream().mapToInt(Integer::intValue).sum();
    }
}
