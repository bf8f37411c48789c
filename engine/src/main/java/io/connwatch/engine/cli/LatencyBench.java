package io.connwatch.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.service.ConnwatchService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code connwatch bench --latency}: the service in this JVM over HTTP, first posted to as fast as
 * two clients can to find its sustainable rate (after a warm-up), then offered a fraction of that rate with, every
 * 100 ms, one record in a POST that by itself makes an alert (a connection to a C2 server Azure
 * flagged, from a machine seen nowhere else); reports the p50 / p99 / max from sending that POST
 * to the alert's {@code detectedAt}, which the rule stamps on the wall clock as it raises the
 * alert, just before it is handed to the sinks.
 */
final class LatencyBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BenchCommand options;
    private final PrintWriter out;
    private final PrintWriter err;

    LatencyBench(BenchCommand options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    int run() throws Exception {
        Path tmp = Files.createTempDirectory("connwatch-latency");
        int port = freePort();
        Path configFile = tmp.resolve("connwatch.yaml");
        Files.writeString(configFile, new StartupBench(options, out, err).configText(tmp, port));
        ConnwatchConfig config = ConnwatchConfig.load(configFile, System.getenv());
        if (config.outputs().jsonl() == null) {
            err.println("--latency reads the alerts from outputs.jsonl; the configuration turns it off");
            return 2;
        }
        err.printf(Locale.ROOT, "generating %,d records for %,d machines (%s profile)...%n", options.records, options.machines(),
            options.profile);
        err.flush();
        List<String> chunks = options.generate(options.records, options.postRecords);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        long rate;
        int loadFrom;
        try (ConnwatchService service = ConnwatchService.start(config, new PrintWriter(Writer.nullWriter()))) {
            String token = Files.readString(config.http().security().adminTokenFile(), StandardCharsets.UTF_8).trim();
            URI ingest = URI.create("http://127.0.0.1:" + service.httpPort() + "/ingest");
            // 1. The sustainable rate: two clients posting back to back for half the time (at most half the data), the first
            // third of it to warm up, the rate taken over the rest.
            AtomicInteger next = new AtomicInteger();
            AtomicLong accepted = new AtomicLong();
            long begin = System.nanoTime();
            long warmEnd = begin + options.seconds * 1_000_000_000L / 6;
            long end = begin + options.seconds * 1_000_000_000L / 2;
            int limit = chunks.size() / 2;
            long[] warmAccepted = {-1};
            long[] start = {0};
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                Thread t = new Thread(() -> {
                    for (int i = next.getAndIncrement(); i < limit && System.nanoTime() < end; i = next.getAndIncrement()) {
                        long n = accepted.addAndGet(post(http, ingest, token, chunks.get(i)));
                        synchronized (warmAccepted) {
                            if (warmAccepted[0] < 0 && System.nanoTime() >= warmEnd) {
                                warmAccepted[0] = n;
                                start[0] = System.nanoTime();
                            }
                        }
                    }
                }, "latency-client-" + c);
                t.start();
                clients.add(t);
            }
            for (Thread t : clients) {
                t.join();
            }
            service.engine().drain().join();
            if (warmAccepted[0] < 0) {
                throw new IllegalStateException("the data ran out while warming up: give more --records");
            }
            double secs = (System.nanoTime() - start[0]) / 1e9;
            rate = Math.round((accepted.get() - warmAccepted[0]) / secs);
            loadFrom = Math.min(next.get(), limit);
            err.printf(Locale.ROOT, "sustainable: %,d records in %.1f s after warming up = %,d records/s (two clients back to back, "
                + "%,d records a POST)%n", accepted.get() - warmAccepted[0], secs, rate, options.postRecords);
            err.flush();
            // 2. The offered load, open loop: each chunk at its time, at most 16 POSTs outstanding.
            double offered = rate * options.load;
            long records = chunks.get(0).chars().filter(ch -> ch == '\n').count();
            long intervalNanos = Math.round(records / offered * 1e9);
            int probeEvery = (int) Math.max(1, Math.round(100_000_000.0 / intervalNanos));
            Semaphore outstanding = new Semaphore(16);
            List<CompletableFuture<?>> posts = new ArrayList<>();
            long loadStart = System.nanoTime();
            long loadEnd = loadStart + options.seconds * 1_000_000_000L;
            int probes = 0;
            for (int i = loadFrom; i < chunks.size(); i++) {
                long due = loadStart + (i - loadFrom) * intervalNanos;
                if (due > loadEnd) {
                    break;
                }
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                String body = chunks.get(i);
                String machine = null;
                if ((i - loadFrom) % probeEvery == 0) {
                    machine = "m-" + new UUID(0x0BE0, probes++);
                    body = body + probe(machine, timeOf(body));
                }
                outstanding.acquire();
                if (machine != null) {
                    Instant now = Instant.now();
                    sent.put(machine, now.getEpochSecond() * 1_000_000 + now.getNano() / 1000);
                }
                HttpRequest req = HttpRequest.newBuilder(ingest).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build();
                posts.add(http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> outstanding.release()));
            }
            CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).join();
            service.engine().drain().join();
            double loadSecs = (System.nanoTime() - loadStart) / 1e9;
            err.printf(Locale.ROOT, "offered %,.0f records/s (%.0f %% of sustainable) for %.1f s, %,d probes%n", offered,
                options.load * 100, loadSecs, probes);
            err.flush();
        }
        // 3. Each probe's alert: detectedAt minus the probe's send time.
        List<Double> millis = new ArrayList<>();
        for (String line : Files.readAllLines(config.outputs().jsonl(), StandardCharsets.UTF_8)) {
            JsonNode a = JSON.readTree(line);
            Long at = sent.remove(a.path("machine").asText());
            if (at != null) {
                Instant detected = Instant.parse(a.path("detectedAt").asText());
                long micros = detected.getEpochSecond() * 1_000_000 + detected.getNano() / 1000;
                millis.add((micros - at) / 1000.0);
            }
        }
        millis.sort(null);
        if (millis.isEmpty()) {
            out.println("bench --latency: no probe raised an alert");
            return 1;
        }
        out.printf(Locale.ROOT, "bench --latency (%s profile, %d cores): record-to-alert over HTTP at %.0f %% of %,d records/s: "
                + "p50 %.1f ms, p99 %.1f ms, max %.1f ms over %,d probes (%,d raised no alert)%n", options.profile,
            Runtime.getRuntime().availableProcessors(), options.load * 100, rate, pct(millis, 0.50), pct(millis, 0.99),
            millis.get(millis.size() - 1), millis.size(), sent.size());
        out.flush();
        return 0;
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** Posts one body, retrying while the service pushes back; the records it accepted. */
    private static long post(HttpClient http, URI ingest, String token, String body) {
        HttpRequest req = HttpRequest.newBuilder(ingest).header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            for (int attempt = 0; attempt < 1000; attempt++) {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    return JSON.readTree(r.body()).path("accepted").asLong();
                }
                if (r.statusCode() != 503) {
                    throw new IOException("POST /ingest answered " + r.statusCode() + ": " + r.body());
                }
                LockSupport.parkNanos(5_000_000);
            }
            throw new IOException("POST /ingest kept answering 503");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The TimeGenerated of a chunk's last line (its newest minute, near enough). */
    private static String timeOf(String chunk) {
        int at = chunk.lastIndexOf("\"TimeGenerated\":\"");
        return chunk.substring(at + 17, chunk.indexOf('"', at + 17));
    }

    /** An outbound connection to a Feodo-listed C2 server that Azure flagged: alerts on its own. */
    private static String probe(String machine, String time) {
        return "{\"Type\":\"VMConnection\",\"TimeGenerated\":\"" + time + "\",\"Computer\":\"probe.contoso.com\",\"Machine\":\""
            + machine + "\",\"Process\":\"p-0b0e\",\"ProcessName\":\"svchost32\",\"SourceIp\":\"10.9.9.9\",\"DestinationIp\":"
            + "\"192.9.135.73\",\"DestinationPort\":1194,\"Protocol\":\"tcp\",\"Direction\":\"outbound\",\"LinksEstablished\":1,"
            + "\"LinksTerminated\":1,\"LinksFailed\":0,\"LinksLive\":0,\"BytesSent\":700,\"BytesReceived\":900,\"Responses\":3,"
            + "\"RemoteIp\":\"192.9.135.73\",\"RemoteCountry\":\"Germany\",\"MaliciousIp\":\"192.9.135.73\",\"IndicatorThreatType\":"
            + "\"Botnet\",\"Description\":\"Pikabot C&C\",\"TLPLevel\":\"Amber\",\"Confidence\":\"80\",\"Severity\":4,"
            + "\"FirstReportedDateTime\":\"2024-02-08T19:20:49Z\",\"LastReportedDateTime\":\"2024-04-01T00:00:00Z\",\"IsActive\":\"True\"}\n";
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
