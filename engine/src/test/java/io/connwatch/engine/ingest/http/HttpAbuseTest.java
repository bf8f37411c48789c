package io.connwatch.engine.ingest.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.engine.api.AdminRoutes;
import io.connwatch.engine.api.HttpApiVerticle;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.rules.CollectingSink;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleHarness;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.Rows;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest endpoint under attack, as a hostile client on loopback would try it: decompression
 * bombs, stalled and trickling bodies, too many connections, bad encodings, a record from the
 * future and a flood of new machine names. Each attack is bounded in count and time; each test
 * checks that the service stays bounded and keeps serving others. Health latencies are printed
 * (measured, not asserted beyond a generous client timeout).
 */
class HttpAbuseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INGEST = TestTokens.bearer(TestTokens.INGEST);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Vertx vertx;
    private RuleEngine engine;
    private HttpIngest ingest;
    private CollectingSink sink;
    private int port;
    private long futureRefused;

    private void start(HttpIngest.Limits limits, int maxConnections, RuleEngine.Settings settings) throws Exception {
        sink = new CollectingSink();
        engine = new RuleEngine(RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT), sink, settings, Clock.systemUTC());
        IngestStats stats = new IngestStats();
        ingest = new HttpIngest(engine, stats, limits);
        vertx = Vertx.vertx();
        HttpApiVerticle verticle = new HttpApiVerticle(new HttpApiVerticle.Settings("127.0.0.1", 0, ingest,
            new AdminRoutes(new AdminRoutes.Sources(engine, stats, List::of, java.util.Optional.empty(), Map.of())), TestTokens.security(),
            Duration.ofSeconds(30),
            maxConnections, Duration.ofSeconds(2)));
        vertx.deployVerticle(verticle).await();
        port = verticle.actualPort();
    }

    private void start(HttpIngest.Limits limits, int maxConnections) throws Exception {
        start(limits, maxConnections, RuleEngine.Settings.defaults(2));
    }

    @AfterEach
    void stop() {
        if (vertx != null) {
            vertx.close().await();
            vertx = null;
        }
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/ingest")).timeout(Duration.ofSeconds(30)).header("Authorization", INGEST)
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET /health with a 2 s timeout; returns the latency in ms. */
    private long health() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return (System.nanoTime() - start) / 1_000_000;
    }

    private String goodBody() {
        return Rows.connection("2024-05-01T10:00:00Z", "m-1").json() + "\n" + Rows.boundPort("2024-05-01T10:00:00Z", "m-1").json() + "\n";
    }

    @Test
    void aFloodOfGzipBombsIsRefusedQuicklyAndHealthAnswersThroughout() throws Exception {
        start(HttpIngest.Limits.of(16 << 20), 1000);
        byte[] bomb = GzipBodyTest.zeros(512L << 20); // 512 MiB of zeros, about 0.5 MB compressed
        List<CompletableFuture<HttpResponse<String>>> bombs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            bombs.add(http.sendAsync(HttpRequest.newBuilder(uri("/ingest")).timeout(Duration.ofSeconds(30))
                .header("Content-Encoding", "gzip").header("Authorization", INGEST).POST(HttpRequest.BodyPublishers.ofByteArray(bomb)).build(),
                HttpResponse.BodyHandlers.ofString()));
        }
        List<Long> latencies = new ArrayList<>();
        while (!bombs.stream().allMatch(CompletableFuture::isDone)) {
            latencies.add(health());
        }
        for (CompletableFuture<HttpResponse<String>> f : bombs) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.body().contains("inflates"), r.body());
        }
        latencies.add(health());
        System.out.printf("gzip bombs: /health answered %d times during the flood, max %d ms%n", latencies.size(),
            latencies.stream().mapToLong(Long::longValue).max().orElseThrow());
        assertEquals(200, post(goodBody()).statusCode(), "honest clients are served right after");
        await().atMost(Duration.ofSeconds(10)).until(() -> ingest.inFlightBytes() == 0);
    }

    @Test
    void badEncodingsAreClearErrors() throws Exception {
        start(HttpIngest.Limits.of(1 << 20), 1000);
        HttpResponse<String> plain = post(goodBody(), "Content-Encoding", "gzip");
        assertEquals(400, plain.statusCode(), plain.body());
        assertTrue(plain.body().contains("not gzip"), plain.body());
        HttpResponse<String> deflate = post(goodBody(), "Content-Encoding", "deflate");
        assertEquals(415, deflate.statusCode(), deflate.body());
        byte[] gz = GzipBodyTest.gzip(goodBody().getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(uri("/ingest")).header("Content-Encoding", "gzip").header("Authorization", INGEST)
            .POST(HttpRequest.BodyPublishers.ofByteArray(gz)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(2, JSON.readTree(ok.body()).path("accepted").asInt());
    }

    /** Opens a raw connection and sends the head of a POST with {@code declared} bytes of body but only {@code sent}. */
    private static Socket stalled(int port, int declared, int sent) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(15_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + INGEST + "\r\nContent-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        for (int left = sent; left > 0; left -= chunk.length) {
            out.write(chunk, 0, Math.min(left, chunk.length));
        }
        out.flush();
        return s;
    }

    /** The status line's code of what the server answered on the socket, or -1 when it closed without answering. */
    private static int statusOf(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        String line = r.readLine();
        return line == null ? -1 : Integer.parseInt(line.split(" ")[1]);
    }

    /**
     * A body the endpoint has handled is not kept by the connection it came on: clients that post
     * large bodies and then leave their keep-alive connections open (up to http.max-connections)
     * must not hold a body each once the in-flight budget has been given back. Found with
     * scripts/abuse.py flood: 200 POSTs of 2 MiB left 400 MiB of heap behind.
     */
    @Test
    void handledBodiesAreNotHeldByIdleKeepAliveConnections() throws Exception {
        start(HttpIngest.Limits.of(16 << 20), 1000);
        int connections = 48;
        int bodyBytes = 2 << 20;
        byte[] row = (Rows.connection("2024-05-01T10:00:00Z", "m-1").json() + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[bodyBytes];
        java.util.Arrays.fill(body, (byte) '\n'); // blank lines are skipped: one row, then padding
        System.arraycopy(row, 0, body, 0, row.length);
        long before = liveHeap();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(15_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + INGEST + "\r\nContent-Length: " + bodyBytes
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                assertEquals(200, statusOf(s));
                sockets.add(s); // left open, idle, as a client that keeps its connection would
            }
            await("the in-flight budget given back").atMost(Duration.ofSeconds(10)).until(() -> ingest.inFlightBytes() == 0);
            long held = liveHeap() - before;
            assertTrue(held < (long) connections * bodyBytes / 4, "idle connections hold " + (held >> 20) + " MiB after "
                + connections + " handled bodies of " + (bodyBytes >> 20) + " MiB");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Heap in use after full collections (what is reachable, give or take what other threads allocate meanwhile). */
    private static long liveHeap() {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void stalledBodiesAreBoundedByTheInFlightBudgetAndCutByTheRequestTimeout() throws Exception {
        long budget = 4L << 20;
        start(new HttpIngest.Limits(16 << 20, 200, budget, Duration.ofSeconds(2)), 1000);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sockets.add(stalled(port, 8 << 20, 1 << 20)); // each declares 8 MiB, sends 1 MiB and stalls
        }
        long peak = 0;
        for (int i = 0; i < 20; i++) {
            peak = Math.max(peak, ingest.inFlightBytes());
            health();
        }
        assertTrue(peak <= budget, "held " + peak + " bytes with a budget of " + budget);
        List<Integer> statuses = new ArrayList<>();
        for (Socket s : sockets) {
            statuses.add(statusOf(s));
            s.close();
        }
        assertTrue(statuses.stream().allMatch(c -> c == 503 || c == 408), statuses.toString());
        assertTrue(statuses.contains(503), "the budget refused some: " + statuses);
        assertTrue(statuses.contains(408), "the timeout cut the ones it let in: " + statuses);
        await().atMost(Duration.ofSeconds(10)).until(() -> ingest.inFlightBytes() == 0);
        assertEquals(200, post(goodBody()).statusCode());
        System.out.printf("stalled bodies: peak held %,d bytes (budget %,d), answers %s%n", peak, budget, statuses);
    }

    @Test
    void tricklingUploadsAreCutByTheRequestTimeoutWhileOthersAreServed() throws Exception {
        start(new HttpIngest.Limits(1 << 20, 200, 64L << 20, Duration.ofSeconds(1)), 1000);
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + INGEST
                + "\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n").getBytes(StandardCharsets.US_ASCII));
            sockets.add(s);
        }
        assertEquals(200, post(goodBody()).statusCode(), "served while 50 uploads trickle");
        for (Socket s : sockets) {
            try {
                s.getOutputStream().write("1\r\n \r\n".getBytes(StandardCharsets.US_ASCII)); // one more byte
            } catch (java.io.IOException closedAlready) {
                // the server may have cut it already
            }
        }
        for (Socket s : sockets) {
            assertEquals(408, statusOf(s));
            assertEquals(-1, s.getInputStream().read(), "and the connection is closed");
            s.close();
        }
        health();
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndTheServiceGoesOn() throws Exception {
        start(HttpIngest.Limits.of(1 << 20), 5);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)); // and never ends its head
            held.add(s);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (Socket extra = new Socket("127.0.0.1", port)) {
                extra.setSoTimeout(5_000);
                extra.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(-1, statusOf(extra), "the sixth connection is closed without an answer");
            }
        });
        for (Socket s : held) {
            s.close();
        }
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> post(goodBody()).statusCode() == 200);
    }

    @Test
    void aClientTricklingItsRequestHeadIsClosedAndFreesItsSlot() throws Exception {
        start(HttpIngest.Limits.of(1 << 20), 3);
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(15_000);
            s.getOutputStream().write("GET /health HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
        }
        for (Socket s : slow) {
            assertEquals(-1, s.getInputStream().read(), "closed after the head timeout without an answer");
            s.close();
        }
        assertEquals(200, post(goodBody()).statusCode(), "the slots are free again");
    }

    @Test
    void millionsOfBadLinesAreCountedNotKeptAndAnInflatedBodyCountsAtItsInflatedSize() throws Exception {
        start(new HttpIngest.Limits(16 << 20, 200, 4L << 20, Duration.ofSeconds(30)), 1000);
        String ones = "1\n".repeat(1_000_000);
        HttpResponse<String> r = post(ones);
        assertEquals(422, r.statusCode());
        JsonNode answer = JSON.readTree(r.body());
        assertEquals(1_000_000, answer.path("rejected").asInt(), "every line counted");
        assertEquals(HttpIngest.MAX_LISTED_REJECTIONS, answer.path("rejections").size());
        assertTrue(answer.path("truncated").asBoolean());
        // 2 MB sent plain fits the 4 MB budget; 8 MB of lines gzipped to about a third do not, once inflated
        StringBuilder lines = new StringBuilder();
        java.util.Random random = new java.util.Random(1);
        while (lines.length() < 8 << 20) {
            lines.append(random.nextInt()).append('\n');
        }
        byte[] gz = GzipBodyTest.gzip(lines.toString().getBytes(StandardCharsets.UTF_8));
        assertTrue(gz.length < 4 << 20, "the compressed body alone fits the budget: " + gz.length);
        HttpResponse<String> inflated = http.send(HttpRequest.newBuilder(uri("/ingest")).header("Content-Encoding", "gzip").header("Authorization", INGEST)
            .POST(HttpRequest.BodyPublishers.ofByteArray(gz)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, inflated.statusCode(), inflated.body());
        assertTrue(inflated.headers().firstValue("Retry-After").isPresent());
        await().atMost(Duration.ofSeconds(10)).until(() -> ingest.inFlightBytes() == 0);
    }

    @Test
    void aBodyTrickledToAnotherRouteIsCutToo() throws Exception {
        start(new HttpIngest.Limits(1 << 20, 200, 64L << 20, Duration.ofSeconds(1)), 1000);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            // signed in, so that the guard lets it through to the router (405) and the backstop has to cut it
            s.getOutputStream().write(("POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + TestTokens.bearer(TestTokens.ADMIN)
                + "\r\nContent-Length: 1000000\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            in.readAllBytes(); // whatever it answered (405), the connection ends: readAllBytes returns at the close
        }
    }

    private static List<String> demo() throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            new GZIPInputStream(Files.newInputStream(Path.of("..", "samples", "demo.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        return lines;
    }

    private Set<String> postDemo(List<String> demo, String first) throws Exception {
        start(HttpIngest.Limits.of(16 << 20), 1000, RuleEngine.Settings.defaults(2).withBounds(Duration.ofMinutes(10), 100_000, 1_000,
            Duration.ofMinutes(10)));
        if (first != null) {
            HttpResponse<String> r = post(first + "\n");
            assertEquals(422, r.statusCode(), r.body());
            JsonNode rejection = JSON.readTree(r.body()).path("rejections").get(0);
            assertEquals("TimeGenerated", rejection.path("field").asText());
            assertTrue(rejection.path("reason").asText().contains("ahead of this server's clock"), r.body());
        }
        for (int i = 0; i < demo.size(); i += 500) {
            HttpResponse<String> r = post(String.join("\n", demo.subList(i, Math.min(demo.size(), i + 500))));
            assertEquals(200, r.statusCode(), r.body());
        }
        engine.drain().join();
        futureRefused = engine.stats().futureRejected.sum();
        Set<String> keys = new TreeSet<>();
        for (Alert a : sink.alerts()) {
            keys.add(a.rule() + " " + a.machine() + " " + a.evidenceTime());
        }
        stop();
        return keys;
    }

    @Test
    void aRecordFromTheYear2099FollowedByTheDemoHourGivesTheDemoHoursAlerts() throws Exception {
        List<String> demo = demo();
        Set<String> alone = postDemo(demo, null);
        ObjectNode future = (ObjectNode) JSON.readTree(demo.get(0));
        future.put("TimeGenerated", "2099-01-01T00:00:00Z");
        Set<String> afterFuture = postDemo(demo, future.toString());
        assertTrue(alone.size() >= 10, alone.toString());
        assertEquals(alone, afterFuture);
        assertEquals(1, futureRefused);
    }

    @Test
    void aFloodOfNewMachineNamesStaysUnderTheCapAndTheServiceAnswers() throws Exception {
        start(HttpIngest.Limits.of(16 << 20), 1000, RuleEngine.Settings.defaults(2).withBounds(Duration.ofMinutes(10), 2_000, 100,
            Duration.ZERO));
        ObjectNode template = (ObjectNode) JSON.readTree(Rows.connection("2024-05-01T10:00:00Z", "m").json());
        for (int batch = 0; batch < 20; batch++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 1_000; i++) {
                template.put("Machine", "m-flood-" + batch + "-" + i).put("TimeGenerated", "2024-05-01T10:0" + (batch / 5) + ":00Z");
                body.append(template).append('\n');
            }
            assertEquals(200, post(body.toString()).statusCode());
            assertTrue(engine.trackedMachines() <= 2_000, "tracked " + engine.trackedMachines());
        }
        health();
        JsonNode stats = JSON.readTree(http.send(HttpRequest.newBuilder(uri("/stats")).header("Authorization", TestTokens.bearer(TestTokens.READ)).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertTrue(stats.path("time").path("machinesEvicted").asLong() >= 18_000, stats.toString());
        assertTrue(stats.path("time").path("trackedMachines").asLong() <= 2_000, stats.toString());
    }
}
