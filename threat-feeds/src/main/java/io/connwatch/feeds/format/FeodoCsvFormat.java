package io.connwatch.feeds.format;

import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.Indicator;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * abuse.ch Feodo Tracker's botnet C2 blocklist CSV: a {@code #} banner, a quoted header
 * {@code first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware}, quoted rows, and a
 * {@code # END n entries} trailer, which is checked so that a truncated download is reported.
 * The malware family and C2 status become tags and the description; {@code last_online} is the
 * last-seen time. Offline C2s stay active: Feodo lists servers seen in the last 30 days, and they
 * come back.
 */
public final class FeodoCsvFormat implements FeedFormat {
    private static final Pattern END = Pattern.compile("#\\s*END\\s+(\\d+)\\s+entries", Pattern.CASE_INSENSITIVE);
    private static final MappedCsvFormat CSV = new MappedCsvFormat(CsvMapping.of(Map.of(
        "ip", "dst_ip", "port", "dst_port", "first-seen", "first_seen_utc", "last-seen", "last_online",
        "tags", "malware,c2_status")));

    @Override
    public String name() {
        return "feodo-csv";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        String text = new java.io.BufferedReader(in).lines().reduce(new StringBuilder(), (sb, l) -> sb.append(l).append('\n'),
            StringBuilder::append).toString();
        FeedParse parsed = CSV.parse(feed, new StringReader(text), d);
        FeedParse out = new FeedParse();
        parsed.problems().forEach(out::problem);
        parsed.skipped().forEach((k, v) -> {
            for (int i = 0; i < v; i++) {
                out.skip(k);
            }
        });
        for (Indicator i : parsed.indicators()) {
            String malware = tag(i.tags(), "malware:");
            String status = tag(i.tags(), "c2_status:");
            String description = (malware == null ? "Botnet" : malware) + " botnet C2 server"
                + (status == null ? "" : " (" + status + ")") + ", abuse.ch Feodo Tracker";
            out.add(new Indicator(i.prefix(), i.threatType(), i.severity(), i.confidence(), i.tlp(), description,
                "https://feodotracker.abuse.ch/browse/host/" + i.prefix().network() + "/", i.firstSeen(), i.lastSeen(), true,
                i.validUntil(), feed, i.port(), i.tags()));
        }
        Matcher m = END.matcher(text);
        if (m.find()) {
            int declared = Integer.parseInt(m.group(1));
            int rows = out.indicators().size() + out.problems().size();
            if (declared != rows) {
                out.problem(new FeedProblem(feed, "trailer", "the file says " + declared + " entries but holds " + rows
                    + ": truncated or altered"));
            }
        } else {
            out.problem(new FeedProblem(feed, "trailer", "no '# END n entries' line: the download may be truncated"));
        }
        return out;
    }

    private static String tag(List<String> tags, String prefix) {
        for (String t : tags) {
            if (t.startsWith(prefix)) {
                return t.substring(prefix.length());
            }
        }
        return null;
    }
}
