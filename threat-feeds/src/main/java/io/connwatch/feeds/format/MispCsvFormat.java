package io.connwatch.feeds.format;

import io.connwatch.feeds.FeedDefaults;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MISP's CSV export ({@code /attributes/restSearch} with {@code returnFormat: csv}): a header
 * naming at least {@code type} and {@code value}; {@code to_ids}, {@code comment},
 * {@code category}, {@code timestamp} or {@code date}, {@code attribute_tag} and
 * {@code event_info} / {@code event_threat_level_id} are used when present.
 */
public final class MispCsvFormat implements FeedFormat {
    @Override
    public String name() {
        return "misp-csv";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        FeedParse out = new FeedParse();
        Map<String, Integer> columns = new HashMap<>();
        Lines.each(in, (n, line) -> {
            if (line.isBlank()) {
                return;
            }
            List<String> f = CsvLine.split(line, ',');
            if (columns.isEmpty()) {
                if (f == null || !f.contains("type") || !f.contains("value")) {
                    throw new IOException(feed + ": line " + n + ": not a MISP CSV header (needs 'type' and 'value'): "
                        + Lines.abbreviate(line));
                }
                for (int i = 0; i < f.size(); i++) {
                    columns.put(f.get(i).trim(), i);
                }
                return;
            }
            String where = "line " + n;
            if (f == null) {
                out.problem(new FeedProblem(feed, where, "unterminated quote"));
                return;
            }
            String toIds = get(f, columns, "to_ids");
            boolean ids = toIds == null || toIds.equals("1") || toIds.equalsIgnoreCase("true");
            Instant seen = null;
            String time = get(f, columns, "timestamp");
            if (time == null) {
                time = get(f, columns, "date");
            }
            try {
                seen = time == null ? null : FeedValues.time(time);
            } catch (IllegalArgumentException e) {
                out.problem(new FeedProblem(feed, where, "timestamp: " + e.getMessage()));
                return;
            }
            List<String> tags = new ArrayList<>();
            String tagText = get(f, columns, "attribute_tag");
            if (tagText != null) {
                for (String t : tagText.split(",")) {
                    if (!t.isBlank()) {
                        tags.add(t.trim());
                    }
                }
            }
            int severity = MispAttributes.severity(get(f, columns, "event_threat_level_id"), d.severity());
            MispAttributes.attribute(feed, where, get(f, columns, "type"), get(f, columns, "value"), ids,
                get(f, columns, "comment"), get(f, columns, "category"), seen, get(f, columns, "event_info"), severity, tags, d, out);
        });
        return out;
    }

    private static String get(List<String> f, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        if (i == null || i >= f.size()) {
            return null;
        }
        String v = f.get(i).trim();
        return v.isEmpty() ? null : v;
    }
}
