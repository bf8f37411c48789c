package io.connwatch.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the loopback stand-ins of a service share: a real HTTP server on 127.0.0.1 that answers as
 * the service's published contract says ({@link #answer}), can be told to refuse the next
 * requests with 429 and a Retry-After (rate limiting, then accepting again) or with any status,
 * and keeps every request it got.
 */
abstract class StandIn implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackHttp http;
    private final AtomicInteger throttled = new AtomicInteger();
    private volatile String retryAfter = "1";
    private volatile LoopbackHttp.Answer forced;

    StandIn() throws IOException {
        http = new LoopbackHttp();
        http.answer(this::dispatch);
    }

    private LoopbackHttp.Answer dispatch(LoopbackHttp.Request r) {
        if (forced != null) {
            return forced;
        }
        if (throttled.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new LoopbackHttp.Answer(429, tooMany(), Map.of("Retry-After", retryAfter));
        }
        return answer(r);
    }

    /** The service's answer to a request it is not told to refuse. */
    abstract LoopbackHttp.Answer answer(LoopbackHttp.Request r);

    /** The body of the service's 429. */
    abstract String tooMany();

    /** Refuses the next {@code n} requests with 429 and {@code Retry-After: <seconds>}, then answers as usual. */
    void throttle(int n, String seconds) {
        retryAfter = seconds;
        throttled.set(n);
    }

    /** Answers every request with this status and body from now on (null: as the contract says). */
    void force(int status, String body) {
        forced = status == 0 ? null : LoopbackHttp.Answer.of(status, body);
    }

    URI uri(String pathAndQuery) {
        return http.uri(pathAndQuery);
    }

    List<LoopbackHttp.Request> requests() {
        return http.requests();
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** A percent-encoded path segment decoded as UTF-8 (not as a form: {@code +} stays). */
    static String decode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                out.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public void close() {
        http.close();
    }
}
