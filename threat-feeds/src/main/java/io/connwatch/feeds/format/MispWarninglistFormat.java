package io.connwatch.feeds.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.feeds.FeedDefaults;
import io.connwatch.net.IpPrefix;
import java.io.IOException;
import java.io.Reader;

/**
 * MISP warninglists of {@code type: cidr}: networks that must never alert (own ranges, public
 * DNS, cloud providers). They load into the allowlist, not as threats.
 */
public final class MispWarninglistFormat implements FeedFormat {
    @Override
    public String name() {
        return "misp-warninglist";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        JsonNode root = JsonFeeds.read(feed, in);
        if (root == null || !root.path("list").isArray()) {
            throw new IOException(feed + ": not a MISP warninglist: no 'list' array");
        }
        String type = root.path("type").asText("cidr");
        if (!type.equals("cidr")) {
            throw new IOException(feed + ": warninglist type '" + type + "' is not supported (only cidr)");
        }
        FeedParse out = new FeedParse();
        int i = 0;
        for (JsonNode entry : root.get("list")) {
            IpPrefix p = IpPrefix.tryParse(entry.asText());
            if (p == null) {
                out.problem(new FeedProblem(feed, "list[" + i + "]", "not a CIDR: '" + Lines.abbreviate(entry.asText()) + "'"));
            } else {
                out.allow(p);
            }
            i++;
        }
        return out;
    }
}
