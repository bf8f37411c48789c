package io.connwatch.feeds.format;

import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpPrefix;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Any CSV feed, through a {@link CsvMapping} from configuration. Lines starting with {@code #}
 * are comments, except that a commented line holding the IP column's name is taken as the header
 * (as some feeds comment their header out).
 */
public final class MappedCsvFormat implements FeedFormat {
    private final CsvMapping mapping;

    public MappedCsvFormat(CsvMapping mapping) {
        this.mapping = mapping;
    }

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        FeedParse out = new FeedParse();
        Map<String, Integer> columns = new HashMap<>();
        boolean[] haveHeader = {!mapping.header()};
        if (!mapping.header()) {
            // columns are 1-based numbers
            for (String key : keys()) {
                if (key != null) {
                    try {
                        columns.put(key, Integer.parseInt(key.trim()) - 1);
                    } catch (NumberFormatException e) {
                        throw new IOException("without a header, columns are numbers; got '" + key + "'");
                    }
                }
            }
        }
        Lines.each(in, (n, line) -> {
            String t = line.trim();
            if (t.isEmpty()) {
                return;
            }
            if (t.startsWith("#")) {
                String uncommented = t.substring(1).trim();
                if (!haveHeader[0] && uncommented.contains(mapping.ip())) {
                    header(uncommented, columns, out, feed, n);
                    haveHeader[0] = true;
                }
                return;
            }
            if (!haveHeader[0]) {
                header(t, columns, out, feed, n);
                haveHeader[0] = true;
                return;
            }
            row(feed, n, t, columns, d, out);
        });
        return out;
    }

    private List<String> keys() {
        List<String> k = new ArrayList<>(List.of(mapping.ip()));
        for (String c : new String[] {mapping.port(), mapping.threatType(), mapping.severity(), mapping.confidence(), mapping.tlp(),
            mapping.description(), mapping.reference(), mapping.firstSeen(), mapping.lastSeen(), mapping.validUntil()}) {
            if (c != null) {
                k.add(c);
            }
        }
        k.addAll(mapping.tags());
        return k;
    }

    private void header(String line, Map<String, Integer> columns, FeedParse out, String feed, int n) throws IOException {
        List<String> names = CsvLine.split(line, mapping.delimiter());
        if (names == null) {
            throw new IOException(feed + ": line " + n + ": unterminated quote in the header");
        }
        for (int i = 0; i < names.size(); i++) {
            columns.put(names.get(i).trim(), i);
        }
        for (String k : keys()) {
            if (!columns.containsKey(k)) {
                throw new IOException(feed + ": line " + n + ": the header has no column '" + k + "' (it has " + names + ")");
            }
        }
    }

    private void row(String feed, int n, String line, Map<String, Integer> columns, FeedDefaults d, FeedParse out) {
        List<String> f = CsvLine.split(line, mapping.delimiter());
        String where = "line " + n;
        if (f == null) {
            out.problem(new FeedProblem(feed, where, "unterminated quote"));
            return;
        }
        try {
            String ipText = field(f, columns, mapping.ip());
            IpPrefix p = ipText == null ? null : IpPrefix.tryParse(ipText);
            if (p == null) {
                throw new IllegalArgumentException(mapping.ip() + ": not an IP address or CIDR: '" + Lines.abbreviate(String.valueOf(ipText)) + "'");
            }
            ThreatType type = d.threatType();
            String v = field(f, columns, mapping.threatType());
            if (v != null) {
                type = ThreatType.parse(v);
            }
            int severity = (v = field(f, columns, mapping.severity())) == null ? d.severity() : FeedValues.bounded(v, 0, 5);
            int confidence = (v = field(f, columns, mapping.confidence())) == null ? d.confidence() : FeedValues.bounded(v, 0, 100);
            TlpLevel tlp = (v = field(f, columns, mapping.tlp())) == null ? d.tlp() : TlpLevel.parse(v);
            String description = field(f, columns, mapping.description());
            String reference = field(f, columns, mapping.reference());
            Integer port = (v = field(f, columns, mapping.port())) == null ? null : FeedValues.bounded(v, 0, 65535);
            Instant first = (v = field(f, columns, mapping.firstSeen())) == null ? null : FeedValues.time(v);
            Instant last = (v = field(f, columns, mapping.lastSeen())) == null ? null : FeedValues.time(v);
            Instant until = (v = field(f, columns, mapping.validUntil())) == null ? null : FeedValues.time(v);
            List<String> tags = new ArrayList<>();
            for (String c : mapping.tags()) {
                String tv = field(f, columns, c);
                if (tv != null) {
                    tags.add(c.toLowerCase(Locale.ROOT) + ":" + tv);
                }
            }
            out.add(new Indicator(p, type, severity, confidence, tlp, description == null ? d.description() : description,
                reference, first, last, true, until, feed, port, tags));
        } catch (IllegalArgumentException e) {
            out.problem(new FeedProblem(feed, where, e.getMessage()));
        }
    }

    private static String field(List<String> f, Map<String, Integer> columns, String column) {
        if (column == null) {
            return null;
        }
        Integer i = columns.get(column);
        if (i == null || i >= f.size()) {
            return null;
        }
        String v = f.get(i).trim();
        return v.isEmpty() ? null : v;
    }
}
