package io.connwatch.engine.workbook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Counters by key for one machine-minute: at most {@code maxKeys} keys while the minute is open
 * (further keys add to one "other" row), cut to the top N by each ranking once it is sealed, the
 * rest folded into "other", and kept in two small arrays. Not thread-safe: its machine's lock
 * guards it.
 *
 * @param <K> the key (a remote address, a process, a port, a threat)
 */
final class Keyed<K> {
    private final int columns;
    private HashMap<K, long[]> open = new HashMap<>(8);
    /** Once sealed: the keys kept and their rows, row i at {@code values[i * columns]}. */
    private Object[] keys;
    private long[] values;
    private long[] other;

    Keyed(int columns) {
        if (columns < 1 || columns > 7) {
            throw new IllegalArgumentException("1 to 7 columns");
        }
        this.columns = columns;
    }

    /**
     * Adds one row's counts to the row of {@code key} (columns past this counter's are ignored):
     * to its own, or to "other" when the open minute has no room for another key or the sealed
     * minute did not keep it (a late row). Fixed arity: called per record, it must not allocate.
     */
    void add(K key, int maxKeys, long c0, long c1, long c2, long c3, long c4, long c5, long c6) {
        if (open == null) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    addTo(values, i * columns, c0, c1, c2, c3, c4, c5, c6);
                    return;
                }
            }
            addTo(other(), 0, c0, c1, c2, c3, c4, c5, c6);
            return;
        }
        long[] r = open.get(key);
        if (r == null) {
            if (open.size() >= maxKeys) {
                addTo(other(), 0, c0, c1, c2, c3, c4, c5, c6);
                return;
            }
            r = new long[columns];
            open.put(key, r);
        }
        addTo(r, 0, c0, c1, c2, c3, c4, c5, c6);
    }

    private void addTo(long[] row, int at, long c0, long c1, long c2, long c3, long c4, long c5, long c6) {
        row[at] += c0;
        if (columns > 1) {
            row[at + 1] += c1;
        }
        if (columns > 2) {
            row[at + 2] += c2;
        }
        if (columns > 3) {
            row[at + 3] += c3;
        }
        if (columns > 4) {
            row[at + 4] += c4;
        }
        if (columns > 5) {
            row[at + 5] += c5;
        }
        if (columns > 6) {
            row[at + 6] += c6;
        }
    }

    private long[] other() {
        if (other == null) {
            other = new long[columns];
        }
        return other;
    }

    /**
     * Keeps the top {@code n} keys by each ranking (their union; all keys without a ranking) and
     * folds the rest into "other".
     */
    @SafeVarargs
    final void seal(int n, ToLongFunction<long[]>... rankings) {
        if (open == null) {
            return;
        }
        List<Map.Entry<K, long[]>> entries = new ArrayList<>(open.entrySet());
        Set<K> kept = new LinkedHashSet<>();
        if (rankings.length == 0 || entries.size() <= n) {
            entries.forEach(e -> kept.add(e.getKey()));
        } else {
            for (ToLongFunction<long[]> rank : rankings) {
                entries.sort((a, b) -> Long.compare(rank.applyAsLong(b.getValue()), rank.applyAsLong(a.getValue())));
                for (int i = 0; i < n; i++) {
                    kept.add(entries.get(i).getKey());
                }
            }
        }
        keys = new Object[kept.size()];
        values = new long[kept.size() * columns];
        int i = 0;
        for (K k : kept) {
            keys[i] = k;
            System.arraycopy(open.get(k), 0, values, i * columns, columns);
            i++;
        }
        for (Map.Entry<K, long[]> e : entries) {
            if (!kept.contains(e.getKey())) {
                long[] o = other();
                for (int c = 0; c < columns; c++) {
                    o[c] += e.getValue()[c];
                }
            }
        }
        open = null;
    }

    /** Visits each key's row (read only), then "other" with a null key when it has counts. */
    @SuppressWarnings("unchecked")
    void forEach(Visitor<K> visitor) {
        if (open != null) {
            open.forEach(visitor::visit);
        } else {
            long[] row = new long[columns];
            for (int i = 0; i < keys.length; i++) {
                System.arraycopy(values, i * columns, row, 0, columns);
                visitor.visit((K) keys[i], row);
            }
        }
        if (other != null) {
            visitor.visit(null, other);
        }
    }

    /** Receives one key and its counters. */
    @FunctionalInterface
    interface Visitor<K> {
        void visit(K key, long[] row);
    }
}
