package io.connwatch.feeds.format;

import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.Indicator;
import io.connwatch.net.IpPrefix;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/**
 * One IP or CIDR per line, with {@code #} (or {@code ;}) comments, whole-line or trailing: FireHOL
 * {@code .netset} / {@code .ipset}, Emerging Threats' compromised IPs, Tor's bulk exit list, and
 * most plain blocklists. Fully expanded IPv6 is read too.
 */
public final class PlainListFormat implements FeedFormat {
    @Override
    public String name() {
        return "plain";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        FeedParse out = new FeedParse();
        Lines.each(in, (n, line) -> {
            String t = Lines.uncomment(line, '#', ';');
            if (t.isEmpty()) {
                return;
            }
            IpPrefix p = IpPrefix.tryParse(t);
            if (p == null) {
                out.problem(new FeedProblem(feed, "line " + n, "not an IP address or CIDR: '" + Lines.abbreviate(t) + "'"));
                return;
            }
            out.add(new Indicator(p, d.threatType(), d.severity(), d.confidence(), d.tlp(), d.description(), null, null, null,
                true, null, feed, null, List.of()));
        });
        return out;
    }
}
