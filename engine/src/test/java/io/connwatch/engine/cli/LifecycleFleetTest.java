package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance run: the generated 10-machine, 60-hour fleet (786 alerts) replayed with
 * the lifecycle in event time, as a live service with a webhook receiver (resolved messages on)
 * would have notified. Prometheus Alertmanager 0.25 with its defaults, group_by [computer] and
 * send_resolved, fed the same 786 alerts, sent 791 firing and 327 resolved notifications. The
 * replay runs the twelve rules that comparison was made with (the four later ones are left out);
 * the generator has since injected a loopback-to-wildcard move per 6 hours, which those rules see
 * as 16 more unexpected wildcard binds (802 alerts): more alerts only add to what Alertmanager
 * sends, so half its 791 stays a bound we must meet.
 */
class LifecycleFleetTest {
    static final int ALERTMANAGER_FIRING = 791;
    /** Rules added after the Alertmanager comparison, with their fixtures. */
    static final java.util.Set<String> LATER_RULES = java.util.Set.of("beaconing.drl", "admin-protocol-egress.drl", "loopback-rebind.drl",
        "tor-exit.drl", "beaconing.yaml", "admin-protocol-egress.yaml", "loopback-rebind.yaml", "tor-exit.yaml");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static List<JsonNode> alerts = new ArrayList<>();
    static List<JsonNode> notifications = new ArrayList<>();
    static String summary;

    @BeforeAll
    static void replayTheFleet() throws IOException {
        Path data = tmp.resolve("fleet.jsonl.gz");
        CliTest.Result g = CliTest.run("generate", "--machines", "10", "--hours", "60", "-o", data.toString());
        assertEquals(0, g.exit(), g.err());
        Path rules = tmp.resolve("rules");
        try (var files = Files.walk(Path.of("..", "rules"))) {
            for (Path f : files.toList()) {
                Path to = rules.resolve(Path.of("..", "rules").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (!LATER_RULES.contains(f.getFileName().toString())) {
                    Files.copy(f, to);
                }
            }
        }
        Path config = tmp.resolve("connwatch.yaml");
        Path feeds = Path.of("..", "config", "feeds").toAbsolutePath().normalize();
        Files.writeString(config, """
            rules:
              directory: %s
            threat-intel:
              feeds:
                - {name: feodo, format: feodo-csv, path: %s}
                - {name: rfc1918, format: misp-warninglist, path: %s}
            notify:
              outbox: %s
              receivers:
                - {name: siem, type: webhook, url: "http://127.0.0.1:9/never-called"}
              default-receivers: [siem]
            """.formatted(rules.toAbsolutePath(), feeds.resolve("feodo-ipblocklist.csv"),
            feeds.resolve("misp-warninglist-rfc1918.json"), tmp.resolve("outbox")));
        Path n = tmp.resolve("notifications.jsonl");
        CliTest.Result r = CliTest.run("replay", "--config", config.toString(), "--output", "jsonl", "--notifications", n.toString(),
            data.toString());
        assertEquals(0, r.exit(), r.err());
        summary = r.err();
        for (String line : r.out().split("\n")) {
            if (!line.isBlank()) {
                alerts.add(JSON.readTree(line));
            }
        }
        for (String line : Files.readAllLines(n)) {
            notifications.add(JSON.readTree(line));
        }
    }

    @Test
    void firingNotificationsAreAtMostHalfOfAlertmanagersAndEveryAlertIsCarried() {
        assertEquals(802, alerts.size(), summary);
        long firing = notifications.stream().filter(x -> x.get("status").asText().equals("firing")).count();
        assertTrue(firing * 2 <= ALERTMANAGER_FIRING, "firing notifications " + firing + " > half of " + ALERTMANAGER_FIRING + "\n" + summary);
        // every alert is in some notification: by id, or as the same fingerprint firing over its evidence time
        Set<String> ids = new HashSet<>();
        Map<String, List<Instant[]>> spans = new HashMap<>();
        for (JsonNode n : notifications) {
            for (JsonNode a : n.get("alerts")) {
                ids.add(a.get("alert").get("id").asText());
                Instant end = a.get("endsAt").isNull() ? Instant.MAX : Instant.parse(a.get("endsAt").asText());
                spans.computeIfAbsent(a.get("alert").get("fingerprint").asText(), k -> new ArrayList<>())
                    .add(new Instant[] {Instant.parse(a.get("startsAt").asText()), end});
            }
        }
        List<String> missing = new ArrayList<>();
        for (JsonNode a : alerts) {
            Instant t = Instant.parse(a.get("evidenceTime").asText());
            boolean carried = ids.contains(a.get("id").asText()) || spans.getOrDefault(a.get("fingerprint").asText(), List.of()).stream()
                .anyMatch(s -> !t.isBefore(s[0]) && !t.isAfter(s[1]));
            if (!carried) {
                missing.add(a.get("rule").asText() + " on " + a.get("computer").asText() + " at " + t);
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void eachGroupPagesOnceUpdatesAtMostOncePerGroupIntervalAndResolvesOnce() {
        Map<String, List<JsonNode>> byGroup = new HashMap<>();
        notifications.forEach(n -> byGroup.computeIfAbsent(n.get("groupKey").asText(), k -> new ArrayList<>()).add(n));
        int episodes = 0;
        for (Map.Entry<String, List<JsonNode>> e : byGroup.entrySet()) {
            Instant last = null;
            boolean open = false;
            for (JsonNode n : e.getValue()) {
                Instant at = Instant.parse(n.get("at").asText());
                boolean resolved = n.get("status").asText().equals("resolved");
                if (!open) {
                    assertTrue(!resolved, "a group's first message pages: " + n);
                    open = true;
                    episodes++;
                } else {
                    assertTrue(!at.isBefore(last.plus(Duration.ofMinutes(5))), "updates at most once per group interval: " + e.getKey());
                }
                if (resolved) {
                    open = false;
                    n.get("alerts").forEach(a -> assertEquals("resolved", a.get("status").asText()));
                }
                last = at;
            }
            assertTrue(!open, "every group resolved once the data ended: " + e.getKey());
        }
        long resolvedMessages = notifications.stream().filter(x -> x.get("status").asText().equals("resolved")).count();
        assertEquals(episodes, resolvedMessages, "one resolved message per group episode");
    }

    @Test
    void aFailureIncidentPagesOnceWithItsRelatedAlertsInhibited() {
        // the machine failure spike inhibits the ratio alert of the same incident: no page carries both firing
        for (JsonNode n : notifications) {
            Set<String> firingRules = new HashSet<>();
            n.get("alerts").forEach(a -> {
                if (a.get("status").asText().equals("firing")) {
                    firingRules.add(a.get("alert").get("rule").asText());
                }
            });
            assertTrue(!(firingRules.contains("connection-failure-spike-machine") && firingRules.contains("connection-failure-ratio-machine")),
                "inhibited ratio alert paged beside its spike: " + n);
        }
        assertTrue(notifications.stream().anyMatch(n -> n.get("counts").get("inhibited").asLong() > 0), "inhibitions are counted");
    }
}
