package io.connwatch.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.connwatch.net.IpAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.connwatch.feeds.source.FeedFetcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feeds refreshed from a real HTTP server on loopback and from local files. */
class ThreatIntelTest {
    private static final String SECRET = "s3cr3t-api-key";
    /** For fetches that must succeed: loopback answers at once, but a busy machine may take its time. */
    private static final Duration GENEROUS_TIMEOUT = Duration.ofSeconds(30);
    /** Only for the fetch that must time out: the server holds its answer until the test lets it go. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(800);
    private static final FeedDefaults DEFAULTS = new FeedDefaults(ThreatType.C2, 4, 80, TlpLevel.WHITE, null);

    private HttpServer server;
    private final AtomicReference<Response> next = new AtomicReference<>();
    private final List<String> ifNoneMatch = new ArrayList<>();

    private record Response(int status, String body, String etag, CountDownLatch hold) {
    }

    @TempDir
    Path tmp;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/feed", this::serve);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void serve(HttpExchange ex) throws IOException {
        synchronized (ifNoneMatch) {
            ifNoneMatch.add(ex.getRequestHeaders().getFirst("If-None-Match"));
        }
        Response r = next.get();
        if (r.hold() != null) {
            try {
                r.hold().await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String etag = ex.getRequestHeaders().getFirst("If-None-Match");
        if (r.etag() != null && r.etag().equals(etag)) {
            ex.sendResponseHeaders(304, -1);
            ex.close();
            return;
        }
        if (r.etag() != null) {
            ex.getResponseHeaders().add("ETag", r.etag());
        }
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private FeedConfig httpFeed(Duration timeout, long maxBytes) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/feed?key=" + SECRET);
        return new FeedConfig("blocklist", "plain", null, url, Duration.ofMinutes(5), timeout, maxBytes,
            Map.of("Authorization", "Bearer " + SECRET), DEFAULTS, Map.of());
    }

    @Test
    void loadsThenHonours304ThenKeepsTheLastGoodDataOnErrorsGarbageEmptinessAndOversize() {
        ThreatIntel intel = new ThreatIntel(List.of(httpFeed(GENEROUS_TIMEOUT, 10_000)), new FeedFetcher(), Clock.systemUTC());
        List<Long> versions = new ArrayList<>();
        intel.onChange((old, now, added) -> versions.add(now.version()));

        next.set(new Response(200, "# list\n192.0.2.1\n198.51.100.0/24\n", "\"v1\"", null));
        assertTrue(intel.refresh("blocklist"));
        ThreatSnapshot first = intel.snapshot();
        assertEquals(2, first.threats().size());
        ThreatMatch m = first.match(IpAddress.parse("198.51.100.77"));
        assertEquals(ThreatType.C2, m.indicator().threatType());
        assertEquals(List.of("blocklist"), m.feeds());

        assertFalse(intel.refresh("blocklist"), "304: nothing new");
        assertEquals("\"v1\"", ifNoneMatch.get(ifNoneMatch.size() - 1));
        assertNull(intel.status().get(0).lastError());

        next.set(new Response(500, "oops", null, null));
        assertFalse(intel.refresh("blocklist"));
        assertEquals("blocklist: http://127.0.0.1:" + server.getAddress().getPort() + "/feed: HTTP 500", intel.status().get(0).lastError());

        next.set(new Response(200, "<html>maintenance</html>\n", "\"v2\"", null));
        assertFalse(intel.refresh("blocklist"));
        assertTrue(intel.status().get(0).lastError().contains("nothing readable"), intel.status().get(0).lastError());

        next.set(new Response(200, "", "\"v3\"", null));
        assertFalse(intel.refresh("blocklist"));
        assertTrue(intel.status().get(0).lastError().contains("came back empty after holding 2 entries"),
            intel.status().get(0).lastError());

        next.set(new Response(200, "192.0.2.10\n".repeat(2000), "\"v5\"", null));
        assertFalse(intel.refresh("blocklist"));
        assertTrue(intel.status().get(0).lastError().contains("10000-byte limit"), intel.status().get(0).lastError());

        assertEquals(first, intel.snapshot(), "every failure kept the first good snapshot");
        assertEquals(List.of(1L), versions);
        for (FeedStatus s : intel.status()) {
            assertFalse(String.valueOf(s).contains(SECRET), "no secret in status: " + s);
        }

        next.set(new Response(200, "192.0.2.1\n203.0.113.5\n", "\"v6\"", null));
        assertTrue(intel.refresh("blocklist"));
        assertNotNull(intel.snapshot().match(IpAddress.parse("203.0.113.5")));
        assertNull(intel.snapshot().match(IpAddress.parse("198.51.100.77")), "the new list replaced the old one");
        assertEquals(List.of(1L, 2L), versions);
        assertNull(intel.status().get(0).lastError());
        assertEquals(2, intel.status().get(0).indicators());
    }

    @Test
    void aFetchThatTimesOutKeepsTheLastGoodData() {
        ThreatIntel intel = new ThreatIntel(List.of(httpFeed(SHORT_TIMEOUT, 10_000)), new FeedFetcher(), Clock.systemUTC());
        List<Long> versions = new ArrayList<>();
        intel.onChange((old, now, added) -> versions.add(now.version()));
        next.set(new Response(200, "192.0.2.1\n198.51.100.0/24\n", "\"v1\"", null));
        // Setup, not under test: on a busy machine even an immediate answer can miss the short timeout, so allow a few tries.
        boolean loaded = false;
        for (int attempt = 0; attempt < 5 && !loaded; attempt++) {
            loaded = intel.refresh("blocklist");
        }
        assertTrue(loaded, "the first load: " + intel.status().get(0).lastError());
        ThreatSnapshot first = intel.snapshot();

        CountDownLatch hold = new CountDownLatch(1);
        next.set(new Response(200, "192.0.2.9\n", "\"v2\"", hold));
        try {
            assertFalse(intel.refresh("blocklist"));
        } finally {
            hold.countDown();
        }
        String error = intel.status().get(0).lastError();
        assertTrue(error.contains("timed out") || error.contains("no answer"), error);
        assertFalse(error.contains(SECRET), error);
        assertEquals(first, intel.snapshot(), "the timeout kept the good snapshot");
        assertEquals(List.of(1L), versions);
        assertEquals(2, intel.status().get(0).indicators());
        assertNull(intel.snapshot().match(IpAddress.parse("192.0.2.9")));
    }

    @Test
    void localFilesAreReReadWhenTheyChangeAndAllowlistsWin() throws IOException {
        Path list = tmp.resolve("bad.txt");
        Path allow = tmp.resolve("allow.json");
        Files.writeString(list, "10.1.2.3\n8.8.8.8\n");
        Files.writeString(allow, "{\"type\":\"cidr\",\"list\":[\"10.0.0.0/8\"]}");
        ThreatIntel intel = new ThreatIntel(List.of(
            new FeedConfig("bad", "plain", list, null, Duration.ofMinutes(1), Duration.ofSeconds(5), 1 << 20, Map.of(), DEFAULTS, Map.of()),
            new FeedConfig("own", "misp-warninglist", allow, null, Duration.ofMinutes(1), Duration.ofSeconds(5), 1 << 20, Map.of(),
                DEFAULTS, Map.of())), new FeedFetcher(), Clock.systemUTC());
        intel.refreshAll();
        ThreatSnapshot s = intel.snapshot();
        assertNull(s.match(IpAddress.parse("10.1.2.3")), "allowlisted");
        assertTrue(s.allowed(IpAddress.parse("10.1.2.3")));
        assertNotNull(s.match(IpAddress.parse("8.8.8.8")));

        assertFalse(intel.refresh("bad"), "unchanged file");
        Files.writeString(list, "10.1.2.3\n8.8.4.4\n");
        Files.setLastModifiedTime(list, FileTime.fromMillis(Files.getLastModifiedTime(list).toMillis() + 2000));
        assertTrue(intel.refresh("bad"));
        assertNotNull(intel.snapshot().match(IpAddress.parse("8.8.4.4")));
        assertNull(intel.snapshot().match(IpAddress.parse("8.8.8.8")));
    }
}
