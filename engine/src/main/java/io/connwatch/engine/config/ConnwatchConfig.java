package io.connwatch.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.config.Durations;
import io.connwatch.feeds.FeedConfig;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration, parsed once from one YAML file into typed values and validated with
 * every problem reported together. Relative paths are resolved against the working directory.
 *
 * @param rules   where the rules are and how the engine keeps time
 * @param http    the HTTP ingest endpoint of {@code connwatch run}
 * @param outputs where alerts are written
 */
public record ConnwatchConfig(Rules rules, Http http, Outputs outputs, ThreatIntelSettings threatIntel, NotifySettings notifications,
                              KafkaSettings kafka) {
    /** Threat-intelligence feeds and retro-matching. */
    public record ThreatIntelSettings(Duration retroWindow, int retroMaxAddresses, List<FeedConfig> feeds) {
        public ThreatIntelSettings {
            feeds = List.copyOf(feeds);
        }
    }

    /** The configuration with other rule settings (used by bench to override partitions). */
    public ConnwatchConfig withRules(Rules newRules) {
        return new ConnwatchConfig(newRules, http, outputs, threatIntel, notifications, kafka);
    }

    /** The configuration with other Kafka settings (bench and tests point it at a broker). */
    public ConnwatchConfig withKafka(KafkaSettings newKafka) {
        return new ConnwatchConfig(rules, http, outputs, threatIntel, notifications, newKafka);
    }

    /** Rule engine settings. */
    public record Rules(Path directory, int partitions, Duration allowedLateness, Duration episodeGap,
                        EventRetention retention, int queuedBatches, Duration idleClose, Duration watchInterval) {
        public RuleEngine.Settings engineSettings() {
            int n = partitions > 0 ? partitions : Runtime.getRuntime().availableProcessors();
            return new RuleEngine.Settings(n, allowedLateness, episodeGap, queuedBatches);
        }

        public RuleEngine.Settings engineSettings(ThreatIntelSettings intel) {
            RuleEngine.Settings s = engineSettings();
            return new RuleEngine.Settings(s.partitions(), s.allowedLateness(), s.episodeGap(), s.queuedBatches(),
                intel.retroWindow(), intel.retroMaxAddresses());
        }
    }

    /** HTTP ingest settings. */
    public record Http(boolean enabled, String host, int port, long maxBodyBytes) {
    }

    /** Alert outputs of the embedded default. */
    public record Outputs(boolean console, Path jsonl) {
    }

    public static final Path DEFAULT_PATH = Path.of("config", "connwatch.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The configuration used when no file exists: everything at its default. */
    public static ConnwatchConfig defaults() {
        try {
            return parse("(defaults)", "{}", Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("defaults must be valid", e);
        }
    }

    public static ConnwatchConfig load(Path file, Map<String, String> env) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read: " + e));
        }
        return parse(file.toString(), text, env);
    }

    public static ConnwatchConfig parse(String source, String text, Map<String, String> env) throws ConfigException {
        List<String> problems = new ArrayList<>();
        String substituted = EnvSubstitution.apply(text, env, problems);
        JsonNode root;
        try {
            root = YAML.readTree(substituted);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + e.getOriginalMessage()
                + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            root = YAML.createObjectNode();
        }
        Reader r = new Reader(problems);
        r.only(root, "", Set.of("rules", "http", "outputs", "threat-intel", "notify", "kafka"));
        JsonNode rules = r.section(root, "rules", Set.of("directory", "partitions", "allowed-lateness", "episode-gap",
            "retention", "queued-batches", "idle-close", "watch"));
        JsonNode retention = r.section(rules, "rules.retention", Set.of("records", "rollups"));
        Duration records = r.duration(retention, "rules.retention.records", EventRetention.DEFAULT.records());
        Duration rollups = r.duration(retention, "rules.retention.rollups", EventRetention.DEFAULT.rollups());
        Rules rulesConfig = new Rules(
            Path.of(r.string(rules, "rules.directory", "rules")),
            r.integer(rules, "rules.partitions", 0, 0, 256),
            r.duration(rules, "rules.allowed-lateness", RuleEngine.Settings.DEFAULT_ALLOWED_LATENESS),
            r.duration(rules, "rules.episode-gap", RuleEngine.Settings.DEFAULT_EPISODE_GAP),
            positive(records, rollups, problems),
            r.integer(rules, "rules.queued-batches", RuleEngine.Settings.DEFAULT_QUEUED_BATCHES, 1, 10_000),
            r.duration(rules, "rules.idle-close", Duration.ofMinutes(2)),
            r.duration(rules, "rules.watch", Duration.ofSeconds(2)));
        JsonNode http = r.section(root, "http", Set.of("enabled", "host", "port", "max-body-bytes"));
        Http httpConfig = new Http(
            r.bool(http, "http.enabled", true),
            r.string(http, "http.host", "127.0.0.1"),
            r.integer(http, "http.port", 8080, 0, 65535),
            r.integer(http, "http.max-body-bytes", 16 << 20, 1024, Integer.MAX_VALUE));
        JsonNode outputs = r.section(root, "outputs", Set.of("console", "jsonl"));
        String jsonl = r.string(outputs, "outputs.jsonl", "data/alerts.jsonl");
        Outputs outputsConfig = new Outputs(r.bool(outputs, "outputs.console", true),
            jsonl == null || jsonl.isBlank() ? null : Path.of(jsonl));
        JsonNode intel = r.section(root, "threat-intel", Set.of("retro-window", "retro-max-addresses", "feeds"));
        ThreatIntelSettings intelConfig = new ThreatIntelSettings(
            r.duration(intel, "threat-intel.retro-window", RuleEngine.Settings.DEFAULT_RETRO_WINDOW),
            r.integer(intel, "threat-intel.retro-max-addresses", RuleEngine.Settings.DEFAULT_RETRO_MAX_ADDRESSES, 0, 50_000_000),
            FeedSettings.read(intel == null ? null : intel.get("feeds"), problems));
        NotifySettings notifyConfig = NotifySettings.read(root.get("notify"), problems);
        KafkaSettings kafkaConfig = KafkaSettings.read(root.get("kafka"), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return new ConnwatchConfig(rulesConfig, httpConfig, outputsConfig, intelConfig, notifyConfig, kafkaConfig);
    }

    private static EventRetention positive(Duration records, Duration rollups, List<String> problems) {
        if (records.isNegative() || rollups.isZero() || rollups.isNegative()) {
            problems.add("rules.retention: records must be zero (judge each row once) or positive, rollups positive");
            return EventRetention.DEFAULT;
        }
        return new EventRetention(records, rollups);
    }

    /** Reads typed values, collecting problems instead of stopping at the first. */
    private record Reader(List<String> problems) {
        JsonNode section(JsonNode parent, String key, Set<String> allowed) {
            String name = key.substring(key.lastIndexOf('.') + 1);
            JsonNode n = parent == null ? null : parent.get(name);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isObject()) {
                problems.add(key + ": expected a section of settings");
                return null;
            }
            only(n, key, allowed);
            return n;
        }

        void only(JsonNode n, String key, Set<String> allowed) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f)) {
                    problems.add((key.isEmpty() ? "" : key + ".") + f + ": unknown setting (expected one of "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }

        private JsonNode value(JsonNode parent, String key) {
            if (parent == null) {
                return null;
            }
            JsonNode n = parent.get(key.substring(key.lastIndexOf('.') + 1));
            return n == null || n.isNull() ? null : n;
        }

        String string(JsonNode parent, String key, String def) {
            JsonNode n = value(parent, key);
            if (n == null) {
                return def;
            }
            if (!n.isValueNode()) {
                problems.add(key + ": expected a single value");
                return def;
            }
            return n.asText();
        }

        int integer(JsonNode parent, String key, int def, int min, int max) {
            JsonNode n = value(parent, key);
            if (n == null) {
                return def;
            }
            long v;
            if (n.canConvertToLong() && n.isIntegralNumber()) {
                v = n.asLong();
            } else {
                try {
                    v = Long.parseLong(n.asText().trim());
                } catch (NumberFormatException e) {
                    problems.add(key + ": expected a whole number, got '" + n.asText() + "'");
                    return def;
                }
            }
            if (v < min || v > max) {
                problems.add(key + ": " + v + " is outside " + min + ".." + max);
                return def;
            }
            return (int) v;
        }

        boolean bool(JsonNode parent, String key, boolean def) {
            JsonNode n = value(parent, key);
            if (n == null) {
                return def;
            }
            String t = n.asText().trim().toLowerCase(java.util.Locale.ROOT);
            if (t.equals("true") || t.equals("yes") || t.equals("on")) {
                return true;
            }
            if (t.equals("false") || t.equals("no") || t.equals("off")) {
                return false;
            }
            problems.add(key + ": expected true or false, got '" + n.asText() + "'");
            return def;
        }

        Duration duration(JsonNode parent, String key, Duration def) {
            JsonNode n = value(parent, key);
            if (n == null) {
                return def;
            }
            try {
                return Durations.parse(n.asText());
            } catch (IllegalArgumentException e) {
                problems.add(key + ": " + e.getMessage());
                return def;
            }
        }
    }
}
