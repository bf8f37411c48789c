package io.connwatch.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.config.Durations;
import io.connwatch.feeds.FeedConfig;
import io.connwatch.feeds.FeedDefaults;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.feeds.format.FeedFormats;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the {@code threat-intel.feeds} list of the configuration into typed {@link FeedConfig}s. */
final class FeedSettings {
    private static final Set<String> KEYS = Set.of("name", "format", "path", "url", "interval", "timeout", "max-bytes", "headers",
        "threat-type", "severity", "confidence", "tlp", "description", "csv");

    private FeedSettings() {
    }

    static List<FeedConfig> read(JsonNode feeds, List<String> problems) {
        List<FeedConfig> out = new ArrayList<>();
        if (feeds == null || feeds.isNull()) {
            return out;
        }
        if (!feeds.isArray()) {
            problems.add("threat-intel.feeds: expected a list of feeds");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < feeds.size(); i++) {
            JsonNode f = feeds.get(i);
            String where = "threat-intel.feeds[" + i + "]";
            if (!f.isObject()) {
                problems.add(where + ": expected name, format and path or url");
                continue;
            }
            int before = problems.size();
            String name = text(f, "name");
            if (name == null) {
                problems.add(where + ".name: missing");
            } else {
                where = "threat-intel.feeds[" + name + "]";
                if (!names.add(name)) {
                    problems.add(where + ": two feeds have this name");
                }
            }
            for (Iterator<String> it = f.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!KEYS.contains(k)) {
                    problems.add(where + "." + k + ": unknown setting (expected one of " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
                }
            }
            String format = text(f, "format");
            if (format == null || !FeedFormats.NAMES.contains(format)) {
                problems.add(where + ".format: " + (format == null ? "missing" : "unknown '" + format + "'") + " (expected one of "
                    + String.join(", ", FeedFormats.NAMES) + ")");
                continue;
            }
            String path = text(f, "path");
            String url = text(f, "url");
            URI uri = null;
            if ((path == null) == (url == null)) {
                problems.add(where + ": give exactly one of path and url");
            } else if (url != null) {
                try {
                    uri = URI.create(url);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        problems.add(where + ".url: only http and https URLs are fetched");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(where + ".url: not a URL");
                }
            }
            Duration interval = duration(f, "interval", FeedConfig.DEFAULT_INTERVAL, where, problems);
            Duration timeout = duration(f, "timeout", FeedConfig.DEFAULT_TIMEOUT, where, problems);
            long maxBytes = FeedConfig.DEFAULT_MAX_BYTES;
            if (f.hasNonNull("max-bytes")) {
                maxBytes = f.get("max-bytes").asLong(-1);
                if (maxBytes <= 0) {
                    problems.add(where + ".max-bytes: expected a positive number of bytes");
                }
            }
            FeedDefaults base = FeedFormats.defaults(format);
            ThreatType type = base.threatType();
            TlpLevel tlp = base.tlp();
            int severity = base.severity();
            int confidence = base.confidence();
            try {
                if (f.hasNonNull("threat-type")) {
                    type = ThreatType.parse(f.get("threat-type").asText());
                }
            } catch (IllegalArgumentException e) {
                problems.add(where + ".threat-type: " + e.getMessage());
            }
            try {
                if (f.hasNonNull("tlp")) {
                    tlp = TlpLevel.parse(f.get("tlp").asText());
                }
            } catch (IllegalArgumentException e) {
                problems.add(where + ".tlp: " + e.getMessage());
            }
            if (f.hasNonNull("severity")) {
                severity = f.get("severity").asInt(-1);
                if (!f.get("severity").canConvertToInt() || severity < 0 || severity > 5) {
                    problems.add(where + ".severity: expected 0..5");
                }
            }
            if (f.hasNonNull("confidence")) {
                confidence = f.get("confidence").asInt(-1);
                if (!f.get("confidence").canConvertToInt() || confidence < 0 || confidence > 100) {
                    problems.add(where + ".confidence: expected 0..100");
                }
            }
            Map<String, String> headers = stringMap(f.get("headers"), where + ".headers", problems);
            Map<String, String> csv = stringMap(f.get("csv"), where + ".csv", problems);
            if (format.equals("csv")) {
                try {
                    FeedFormats.byName("csv", csv);
                } catch (IllegalArgumentException e) {
                    problems.add(where + ".csv: " + e.getMessage());
                }
            }
            if (problems.size() > before) {
                continue;
            }
            out.add(new FeedConfig(name, format, path == null ? null : Path.of(path), uri, interval, timeout, maxBytes, headers,
                new FeedDefaults(type, severity, confidence, tlp, text(f, "description")), csv));
        }
        return out;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    private static Duration duration(JsonNode n, String key, Duration def, String where, List<String> problems) {
        String t = text(n, key);
        if (t == null) {
            return def;
        }
        try {
            Duration d = Durations.parse(t);
            if (d.isNegative() || d.isZero()) {
                problems.add(where + "." + key + ": must be positive");
                return def;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(where + "." + key + ": " + e.getMessage());
            return def;
        }
    }

    private static Map<String, String> stringMap(JsonNode n, String where, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            problems.add(where + ": expected key: value pairs");
            return out;
        }
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
