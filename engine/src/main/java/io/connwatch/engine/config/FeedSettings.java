package io.connwatch.engine.config;

import io.connwatch.config.Settings;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the {@code threat-intel.feeds} list of the configuration into typed {@link FeedConfig}s. */
final class FeedSettings {
    private static final Set<String> KEYS = Set.of("name", "format", "path", "url", "interval", "timeout", "max-bytes", "headers",
        "threat-type", "severity", "confidence", "tlp", "description", "csv");

    private FeedSettings() {
    }

    /** The feeds of the {@code threat-intel} section; a feed with any problem is left out (its problems reported). */
    static List<FeedConfig> read(Settings intel) {
        List<FeedConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Settings f : intel.list("feeds")) {
            int before = f.problemCount();
            String name = f.required("name");
            if (name != null) {
                f = f.at(intel.path("feeds") + "[" + name + "]");
                if (!names.add(name)) {
                    f.problem("two feeds have this name");
                }
            }
            f.only(KEYS);
            String format = f.string("format", null);
            if (format == null || !FeedFormats.NAMES.contains(format)) {
                f.problem("format", (format == null ? "missing" : "unknown '" + format + "'") + " (expected one of "
                    + String.join(", ", FeedFormats.NAMES) + ")");
                continue;
            }
            String path = f.string("path", null);
            String url = f.string("url", null);
            URI uri = null;
            if ((path == null) == (url == null)) {
                f.problem("give exactly one of path and url");
            } else if (url != null) {
                try {
                    uri = URI.create(url);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        f.problem("url", "only http and https URLs are fetched");
                    }
                } catch (IllegalArgumentException e) {
                    f.problem("url", "not a URL");
                }
            }
            Duration interval = f.positiveDuration("interval", FeedConfig.DEFAULT_INTERVAL);
            Duration timeout = f.positiveDuration("timeout", FeedConfig.DEFAULT_TIMEOUT);
            long maxBytes = f.longValue("max-bytes", FeedConfig.DEFAULT_MAX_BYTES, 1, Long.MAX_VALUE);
            FeedDefaults base = FeedFormats.defaults(format);
            ThreatType type = f.value("threat-type", base.threatType(), ThreatType::parse);
            TlpLevel tlp = f.value("tlp", base.tlp(), TlpLevel::parse);
            int severity = f.integer("severity", base.severity(), 0, 5);
            int confidence = f.integer("confidence", base.confidence(), 0, 100);
            Map<String, String> headers = f.map("headers");
            Map<String, String> csv = f.map("csv");
            if (format.equals("csv")) {
                try {
                    FeedFormats.byName("csv", csv);
                } catch (IllegalArgumentException e) {
                    f.problem("csv", e.getMessage());
                }
            }
            if (f.problemCount() > before) {
                continue;
            }
            out.add(new FeedConfig(name, format, path == null ? null : f.resolve(path), uri, interval, timeout, maxBytes, headers,
                new FeedDefaults(type, severity, confidence, tlp, f.string("description", null)), csv));
        }
        return out;
    }
}
