package io.connwatch.engine.rules;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** For rules: distinct values across the per-minute sets a window collected. */
public final class Distinct {
    private Distinct() {
    }

    /** How many distinct values the sets hold together. */
    public static int count(Collection<? extends Collection<?>> sets) {
        Set<Object> all = new HashSet<>();
        for (Collection<?> s : sets) {
            all.addAll(s);
        }
        return all.size();
    }
}
