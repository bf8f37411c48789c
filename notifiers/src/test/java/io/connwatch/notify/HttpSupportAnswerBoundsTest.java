package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A receiver's answer is untrusted: a hostile or broken endpoint that floods its body, or dribbles
 * it out forever, fails the attempt (to be retried) instead of filling the heap or holding the
 * delivery thread.
 */
class HttpSupportAnswerBoundsTest {
    private HttpServer server;
    private ExecutorService executor;
    private final AtomicLong floodSent = new AtomicLong();
    private final CountDownLatch stop = new CountDownLatch(1);
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/small", ex -> {
            byte[] b = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.createContext("/flood", ex -> {
            // 1 GiB, chunked: far more than anyone should read
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 16 * 1024; i++) {
                    out.write(chunk);
                    floodSent.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the client stopped reading: what we want
            }
        });
        server.createContext("/dribble", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                while (!stop.await(100, TimeUnit.MILLISECONDS)) {
                    out.write('x');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up or the test ended
            }
        });
        server.start();
        http = HttpSupport.client(Duration.ofSeconds(2), HttpSupport.Tls.DEFAULT);
    }

    @AfterEach
    void stop() {
        stop.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private HttpRequest get(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path)).timeout(timeout).GET().build();
    }

    @Test
    void anOrdinaryAnswerIsReadWhole() throws Exception {
        assertEquals("{\"ok\":true}", HttpSupport.send(http, get("/small", Duration.ofSeconds(5)), "r").body());
    }

    @Test
    void aFloodedAnswerFailsTheAttemptOnceItPassesTheLimit() {
        DeliveryException e = assertThrows(DeliveryException.class,
            () -> HttpSupport.send(http, get("/flood", Duration.ofSeconds(20)), "siem", 1 << 20));
        assertTrue(e.retryable(), "a broken answer is retried, not dead-lettered at once");
        assertTrue(e.getMessage().startsWith("siem: answer larger than 1048576 bytes"), e.getMessage());
        assertTrue(floodSent.get() < 1L << 30, "the rest of the flood is not read");
    }

    @Test
    void anAnswerDribbledOutForeverFailsTheAttemptAtTwiceTheRequestTimeout() {
        // the bound below only keeps a broken implementation from hanging the build; the send's own deadline is 2 s
        DeliveryException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
            () -> assertThrows(DeliveryException.class, () -> HttpSupport.send(http, get("/dribble", Duration.ofSeconds(1)), "hook")));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().startsWith("hook: timed out"), e.getMessage());
    }
}
