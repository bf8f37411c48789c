package io.connwatch.feeds.format;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STIX 2.1 bundles (or a bare list of objects): {@code indicator} objects whose STIX pattern
 * compares {@code ipv4-addr:value} or {@code ipv6-addr:value} with {@code =} or
 * {@code ISSUBSET} (single IPs, CIDRs, and OR'ed comparisons or observation expressions).
 * Indicators of other things (domains, files, ...) are skipped and counted by kind; patterns
 * that AND an address with another condition, or use temporal qualifiers, are skipped as
 * unsupported rather than widened. {@code revoked} makes an indicator inactive;
 * {@code valid_until} is kept; TLP comes from the standard TLP marking definitions.
 */
public final class Stix21Format implements FeedFormat {
    private static final Pattern COMPARISON = Pattern.compile(
        "([a-z0-9-]+):([a-zA-Z0-9_.\\[\\]'*-]+)\\s*(=|!=|ISSUBSET|ISSUPERSET|IN|LIKE|MATCHES|>=|<=|>|<)\\s*('(?:[^'\\\\]|\\\\.)*'|\\([^)]*\\)|[^\\s\\]]+)");
    private static final Pattern UNSUPPORTED = Pattern.compile("\\b(AND|FOLLOWEDBY|WITHIN|REPEATS|START|STOP|NOT)\\b");
    private static final Map<String, TlpLevel> TLP_MARKINGS = Map.of(
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", TlpLevel.WHITE,
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", TlpLevel.GREEN,
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", TlpLevel.AMBER,
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TlpLevel.RED,
        // TLP 2.0 markings
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", TlpLevel.WHITE,
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", TlpLevel.GREEN,
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", TlpLevel.AMBER,
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", TlpLevel.AMBER,
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", TlpLevel.RED);

    @Override
    public String name() {
        return "stix21";
    }

    @Override
    public FeedParse parse(String feed, Reader in, FeedDefaults d) throws IOException {
        JsonNode root = JsonFeeds.read(feed, in);
        JsonNode objects = root == null ? null : root.isArray() ? root : root.get("objects");
        if (objects == null || !objects.isArray()) {
            throw new IOException(feed + ": not a STIX 2.1 bundle: no 'objects' array");
        }
        FeedParse out = new FeedParse();
        Map<String, TlpLevel> markings = new HashMap<>(TLP_MARKINGS);
        for (JsonNode o : objects) {
            if ("marking-definition".equals(o.path("type").asText()) && o.path("definition").has("tlp")) {
                try {
                    markings.put(o.path("id").asText(), TlpLevel.parse(o.path("definition").path("tlp").asText()));
                } catch (IllegalArgumentException e) {
                    // an unknown TLP name: the marking is ignored
                }
            }
        }
        int index = 0;
        for (JsonNode o : objects) {
            String where = o.hasNonNull("id") ? o.get("id").asText() : "objects[" + index + "]";
            index++;
            if (!"indicator".equals(o.path("type").asText())) {
                continue;
            }
            try {
                indicator(feed, o, where, d, markings, out);
            } catch (IllegalArgumentException e) {
                out.problem(new FeedProblem(feed, where, e.getMessage()));
            }
        }
        return out;
    }

    private static void indicator(String feed, JsonNode o, String where, FeedDefaults d, Map<String, TlpLevel> markings,
                                  FeedParse out) {
        String patternType = o.path("pattern_type").asText("stix");
        if (!patternType.equals("stix")) {
            out.skip("pattern_type " + patternType);
            return;
        }
        String pattern = o.path("pattern").asText(null);
        if (pattern == null) {
            throw new IllegalArgumentException("indicator without a pattern");
        }
        Matcher m = COMPARISON.matcher(pattern);
        List<IpPrefix> prefixes = new ArrayList<>();
        String otherKind = null;
        boolean anyComparison = false;
        while (m.find()) {
            anyComparison = true;
            String object = m.group(1);
            String property = m.group(2);
            String op = m.group(3);
            String value = m.group(4);
            boolean ip = (object.equals("ipv4-addr") || object.equals("ipv6-addr")) && property.equals("value");
            if (!ip) {
                otherKind = otherKind == null ? object : otherKind;
                continue;
            }
            if (!op.equals("=") && !op.equals("ISSUBSET")) {
                throw new IllegalArgumentException("unsupported comparison '" + op + "' on " + object + ":value");
            }
            if (!value.startsWith("'")) {
                throw new IllegalArgumentException("expected a quoted address, got " + Lines.abbreviate(value));
            }
            String text = value.substring(1, value.length() - 1);
            IpPrefix p = IpPrefix.tryParse(text);
            if (p == null) {
                throw new IllegalArgumentException("not an IP address or CIDR: '" + Lines.abbreviate(text) + "'");
            }
            prefixes.add(p);
        }
        if (!anyComparison) {
            throw new IllegalArgumentException("cannot read the pattern: " + Lines.abbreviate(pattern));
        }
        if (prefixes.isEmpty()) {
            out.skip(otherKind);
            return;
        }
        if (UNSUPPORTED.matcher(pattern.replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")).find()) {
            out.skip("pattern combining an address with other conditions");
            return;
        }
        boolean revoked = o.path("revoked").asBoolean(false);
        Instant validFrom = time(o, "valid_from");
        Instant validUntil = time(o, "valid_until");
        Instant modified = time(o, "modified");
        int confidence = o.has("confidence") ? clamp(o.get("confidence").asInt(), 0, 100) : d.confidence();
        TlpLevel tlp = d.tlp();
        for (JsonNode ref : o.path("object_marking_refs")) {
            TlpLevel t = markings.get(ref.asText());
            if (t != null) {
                tlp = t;
            }
        }
        List<String> tags = new ArrayList<>();
        o.path("indicator_types").forEach(t -> tags.add(t.asText()));
        o.path("labels").forEach(t -> tags.add(t.asText()));
        ThreatType type = threatType(tags, d.threatType());
        String description = o.hasNonNull("description") ? o.get("description").asText()
            : o.hasNonNull("name") ? o.get("name").asText() : d.description();
        if (o.hasNonNull("name") && o.hasNonNull("description")) {
            description = o.get("name").asText() + ": " + o.get("description").asText();
        }
        String reference = null;
        for (JsonNode ref : o.path("external_references")) {
            if (ref.hasNonNull("url")) {
                reference = ref.get("url").asText();
                break;
            }
        }
        for (IpPrefix p : prefixes) {
            out.add(new Indicator(p, type, d.severity(), confidence, tlp, description, reference, validFrom, modified, !revoked,
                validUntil, feed, null, tags));
        }
    }

    /** STIX indicator types to Azure's threat vocabulary; the feed default otherwise. */
    static ThreatType threatType(List<String> types, ThreatType fallback) {
        for (String t : types) {
            switch (t.toLowerCase(Locale.ROOT)) {
                case "anonymization" -> {
                    return ThreatType.PROXY;
                }
                case "malicious-activity", "compromised" -> {
                    return ThreatType.MALWARE;
                }
                case "attribution" -> {
                    return ThreatType.WATCHLIST;
                }
                default -> {
                    // keep looking
                }
            }
        }
        return fallback;
    }

    private static Instant time(JsonNode o, String field) {
        if (!o.hasNonNull(field)) {
            return null;
        }
        try {
            return Instant.parse(o.get(field).asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": not a STIX timestamp: '" + Lines.abbreviate(o.get(field).asText()) + "'");
        }
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }
}
