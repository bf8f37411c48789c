package io.connwatch.notify.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Splunk's HTTP Event Collector: {@code POST /services/collector/event} with
 * {@code Authorization: Splunk <token>} (401 code 2 without, 403 code 4 for another token),
 * concatenated JSON events each with an {@code event} (400 code 6 or 12 otherwise), bodies up to
 * {@code max_content_length} (413 beyond), 429 when told; with indexer acknowledgement on, a
 * {@code X-Splunk-Request-Channel} GUID is required (400 code 10/11), each request answered
 * with an {@code ackId}, confirmed at {@code /services/collector/ack} after a number of polls.
 */
public final class SplunkHecStandIn extends StandInHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final int maxContentLength;
    private final boolean ack;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> nextAckId = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private volatile int pollsBeforeAck;

    public SplunkHecStandIn(String token, int maxContentLength, boolean ack) throws IOException {
        this.token = token;
        this.maxContentLength = maxContentLength;
        this.ack = ack;
    }

    /** Each ackId is confirmed only at the {@code n}th poll asking for it (0: at the first). */
    public void pollsBeforeAck(int n) {
        pollsBeforeAck = n;
    }

    /** The events accepted, in order. */
    public List<JsonNode> events() {
        return new ArrayList<>(events);
    }

    private static Answer hec(int status, String text, int code) {
        return Answer.json(status, "{\"text\":\"" + text + "\",\"code\":" + code + "}");
    }

    @Override
    protected Answer answer(Call r) {
        String auth = r.header("Authorization");
        if (auth == null) {
            return hec(401, "Token is required", 2);
        }
        if (!auth.startsWith("Splunk ")) {
            return hec(401, "Invalid authorization", 3);
        }
        if (!auth.equals("Splunk " + token)) {
            return hec(403, "Invalid token", 4);
        }
        String channel = r.header("X-Splunk-Request-Channel");
        if (ack) {
            if (channel == null) {
                return hec(400, "Data channel is missing", 10);
            }
            try {
                UUID.fromString(channel);
            } catch (IllegalArgumentException e) {
                return hec(400, "Invalid data channel", 11);
            }
        }
        if (r.path().startsWith("/services/collector/ack")) {
            return acks(r, channel);
        }
        if (!r.path().startsWith("/services/collector/event")) {
            return hec(404, "The requested URL was not found on this server.", 404);
        }
        if (r.body().length > maxContentLength) {
            return hec(413, "Content too large", 413);
        }
        if (rateLimitNow()) {
            return new Answer(429, "{\"text\":\"Too many requests\",\"code\":429}", retryAfterHeaders());
        }
        List<JsonNode> batch = new ArrayList<>();
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(r.body())) {
            while (it.hasNext()) {
                JsonNode e = it.next();
                if (!e.has("event")) {
                    return hec(400, "Event field is required", 12);
                }
                batch.add(e);
            }
        } catch (IOException | RuntimeException e) {
            return hec(400, "Invalid data format", 6);
        }
        if (batch.isEmpty()) {
            return hec(400, "No data", 5);
        }
        events.addAll(batch);
        if (!ack) {
            return hec(200, "Success", 0);
        }
        long id = nextAckId.computeIfAbsent(channel, c -> new AtomicLong()).getAndIncrement();
        return Answer.json(200, "{\"text\":\"Success\",\"code\":0,\"ackId\":" + id + "}");
    }

    private Answer acks(Call r, String channel) {
        if (!ack) {
            return hec(400, "ACK is disabled", 14);
        }
        try {
            ObjectNode out = JSON.createObjectNode();
            ObjectNode acks = out.putObject("acks");
            long issued = nextAckId.getOrDefault(channel, new AtomicLong()).get();
            for (JsonNode id : JSON.readTree(r.body()).path("acks")) {
                int n = polls.computeIfAbsent(channel + "/" + id.asLong(), k -> new AtomicInteger()).incrementAndGet();
                acks.put(id.asText(), id.asLong() < issued && n > pollsBeforeAck);
            }
            return Answer.json(200, JSON.writeValueAsString(out));
        } catch (IOException e) {
            return hec(400, "Invalid data format", 6);
        }
    }
}
