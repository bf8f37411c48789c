package io.connwatch.feeds.format;

import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.Indicator;
import io.connwatch.net.IpAddress;
import io.connwatch.net.IpPrefix;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Tor's TorDNSEL {@code exit-addresses} list: blocks of {@code ExitNode <fingerprint>},
 * {@code Published}, {@code LastStatus} and one or more {@code ExitAddress <ip> <time>} lines.
 * Each exit address is an indicator; its time is the last-seen time.
 */
public final class TorExitAddressesFormat implements FeedFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Override
    public String name() {
        return "tor-exit-addresses";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        FeedParse out = new FeedParse();
        String[] node = {null};
        Lines.each(in, (n, line) -> {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                return;
            }
            String[] parts = t.split("\\s+");
            switch (parts[0]) {
                case "ExitNode" -> node[0] = parts.length > 1 ? parts[1] : null;
                case "ExitAddress" -> {
                    if (parts.length < 2) {
                        out.problem(new FeedProblem(feed, "line " + n, "ExitAddress without an address"));
                        return;
                    }
                    IpAddress ip = IpAddress.tryParse(parts[1]);
                    if (ip == null) {
                        out.problem(new FeedProblem(feed, "line " + n, "not an IP address: '" + Lines.abbreviate(parts[1]) + "'"));
                        return;
                    }
                    Instant seen = null;
                    if (parts.length >= 4) {
                        try {
                            seen = LocalDateTime.parse(parts[2] + " " + parts[3], TIME).toInstant(ZoneOffset.UTC);
                        } catch (DateTimeParseException e) {
                            out.problem(new FeedProblem(feed, "line " + n, "bad time '" + parts[2] + " " + parts[3] + "'"));
                            return;
                        }
                    }
                    String description = node[0] == null ? "Tor exit node" : "Tor exit node " + node[0];
                    out.add(new Indicator(IpPrefix.of(ip), d.threatType(), d.severity(), d.confidence(), d.tlp(), description,
                        node[0] == null ? null : "https://metrics.torproject.org/rs.html#details/" + node[0], null, seen, true,
                        null, feed, null, List.of()));
                }
                default -> {
                    // Published, LastStatus and future keywords carry nothing we index.
                }
            }
        });
        return out;
    }
}
