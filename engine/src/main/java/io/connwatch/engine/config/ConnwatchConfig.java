package io.connwatch.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.connwatch.alert.AlertFormat;
import io.connwatch.config.Settings;
import io.connwatch.engine.api.ReloadLimit;
import io.connwatch.engine.api.auth.HttpSecurity;
import io.connwatch.feeds.FeedConfig;
import io.connwatch.engine.ingest.http.HttpIngest;
import io.connwatch.engine.metrics.Readiness;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration, parsed once from one YAML file into typed values and validated with
 * every problem reported together. Relative file names resolve against {@code home}: the top-level
 * {@code home} setting, itself relative to the directory of the configuration file, or the working
 * directory when the file sets none.
 *
 * @param rules   where the rules are and how the engine keeps time
 * @param http    the HTTP ingest endpoint of {@code connwatch run}
 * @param outputs where alerts are written
 * @param console the web console and the store of minute rollups its workbooks draw from
 * @param ready   when {@code GET /ready} says the service is not ready
 * @param home    the directory relative file names were resolved against (absolute)
 */
public record ConnwatchConfig(Rules rules, Http http, Outputs outputs, ThreatIntelSettings threatIntel, NotifySettings notifications,
                              KafkaSettings kafka, ConsoleSettings console, Readiness.Settings ready, Path home) {
    /** Threat-intelligence feeds and retro-matching. */
    public record ThreatIntelSettings(Duration retroWindow, int retroMaxAddresses, List<FeedConfig> feeds) {
        public ThreatIntelSettings {
            feeds = List.copyOf(feeds);
        }
    }

    /** The configuration with other rule settings (used by bench to override partitions). */
    public ConnwatchConfig withRules(Rules newRules) {
        return new ConnwatchConfig(newRules, http, outputs, threatIntel, notifications, kafka, console, ready, home);
    }

    /** The configuration with other Kafka settings (bench and tests point it at a broker). */
    public ConnwatchConfig withKafka(KafkaSettings newKafka) {
        return new ConnwatchConfig(rules, http, outputs, threatIntel, notifications, newKafka, console, ready, home);
    }

    /**
     * Rule engine settings.
     *
     * @param bounds event time per machine and the limits on what the engine tracks
     */
    public record Rules(Path directory, int partitions, Duration allowedLateness, Duration episodeGap,
                        EventRetention retention, int queuedBatches, Duration idleClose, Duration watchInterval, Bounds bounds) {
        public RuleEngine.Settings engineSettings() {
            int n = partitions > 0 ? partitions : Runtime.getRuntime().availableProcessors();
            return new RuleEngine.Settings(n, allowedLateness, episodeGap, queuedBatches)
                .withBounds(bounds.machineLag(), bounds.maxMachines(), bounds.maxProcesses(), bounds.maxFuture());
        }

        public RuleEngine.Settings engineSettings(ThreatIntelSettings intel) {
            RuleEngine.Settings s = engineSettings();
            return new RuleEngine.Settings(s.partitions(), s.allowedLateness(), s.episodeGap(), s.queuedBatches(),
                intel.retroWindow(), intel.retroMaxAddresses(), s.machineLag(), s.maxMachines(), s.maxProcesses(), s.maxFuture());
        }

        /** The same settings with another number of partitions. */
        public Rules withPartitions(int n) {
            return new Rules(directory, n, allowedLateness, episodeGap, retention, queuedBatches, idleClose, watchInterval, bounds);
        }
    }

    /**
     * Event time per machine and the bounds on what the engine tracks.
     *
     * @param machineLag   how far a machine's event time may trail the fleet's before its open minutes are closed
     *                     anyway; rows of a machine new here that are further behind become history
     * @param maxFuture    live records (HTTP, Kafka) more than this ahead of the wall clock are refused; 0 = no check
     * @param clockSkew    machines further ahead of the fleet than this are listed in /stats as having skewed clocks
     * @param maxMachines  machines tracked at most; beyond, the idlest are evicted with their rollups
     * @param maxProcesses process keys summed per machine-minute at most
     */
    public record Bounds(Duration machineLag, Duration maxFuture, Duration clockSkew, int maxMachines, int maxProcesses) {
        public static final Bounds DEFAULT = new Bounds(RuleEngine.Settings.DEFAULT_MACHINE_LAG, RuleEngine.Settings.DEFAULT_MAX_FUTURE,
            Duration.ofMinutes(5), RuleEngine.Settings.DEFAULT_MAX_MACHINES, RuleEngine.Settings.DEFAULT_MAX_PROCESSES);
    }

    /**
     * HTTP settings: where the server listens and what a sender may cost it.
     *
     * @param maxBodyBytes     a POST /ingest body at most, as sent and after gzip decompression (413 beyond)
     * @param maxInflateRatio  a gzip body may inflate to at most this many times its size (413 beyond)
     * @param maxInFlightBytes request bodies held at once over all connections (503 + Retry-After beyond)
     * @param requestTimeout   a request's body must arrive whole within this (408 and closed beyond)
     * @param idleTimeout      a connection with nothing to read or write for this long is closed
     * @param maxConnections   open connections at most; further ones are closed at once
     * @param security         allowed hosts, tokens and roles, sessions, TLS
     * @param maxReloadsPerMinute {@code POST /admin/reload} started in any minute at most (one at a time)
     */
    public record Http(boolean enabled, String host, int port, long maxBodyBytes, int maxInflateRatio, long maxInFlightBytes,
                       Duration requestTimeout, Duration idleTimeout, int maxConnections, HttpSecurity.Settings security,
                       int maxReloadsPerMinute) {
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
        public static final int DEFAULT_MAX_CONNECTIONS = 1_000;

        /** The ingest route's limits. */
        public io.connwatch.engine.ingest.http.HttpIngest.Limits ingestLimits() {
            return new io.connwatch.engine.ingest.http.HttpIngest.Limits(maxBodyBytes, maxInflateRatio, maxInFlightBytes, requestTimeout);
        }
    }

    /**
     * Alert outputs of the embedded default.
     *
     * @param console     one line per alert on standard output
     * @param jsonl       the alerts file, or null for none
     * @param jsonlFormat its lines: connwatch's alert JSON ({@code native}) or OCSF Detection Findings ({@code ocsf})
     */
    public record Outputs(boolean console, Path jsonl, AlertFormat jsonlFormat) {
    }

    public static final Path DEFAULT_PATH = Path.of("config", "connwatch.yaml");
    /** Boolean-like words (yes, off) reach {@link Settings} as written, so it alone decides what they mean where. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
        .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build());

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
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, env, dir);
    }

    /** Parses a configuration whose relative names (and {@code home}) are relative to the working directory. */
    public static ConnwatchConfig parse(String source, String text, Map<String, String> env) throws ConfigException {
        return parse(source, text, env, Path.of(""));
    }

    /**
     * Parses a configuration read from a file in {@code dir}: {@code home} (default: the working
     * directory) is relative to {@code dir}, every other relative file name to {@code home}.
     */
    public static ConnwatchConfig parse(String source, String text, Map<String, String> env, Path dir) throws ConfigException {
        return parse(source, text, env, dir, null);
    }

    /**
     * Every setting that reading {@code text} (a valid configuration) looks at, by dotted path in
     * the order read, with what it takes and its default: the source of docs/configuration.md.
     */
    public static Map<String, Settings.Read> settingsRead(String text, Path dir) throws ConfigException {
        Map<String, Settings.Read> reads = new java.util.LinkedHashMap<>();
        reads.put("home", new Settings.Read("path", null));
        parse("(reference)", text, Map.of(), dir, reads);
        return reads;
    }

    private static ConnwatchConfig parse(String source, String text, Map<String, String> env, Path dir, Map<String, Settings.Read> reads)
        throws ConfigException {
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
        JsonNode homeNode = root.path("home");
        Path home = homeNode.isValueNode() && !homeNode.asText().isBlank()
            ? dir.resolve(homeNode.asText()).toAbsolutePath().normalize() : Path.of("");
        Settings r = reads == null ? Settings.root(root, problems, home) : Settings.recording(root, problems, home, reads);
        if (homeNode.isValueNode() && !homeNode.asText().isBlank() && !Files.isDirectory(home)) {
            r.problem("home", "no such directory: " + home);
        }
        r.only(Set.of("home", "rules", "http", "outputs", "threat-intel", "notify", "kafka", "console", "ready"));
        Settings rules = r.section("rules", Set.of("directory", "partitions", "allowed-lateness", "episode-gap", "retention",
            "queued-batches", "idle-close", "watch", "machine-lag", "max-future", "clock-skew", "max-machines", "max-processes"));
        Settings retention = rules.section("retention", Set.of("records", "rollups"));
        Duration records = retention.duration("records", EventRetention.DEFAULT.records());
        Duration rollups = retention.duration("rollups", EventRetention.DEFAULT.rollups());
        Rules rulesConfig = new Rules(
            rules.file("directory", "rules"),
            rules.integer("partitions", 0, 0, 256),
            rules.duration("allowed-lateness", RuleEngine.Settings.DEFAULT_ALLOWED_LATENESS),
            rules.duration("episode-gap", RuleEngine.Settings.DEFAULT_EPISODE_GAP),
            positive(records, rollups, retention),
            rules.integer("queued-batches", RuleEngine.Settings.DEFAULT_QUEUED_BATCHES, 1, 10_000),
            rules.duration("idle-close", Duration.ofMinutes(2)),
            rules.duration("watch", Duration.ofSeconds(2)),
            new Bounds(rules.positiveDuration("machine-lag", Bounds.DEFAULT.machineLag()),
                rules.duration("max-future", Bounds.DEFAULT.maxFuture()),
                rules.positiveDuration("clock-skew", Bounds.DEFAULT.clockSkew()),
                rules.integer("max-machines", Bounds.DEFAULT.maxMachines(), 1, 50_000_000),
                rules.integer("max-processes", Bounds.DEFAULT.maxProcesses(), 1, 1_000_000)));
        Set<String> httpKeys = new java.util.HashSet<>(Set.of("enabled", "host", "port", "max-body-bytes", "max-inflate-ratio",
            "max-in-flight-bytes", "request-timeout", "idle-timeout", "max-connections", "max-reloads-per-minute"));
        httpKeys.addAll(HttpSecuritySettings.KEYS);
        Settings http = r.section("http", httpKeys);
        long maxBody = http.integer("max-body-bytes", 16 << 20, 1024, Integer.MAX_VALUE);
        String host = http.string("host", "127.0.0.1");
        Http httpConfig = new Http(
            http.bool("enabled", true),
            host,
            http.integer("port", 8080, 0, 65535),
            maxBody,
            http.integer("max-inflate-ratio", HttpIngest.Limits.DEFAULT_MAX_INFLATE_RATIO, 1, 1_000_000),
            http.longValue("max-in-flight-bytes", HttpIngest.Limits.defaultInFlight(maxBody), 1024, Long.MAX_VALUE),
            http.positiveDuration("request-timeout", HttpIngest.Limits.DEFAULT_REQUEST_TIMEOUT),
            http.positiveDuration("idle-timeout", Http.DEFAULT_IDLE_TIMEOUT),
            http.integer("max-connections", Http.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
            HttpSecuritySettings.read(http, host),
            http.integer("max-reloads-per-minute", ReloadLimit.DEFAULT_PER_MINUTE, 1, 1_000));
        Settings outputs = r.section("outputs", Set.of("console", "jsonl", "jsonl-format"));
        // an explicit empty jsonl turns the file off; absent means the default file
        String jsonl = outputs.has("jsonl") ? outputs.string("jsonl", null) : "data/alerts.jsonl";
        Outputs outputsConfig = new Outputs(outputs.bool("console", true), jsonl == null ? null : r.resolve(jsonl),
            AlertFormat.read(outputs, "jsonl-format"));
        Settings intel = r.section("threat-intel", Set.of("retro-window", "retro-max-addresses", "feeds"));
        ThreatIntelSettings intelConfig = new ThreatIntelSettings(
            intel.duration("retro-window", RuleEngine.Settings.DEFAULT_RETRO_WINDOW),
            intel.integer("retro-max-addresses", RuleEngine.Settings.DEFAULT_RETRO_MAX_ADDRESSES, 0, 50_000_000),
            FeedSettings.read(intel));
        NotifySettings notifyConfig = NotifySettings.read(r.child("notify"));
        KafkaSettings kafkaConfig = KafkaSettings.read(r);
        ConsoleSettings consoleConfig = ConsoleSettings.read(r);
        Readiness.Settings readyConfig = ready(r.section("ready", Set.of("check-interval", "rule-error-window", "max-rule-errors",
            "delivery-stuck", "ingest-stall", "kafka-lag-rising-checks")));
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return new ConnwatchConfig(rulesConfig, httpConfig, outputsConfig, intelConfig, notifyConfig, kafkaConfig, consoleConfig, readyConfig,
            home.toAbsolutePath());
    }

    private static Readiness.Settings ready(Settings s) {
        Readiness.Settings d = Readiness.Settings.DEFAULT;
        return new Readiness.Settings(s.positiveDuration("check-interval", d.checkInterval()),
            notNegative(s, "rule-error-window", d.ruleErrorWindow()), s.integer("max-rule-errors", d.maxRuleErrors(), 0, Integer.MAX_VALUE),
            notNegative(s, "delivery-stuck", d.deliveryStuck()), notNegative(s, "ingest-stall", d.ingestStall()),
            s.integer("kafka-lag-rising-checks", d.kafkaLagRisingChecks(), 0, 1_000_000));
    }

    /** A duration where 0s turns something off. */
    private static Duration notNegative(Settings s, String key, Duration def) {
        Duration v = s.duration(key, def);
        if (v.isNegative()) {
            s.problem(key, "must be 0s (off) or positive");
            return def;
        }
        return v;
    }

    private static EventRetention positive(Duration records, Duration rollups, Settings retention) {
        if (records.isNegative() || rollups.isZero() || rollups.isNegative()) {
            retention.problem("records must be zero (judge each row once) or positive, rollups positive");
            return EventRetention.DEFAULT;
        }
        return new EventRetention(records, rollups);
    }
}
