package io.connwatch.notify;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits encoded items into consecutive batches whose request bodies stay within a size limit,
 * for channels whose service caps a request (Splunk HEC's max content length, Sentinel's 1 MB,
 * Elasticsearch's http.max_content_length); the split is the same on every attempt for the same
 * items, so a retry can skip the batches already accepted ({@link BatchProgress}).
 */
public final class Batches {
    private Batches() {
    }

    /**
     * Index ranges {@code [from, to)} of {@code sizes}: each batch's body, {@code overhead} bytes
     * plus its items plus {@code separator} bytes between two items, is at most {@code limit}.
     *
     * @return null when one item alone cannot fit (no split helps: a permanent failure)
     */
    public static List<int[]> split(List<Integer> sizes, long limit, int overhead, int separator) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        long size = overhead;
        for (int i = 0; i < sizes.size(); i++) {
            long item = sizes.get(i);
            if (overhead + item > limit) {
                return null;
            }
            long added = (i == from ? 0 : separator) + item;
            if (size + added > limit) {
                out.add(new int[] {from, i});
                from = i;
                size = overhead + item;
            } else {
                size += added;
            }
        }
        if (from < sizes.size()) {
            out.add(new int[] {from, sizes.size()});
        }
        return out;
    }
}
