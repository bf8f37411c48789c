package io.connwatch.feeds.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.Indicator;
import io.connwatch.net.IpPrefix;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/**
 * Spamhaus DROP / EDROP / DROPv6: {@code CIDR ; SBLnnn} lines with {@code ;} comments, and the
 * newer JSON-lines form ({@code {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}}).
 * Each network links to its SBL record.
 */
public final class SpamhausDropFormat implements FeedFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "spamhaus-drop";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        FeedParse out = new FeedParse();
        Lines.each(in, (n, line) -> {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith(";") || t.startsWith("#")) {
                return;
            }
            String cidr;
            String sbl = null;
            if (t.startsWith("{")) {
                JsonNode node;
                try {
                    node = JSON.readTree(t);
                } catch (IOException e) {
                    out.problem(new FeedProblem(feed, "line " + n, "malformed JSON"));
                    return;
                }
                if (!node.has("cidr")) {
                    return; // the trailing metadata line: {"type":"metadata",...}
                }
                cidr = node.get("cidr").asText();
                sbl = node.hasNonNull("sblid") ? node.get("sblid").asText() : null;
            } else {
                int semi = t.indexOf(';');
                cidr = (semi < 0 ? t : t.substring(0, semi)).trim();
                if (semi >= 0) {
                    sbl = t.substring(semi + 1).trim();
                }
            }
            IpPrefix p = IpPrefix.tryParse(cidr);
            if (p == null) {
                out.problem(new FeedProblem(feed, "line " + n, "not a CIDR: '" + Lines.abbreviate(cidr) + "'"));
                return;
            }
            boolean hasSbl = sbl != null && !sbl.isEmpty();
            out.add(new Indicator(p, d.threatType(), d.severity(), d.confidence(), d.tlp(),
                hasSbl ? "Spamhaus DROP " + sbl : d.description(),
                hasSbl ? "https://check.spamhaus.org/sbl/query/" + sbl : null, null, null, true, null, feed, null,
                hasSbl ? List.of(sbl) : List.of()));
        });
        return out;
    }
}
