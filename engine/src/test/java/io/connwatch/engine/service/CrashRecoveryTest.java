package io.connwatch.engine.service;

import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.cli.ConnwatchCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.connwatch.engine.ingest.kafka.LocalKafka;
import io.connwatch.engine.rules.Rows;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as a real process, killed with SIGKILL while an alert is in retry, and started
 * again: the alert is delivered once the receiver is back.
 */
class CrashRecoveryTest {
    private static final Pattern LISTENING = Pattern.compile("ingesting on http://127\\.0\\.0\\.1:(\\d+)/ingest");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private HttpServer receiver;
    private final AtomicInteger status = new AtomicInteger(503);
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final List<String> fingerprints = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private Process running;
    private final List<String> output = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (running != null) {
            running.destroyForcibly();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int s = status.get();
            if (s == 200) {
                for (JsonNode a : JSON.readTree(body).get("alerts")) {
                    delivered.add(a.get("id").asText());
                    fingerprints.add(a.get("fingerprint").asText());
                }
            } else {
                refused.incrementAndGet();
            }
            ex.sendResponseHeaders(s, -1);
            ex.close();
        });
        receiver.start();
    }

    /** Starts `connwatch run` as a separate JVM and returns its ingest port once it listens. */
    private int start(Path config) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), ConnwatchCommand.class.getName(), "run", "--config", config.toString())
            .redirectErrorStream(true);
        running = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(running.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    output.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
                port.completeExceptionally(new IllegalStateException("connwatch exited before listening"));
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
        });
        pump.setDaemon(true);
        pump.start();
        return port.get(90, TimeUnit.SECONDS);
    }

    @Test
    void sighupReloadsTheRules() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(Path.of("..", "rules", "wildcard-bind.drl"), rules.resolve("wildcard-bind.drl"));
        Path config = tmp.resolve("c.yaml");
        Files.writeString(config, "rules:\n  directory: " + rules + "\n  watch: 0s\nhttp:\n  port: 0\n" + TestTokens.authYaml() + "outputs:\n  console: false\n"
            + "  jsonl: \"\"\n");
        start(config);
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(running.pid())).start();
        assertEquals(0, kill.waitFor());
        Awaitility.await().atMost(Duration.ofSeconds(60))
            .until(() -> output.stream().anyMatch(l -> l.contains("rules reloaded (SIGHUP): version 2")));
        running.destroy();
        assertTrue(running.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void anAlertInRetryWhenTheEngineIsKilledIsDeliveredAfterRestart() throws Exception {
        startReceiver();
        Path config = tmp.resolve("connwatch.yaml");
        Files.writeString(config, """
            rules:
              directory: %s
            http:
              port: 0
              %s
            outputs:
              console: false
              jsonl: ""
            notify:
              outbox: %s
              state: %s
              retry: {initial: 300ms, max: 1s}
              circuit-breaker: {failures: 1000}
              group-wait: 1s
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:%d/alerts"}
              default-receivers: [hook]
            """.formatted(Path.of("..", "rules").toAbsolutePath(), TestTokens.authYaml().strip(), tmp.resolve("outbox"), tmp.resolve("lifecycle"),
                receiver.getAddress().getPort()));

        int port = start(config);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest"))
            .header("Authorization", TestTokens.bearer(TestTokens.INGEST)).POST(HttpRequest.BodyPublishers.ofString(
                Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 5, 90).json()))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> refused.get() >= 2);
        running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertEquals(List.of(), delivered);

        status.set(200);
        start(config);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> delivered.size() == 1);
        running.destroy();
        assertTrue(running.waitFor(30, TimeUnit.SECONDS), "a graceful stop");
        assertEquals(1, delivered.size(), "delivered once: " + delivered);
    }

    @Test
    void killedWhileConsumingFromKafkaThenStartedAgainItLosesNoAlertAndRepeatsNone() throws Exception {
        LocalKafka kafka = LocalKafka.shared();
        String topic = "crash-" + System.nanoTime();
        kafka.createTopic(topic, 2);
        status.set(200);
        startReceiver();
        Path config = tmp.resolve("connwatch.yaml");
        Files.writeString(config, """
            rules:
              directory: %s
              idle-close: 1s
            http:
              port: 0
              %s
            outputs:
              console: false
              jsonl: ""
            kafka:
              bootstrap-servers: %s
              group-id: %s
              topics: [{name: %s}]
              episode-topic: %s-episodes
              properties: {session.timeout.ms: 6000, heartbeat.interval.ms: 1000}
            notify:
              outbox: %s
              state: %s
              retry: {initial: 100ms, max: 1s}
              group-wait: 1s
              group-interval: 2s
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:%d/alerts"}
              default-receivers: [hook]
            """.formatted(Path.of("..", "rules").toAbsolutePath(), TestTokens.authYaml().strip(), kafka.bootstrap(), topic, topic, topic, tmp.resolve("outbox"), tmp.resolve("lifecycle"),
            receiver.getAddress().getPort()));
        List<Map.Entry<String, String>> first = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            first.add(Map.entry("m-" + m, Rows.connection("2024-05-01T10:01:00Z", "m-" + m).set("DestinationIp", "192.9.135.73")
                .malicious("C2", 5, 90).json()));
        }
        kafka.produce(topic, first);
        start(config);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fingerprints.size() >= 10 && kafka.committed(topic) == 10);
        running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        List<Map.Entry<String, String>> second = new ArrayList<>();
        for (int m = 0; m < 20; m++) {
            second.add(Map.entry("m-" + m, Rows.connection("2024-05-01T10:04:00Z", "m-" + m).set("DestinationIp", "192.9.135.73")
                .malicious("C2", 5, 90).json()));
        }
        kafka.produce(topic, second);
        start(config);
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> new HashSet<>(fingerprints).size() >= 20 && kafka.committed(topic) == 30);
        running.destroy();
        assertTrue(running.waitFor(30, TimeUnit.SECONDS), "a graceful stop");
        assertEquals(20, new HashSet<>(fingerprints).size());
        assertEquals(20, fingerprints.size(), "each alert notified once: " + fingerprints);
    }
}
