package io.connwatch.engine.facts;

/**
 * One String per distinct value of the columns that repeat on every row (machine, computer,
 * process, protocol...), looked up straight from a parser's characters so that a value seen
 * before costs no String, no copy and no second hash. Holds at most {@code limit} values and
 * forgets them all when it would hold more, so hostile input cannot grow it. Not thread-safe.
 */
final class SharedStrings {
    private final int limit;
    private String[] table;
    private int[] hashes;
    private int size;

    SharedStrings(int limit) {
        this.limit = limit;
        this.table = new String[1024];
        this.hashes = new int[1024];
    }

    /** The shared String holding {@code chars[from, from + length)}. */
    String of(char[] chars, int from, int length) {
        int h = 0;
        for (int i = from; i < from + length; i++) {
            h = 31 * h + chars[i];
        }
        int mask = table.length - 1;
        for (int slot = mix(h) & mask; ; slot = (slot + 1) & mask) {
            String s = table[slot];
            if (s == null) {
                String added = new String(chars, from, length);
                add(slot, h, added);
                return added;
            }
            if (hashes[slot] == h && same(s, chars, from, length)) {
                return s;
            }
        }
    }

    /** The shared String equal to {@code s} ({@code s} itself the first time). */
    String of(String s) {
        int h = s.hashCode();
        int mask = table.length - 1;
        for (int slot = mix(h) & mask; ; slot = (slot + 1) & mask) {
            String t = table[slot];
            if (t == null) {
                add(slot, h, s);
                return s;
            }
            if (hashes[slot] == h && t.equals(s)) {
                return t;
            }
        }
    }

    int size() {
        return size;
    }

    private void add(int slot, int h, String s) {
        if (size >= limit) {
            java.util.Arrays.fill(table, null);
            size = 0;
            slot = mix(h) & (table.length - 1);
        } else if ((size + 1) * 2 > table.length) {
            grow();
            int mask = table.length - 1;
            slot = mix(h) & mask;
            while (table[slot] != null) {
                slot = (slot + 1) & mask;
            }
        }
        table[slot] = s;
        hashes[slot] = h;
        size++;
    }

    private void grow() {
        String[] old = table;
        int[] oldHashes = hashes;
        table = new String[old.length * 2];
        hashes = new int[old.length * 2];
        int mask = table.length - 1;
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null) {
                int slot = mix(oldHashes[i]) & mask;
                while (table[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = old[i];
                hashes[slot] = oldHashes[i];
            }
        }
    }

    private static boolean same(String s, char[] chars, int from, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != chars[from + i]) {
                return false;
            }
        }
        return true;
    }

    private static int mix(int h) {
        return (h * 0x9E3779B9) ^ (h >>> 16);
    }
}
