package io.connwatch.notify.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (random port) that answers by a service's contract and records
 * every call with its answer; a stand-in can be told to answer 429 with Retry-After a number of
 * times before it accepts again.
 */
public abstract class StandInHttp implements AutoCloseable {
    /** One call and how it was answered. */
    public record Call(String method, String path, Map<String, List<String>> headers, byte[] body, int status) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer. */
    protected record Answer(int status, String body, Map<String, String> headers) {
        static Answer json(int status, String body) {
            return new Answer(status, body, Map.of("Content-Type", "application/json"));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    private int acceptBefore;

    protected StandInHttp() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        Call request = new Call(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders()), body, 0);
        Answer a;
        try {
            a = answer(request);
        } catch (RuntimeException e) {
            a = Answer.json(500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        }
        calls.add(new Call(request.method(), request.path(), request.headers(), body, a.status()));
        a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    /** The contract: how the service answers a request. */
    protected abstract Answer answer(Call request);

    /** Whether this request is to be refused with 429 (counting down the refusals asked for). */
    protected synchronized boolean rateLimitNow() {
        if (rateLimited.get() > 0 && acceptBefore > 0) {
            acceptBefore--;
            return false;
        }
        return rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** The headers of a 429 answer. */
    protected Map<String, String> retryAfterHeaders() {
        return Map.of("Content-Type", "application/json", "Retry-After", String.valueOf(retryAfterSeconds));
    }

    /** The next {@code times} data requests are answered 429 with {@code Retry-After: seconds}. */
    public void rateLimit(int times, int seconds) {
        rateLimitAfter(0, times, seconds);
    }

    /** After accepting {@code accepted} more data requests, the next {@code times} are answered 429 with {@code Retry-After: seconds}. */
    public synchronized void rateLimitAfter(int accepted, int times, int seconds) {
        acceptBefore = accepted;
        retryAfterSeconds = seconds;
        rateLimited.set(times);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** The calls to paths starting with {@code prefix}. */
    public List<Call> calls(String prefix) {
        return calls.stream().filter(c -> c.path().startsWith(prefix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
