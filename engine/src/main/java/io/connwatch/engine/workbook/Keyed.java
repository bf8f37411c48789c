package io.connwatch.engine.workbook;

import java.util.Arrays;
import java.util.HashMap;
import java.util.function.ToLongFunction;

/**
 * Counters by key for one machine-minute, in two flat arrays (keys, and their rows one after the
 * other): at most {@code maxKeys} keys (further keys add to one "other" row), and once the minute
 * is sealed, only the top N by each ranking, the rest folded into "other". Keys are usually the
 * machine's shared instances, so a lookup is a short scan by identity, with no allocation; a hash
 * index is built only when a minute has many keys. Not thread-safe: its machine's lock guards it.
 *
 * @param <K> the key (a remote address, a process, a port, a threat)
 */
final class Keyed<K> {
    /** Keys scanned before a minute gets a hash index. */
    private static final int SCAN = 16;

    private final int columns;
    private Object[] keys = new Object[4];
    private long[] values;
    private int size;
    private HashMap<Object, Integer> index;
    private long[] other;
    private boolean sealed;

    Keyed(int columns) {
        if (columns < 1 || columns > 7) {
            throw new IllegalArgumentException("1 to 7 columns");
        }
        this.columns = columns;
        this.values = new long[4 * columns];
    }

    private int find(Object key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Adds one row's counts to the row of {@code key} (columns past this counter's are ignored):
     * to its own, or to "other" when the minute has no room for another key or was sealed without
     * it (a late row). Fixed arity: called per record, it must not allocate.
     */
    void add(K key, int maxKeys, long c0, long c1, long c2, long c3, long c4, long c5, long c6) {
        int i = find(key);
        if (i < 0) {
            if (sealed || size >= maxKeys) {
                addTo(other(), 0, c0, c1, c2, c3, c4, c5, c6);
                return;
            }
            i = append(key);
        }
        addTo(values, i * columns, c0, c1, c2, c3, c4, c5, c6);
    }

    private int append(Object key) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2 * columns);
        }
        keys[size] = key;
        if (index != null) {
            index.put(key, size);
        } else if (size + 1 > SCAN) {
            index = new HashMap<>(size * 4);
            for (int j = 0; j <= size; j++) {
                index.put(keys[j], j);
            }
        }
        return size++;
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
     * Keeps the top {@code n} keys by each ranking (their union; all keys without a ranking),
     * folds the rest into "other", and trims the arrays to what is kept.
     */
    @SafeVarargs
    final void seal(int n, ToLongFunction<long[]>... rankings) {
        if (sealed) {
            return;
        }
        sealed = true;
        index = null;
        boolean[] keep = new boolean[size];
        if (rankings.length == 0 || size <= n) {
            Arrays.fill(keep, true);
        } else {
            long[] row = new long[columns];
            long[] score = new long[size];
            Integer[] order = new Integer[size];
            for (ToLongFunction<long[]> rank : rankings) {
                for (int i = 0; i < size; i++) {
                    System.arraycopy(values, i * columns, row, 0, columns);
                    score[i] = rank.applyAsLong(row);
                    order[i] = i;
                }
                Arrays.sort(order, (a, b) -> Long.compare(score[b], score[a]));
                for (int i = 0; i < n; i++) {
                    keep[order[i]] = true;
                }
            }
        }
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (keep[i]) {
                keys[kept] = keys[i];
                System.arraycopy(values, i * columns, values, kept * columns, columns);
                kept++;
            } else {
                long[] o = other();
                for (int c = 0; c < columns; c++) {
                    o[c] += values[i * columns + c];
                }
            }
        }
        size = kept;
        keys = Arrays.copyOf(keys, kept);
        values = Arrays.copyOf(values, kept * columns);
    }

    /** Visits each key's row (a copy), then "other" with a null key when it has counts. */
    @SuppressWarnings("unchecked")
    void forEach(Visitor<K> visitor) {
        long[] row = new long[columns];
        for (int i = 0; i < size; i++) {
            System.arraycopy(values, i * columns, row, 0, columns);
            visitor.visit((K) keys[i], row);
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
