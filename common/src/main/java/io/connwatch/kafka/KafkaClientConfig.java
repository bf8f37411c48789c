package io.connwatch.kafka;

import io.connwatch.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The connection settings every Kafka client of connwatch shares (the ingest consumers, the
 * dead-letter and episode producers, the alerts-topic receiver): bootstrap servers, TLS and SASL.
 * Read from one settings section:
 *
 * <pre>
 * bootstrap-servers: broker1:9093,broker2:9093
 * security-protocol: SASL_SSL          # PLAINTEXT (default) | SSL | SASL_PLAINTEXT | SASL_SSL
 * sasl-mechanism: SCRAM-SHA-512        # PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
 * sasl-username: connwatch
 * sasl-password: ${KAFKA_PASSWORD}     # or sasl-password-file: /run/secrets/kafka
 * ssl-ca-file: /etc/connwatch/kafka-ca.pem
 * properties: {client.dns.lookup: use_all_dns_ips}   # any other client setting, passed through
 * </pre>
 *
 * The password only goes into {@code sasl.jaas.config}, which Kafka's clients log as [hidden]; it
 * appears in no problem and no {@link #toString()}.
 */
public final class KafkaClientConfig {
    /** The keys this class reads, for callers that check a section for unknown keys. */
    public static final Set<String> KEYS = Set.of("bootstrap-servers", "security-protocol", "sasl-mechanism", "sasl-username",
        "sasl-password", "sasl-password-file", "ssl-ca-file", "ssl-truststore", "ssl-truststore-password",
        "ssl-truststore-password-file", "ssl-keystore", "ssl-keystore-password", "ssl-keystore-password-file",
        "ssl-endpoint-identification", "properties");

    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private final Map<String, String> properties;
    private final String bootstrap;
    private final String protocol;

    private KafkaClientConfig(Map<String, String> properties, String bootstrap, String protocol) {
        this.properties = Map.copyOf(properties);
        this.bootstrap = bootstrap;
        this.protocol = protocol;
    }

    /** Reads the section, adding problems (each naming its key) to the settings' list; null when bootstrap is missing. */
    public static KafkaClientConfig read(Settings s) {
        Map<String, String> p = new LinkedHashMap<>();
        String bootstrap = s.required("bootstrap-servers");
        String protocol = s.string("security-protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            s.problem("security-protocol", "unknown '" + protocol + "' (expected one of " + String.join(", ", PROTOCOLS) + ")");
            protocol = "PLAINTEXT";
        }
        p.put("security.protocol", protocol);
        boolean sasl = protocol.startsWith("SASL");
        boolean tls = protocol.endsWith("SSL");
        if (sasl) {
            String mechanism = s.string("sasl-mechanism", "PLAIN").toUpperCase(Locale.ROOT);
            if (!MECHANISMS.contains(mechanism)) {
                s.problem("sasl-mechanism", "unknown '" + mechanism + "' (expected one of " + String.join(", ", MECHANISMS) + ")");
            }
            String user = s.required("sasl-username");
            String password = s.secret("sasl-password", true);
            p.put("sasl.mechanism", mechanism);
            if (user != null && password != null) {
                String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
                p.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(user) + "\" password=\""
                    + jaasEscape(password) + "\";");
            }
        } else if (s.has("sasl-username") || s.has("sasl-password") || s.has("sasl-password-file")) {
            s.problem("sasl-username", "SASL settings need security-protocol SASL_PLAINTEXT or SASL_SSL");
        }
        if (tls) {
            String ca = s.string("ssl-ca-file", null);
            String truststore = s.string("ssl-truststore", null);
            if (ca != null && truststore != null) {
                s.problem("ssl-ca-file", "give ssl-ca-file (PEM) or ssl-truststore, not both");
            } else if (ca != null) {
                p.put("ssl.truststore.type", "PEM");
                p.put("ssl.truststore.location", ca);
            } else if (truststore != null) {
                p.put("ssl.truststore.location", truststore);
                String tp = s.secret("ssl-truststore-password", false);
                if (tp != null) {
                    p.put("ssl.truststore.password", tp);
                }
            }
            String keystore = s.string("ssl-keystore", null);
            if (keystore != null) {
                p.put("ssl.keystore.location", keystore);
                String kp = s.secret("ssl-keystore-password", false);
                if (kp != null) {
                    p.put("ssl.keystore.password", kp);
                    p.put("ssl.key.password", kp);
                }
            }
            if (!s.bool("ssl-endpoint-identification", true)) {
                p.put("ssl.endpoint.identification.algorithm", "");
            }
        } else {
            for (String k : List.of("ssl-ca-file", "ssl-truststore", "ssl-keystore")) {
                if (s.has(k)) {
                    s.problem(k, "TLS settings need security-protocol SSL or SASL_SSL");
                }
            }
        }
        p.putAll(s.map("properties"));
        if (bootstrap == null) {
            return null;
        }
        p.put("bootstrap.servers", bootstrap);
        return new KafkaClientConfig(p, bootstrap, protocol);
    }

    /** A configuration for a given bootstrap address with no security (tests, the local broker). */
    public static KafkaClientConfig plaintext(String bootstrap) {
        return new KafkaClientConfig(Map.of("bootstrap.servers", bootstrap, "security.protocol", "PLAINTEXT"), bootstrap, "PLAINTEXT");
    }

    /** The client properties: pass to a consumer, producer or admin client, then add the role's own. */
    public Map<String, String> properties() {
        return properties;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** The settings plus {@code extra}; extra wins. */
    public Map<String, Object> with(Map<String, ?> extra) {
        Map<String, Object> m = new LinkedHashMap<>(properties);
        m.putAll(extra);
        return m;
    }

    private static String jaasEscape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "Kafka[" + bootstrap + ", " + protocol + "]";
    }
}
