package io.connwatch.feeds.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.feeds.FeedDefaults;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * MISP event JSON: {@code {"Event": {...}}}, a bare event, or a {@code {"response": [...]}} list
 * of them. Address attributes ({@code ip-dst}, {@code ip-src}, {@code ip-dst|port},
 * {@code ip-src|port}) directly under the event and inside its objects become indicators when
 * {@code to_ids} is set; others are skipped and counted by type. The event's
 * {@code threat_level_id} sets severity, its info the description, its and the attribute's tags
 * are kept (a {@code tlp:} tag sets TLP).
 */
public final class MispEventFormat implements FeedFormat {
    @Override
    public String name() {
        return "misp-event";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        JsonNode root = JsonFeeds.read(feed, in);
        List<JsonNode> events = new ArrayList<>();
        if (root != null && root.has("response")) {
            root.get("response").forEach(r -> events.add(r.has("Event") ? r.get("Event") : r));
        } else if (root != null && root.has("Event")) {
            events.add(root.get("Event"));
        } else if (root != null && root.has("Attribute")) {
            events.add(root);
        } else {
            throw new IOException(feed + ": not a MISP event: no 'Event' or 'Attribute'");
        }
        FeedParse out = new FeedParse();
        for (JsonNode e : events) {
            String info = e.path("info").asText(null);
            int severity = MispAttributes.severity(e.path("threat_level_id").asText(null), d.severity());
            List<String> eventTags = tags(e);
            for (JsonNode a : e.path("Attribute")) {
                attribute(feed, a, info, severity, eventTags, d, out);
            }
            for (JsonNode o : e.path("Object")) {
                for (JsonNode a : o.path("Attribute")) {
                    attribute(feed, a, info, severity, eventTags, d, out);
                }
            }
        }
        return out;
    }

    private static void attribute(String feed, JsonNode a, String info, int severity, List<String> eventTags, FeedDefaults d,
                                  FeedParse out) {
        String where = "attribute " + a.path("uuid").asText("(no uuid)");
        List<String> tags = new ArrayList<>(eventTags);
        tags.addAll(tags(a));
        Instant seen = null;
        String lastSeen = a.path("last_seen").asText(null);
        try {
            seen = lastSeen != null ? FeedValues.time(lastSeen)
                : a.hasNonNull("timestamp") ? FeedValues.time(a.get("timestamp").asText()) : null;
        } catch (IllegalArgumentException e) {
            out.problem(new FeedProblem(feed, where, "last_seen: " + e.getMessage()));
            return;
        }
        JsonNode toIds = a.path("to_ids");
        boolean ids = toIds.isBoolean() ? toIds.asBoolean() : "1".equals(toIds.asText()) || "true".equalsIgnoreCase(toIds.asText());
        MispAttributes.attribute(feed, where, a.path("type").asText(null), a.path("value").asText(null), ids,
            a.path("comment").asText(null), a.path("category").asText(null), seen, info, severity, tags, d, out);
    }

    private static List<String> tags(JsonNode n) {
        List<String> tags = new ArrayList<>();
        n.path("Tag").forEach(t -> tags.add(t.path("name").asText()));
        return tags;
    }
}
