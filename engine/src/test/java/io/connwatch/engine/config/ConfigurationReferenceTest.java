package io.connwatch.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.config.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/configuration.md is what the code reads, and the reference configuration exercises every key the code accepts. */
class ConfigurationReferenceTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    /** Keys accepted for old configurations and ignored (documented as such in config/connwatch.yaml). */
    private static final Set<String> IGNORED = Set.of("notify.receivers[webhook].max-batch", "notify.receivers[kafka].max-batch",
        // one of two that exclude each other (a PEM CA or a trust store): each is set in the other Kafka client section
        "kafka.ssl-ca-file", "notify.receivers[kafka].ssl-truststore", "notify.receivers[kafka].ssl-truststore-password",
        "notify.receivers[kafka].ssl-truststore-password-file");

    private static Map<String, Settings.Read> reads(Path home) throws Exception {
        // the PEM files the TLS settings name must exist (only their form is checked)
        for (String f : List.of("tls/cert.pem", "tls/key.pem", "tls/clients.pem", "tls/truststore.p12", "tls/keystore.p12")) {
            Files.createDirectories(home.resolve(f).getParent());
            Files.writeString(home.resolve(f), "-----BEGIN TEST-----\n-----END TEST-----\n");
        }
        Files.copy(Path.of("src/test/resources/config-reference/ca.pem"), home.resolve("tls/ca.pem"));
        Files.createDirectories(home.resolve("config/templates"));
        String text = Files.readString(Path.of("src/test/resources/config-reference/full.yaml"), StandardCharsets.UTF_8);
        return ConnwatchConfig.settingsRead("home: " + home + "\n" + text, home);
    }

    @Test
    void theReferenceConfigurationExercisesEveryKeyTheCodeAccepts(@TempDir Path home) throws Exception {
        // a key counts as read when any entry of its list read it (receivers: any of the same type)
        Set<String> unread = new TreeSet<>();
        Set<String> read = new TreeSet<>();
        reads(home).forEach((path, r) -> (r.kind().equals(Settings.ACCEPTED) ? unread : read).add(normal(path)));
        unread.removeAll(read);
        unread.removeAll(IGNORED);
        for (String type : io.connwatch.notify.Channels.types()) {
            if (!read.contains("notify.receivers[" + type + "].type")) {
                unread.add("notify.receivers[] of type " + type + " (name it " + type + ")");
            }
        }
        assertEquals(Set.of(), unread, "accepted keys src/test/resources/config-reference/full.yaml never sets: add them there");
    }

    private static String normal(String path) {
        return path.startsWith("notify.receivers[") ? path : path.replaceAll("\\[[^\\]]*]", "[]");
    }

    @Test
    void docsConfigurationMdIsGeneratedFromTheCode(@TempDir Path home) throws Exception {
        String shipped = Files.readString(Path.of("..", "config", "connwatch.yaml"), StandardCharsets.UTF_8);
        String generated = ConfigurationReference.markdown(reads(home), shipped).replace(home.toString(), "<home>");
        if (Boolean.getBoolean("connwatch.update-reference")) {
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(DOC), "docs/configuration.md is missing: regenerate it (see its first lines)");
        assertEquals(generated, Files.readString(DOC, StandardCharsets.UTF_8),
            "docs/configuration.md disagrees with the code: regenerate it with -Dconnwatch.update-reference=true (see its first lines)");
    }

    @Test
    void descriptionsComeFromTheCommentsOfKeysAndOfCommentedOutExamples() {
        Map<String, String> d = ConfigurationReference.descriptions("""
            rules:
              directory: rules     # every *.drl below it
              retention:
                records: 0s        # 0s = judge each row once
                                   # then drop it
            notify:
              # receivers:
              #   - name: soc-mail
              #     port: 587      # SMTP port
            """);
        assertEquals("every *.drl below it", d.get("rules.directory"));
        assertEquals("0s = judge each row once then drop it", d.get("rules.retention.records"));
        assertEquals("SMTP port", d.get("notify.receivers[].port"));
    }
}
