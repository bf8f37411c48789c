package io.connwatch.notify.splunk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.notify.AlertFacts;
import io.connwatch.notify.BatchProgress;
import io.connwatch.notify.Batches;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.NotificationJson;
import io.connwatch.notify.Notifier;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splunk HTTP Event Collector: each alert of a notification is one event (its {@code status}
 * firing or resolved), the events of a notification batched into as few
 * {@code POST /services/collector/event} requests as {@code max-content-length} allows, with
 * {@code Authorization: Splunk <token>}. An event is
 * {@code {"time":<the notification's time, epoch seconds>,"host":<computer>,"source","sourcetype",
 * "index" (when set),"event":<the alert as the webhook lists it, plus groupKey, notificationId,
 * tactic and technique>}}.
 *
 * <p>With {@code ack: true} each request carries {@code X-Splunk-Request-Channel} and the
 * {@code ackId} the collector answers is polled at {@code /services/collector/ack} until the
 * indexers confirm it; one not confirmed within {@code ack-timeout} is a temporary failure (the
 * dispatcher sends it again, as Splunk advises). Batches already accepted are not sent again when
 * a later one fails ({@link BatchProgress}). The collector's answers: 2xx with code 0 is success;
 * 429 and 503 (server busy) are retried, honouring Retry-After; 400 (invalid data, a missing
 * channel), 401 and 403 (token missing, invalid or disabled) and 413 are permanent. The token and
 * URL appear in no message.
 */
public final class SplunkNotifier implements Notifier {
    public static final String EVENT_PATH = "/services/collector/event";
    public static final String ACK_PATH = "/services/collector/ack";
    public static final String CHANNEL_HEADER = "X-Splunk-Request-Channel";
    private static final ObjectMapper JSON = AlertJson.mapper();
    private static final String SEPARATOR = "\n";

    private final String name;
    private final SplunkConfig config;
    private final HttpClient http;
    private final BatchProgress progress = new BatchProgress();

    public SplunkNotifier(SplunkConfig config) throws GeneralSecurityException, IOException {
        this.name = config.name();
        this.config = config;
        this.http = HttpSupport.client(config.timeout(), config.tls());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    /** The events, one a line, as sent (batches are cut between lines). */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of(String.join(SEPARATOR, events(n)));
    }

    /** The HEC event of each alert of the notification, in order. */
    public List<String> events(Notification n) {
        List<String> out = new ArrayList<>(n.alerts().size());
        for (NotifiedAlert na : n.alerts()) {
            out.add(event(n, na));
        }
        return out;
    }

    private String event(Notification n, NotifiedAlert na) {
        Alert a = na.alert();
        ObjectNode root = JSON.createObjectNode();
        root.put("time", epochSeconds(n.at()));
        root.put("host", a.computer() != null ? a.computer() : a.machine());
        root.put("source", config.source());
        root.put("sourcetype", config.sourcetype());
        if (config.index() != null) {
            root.put("index", config.index());
        }
        ObjectNode event = NotificationJson.alert(na);
        event.put("groupKey", n.groupKey());
        event.put("notificationId", n.id());
        event.put("tactic", AlertFacts.tactic(a));
        event.put("technique", AlertFacts.technique(a));
        root.set("event", event);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Epoch seconds with milliseconds, as HEC's {@code time} takes them. */
    static BigDecimal epochSeconds(Instant t) {
        return BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3);
    }

    @Override
    public void deliver(Notification n) throws DeliveryException {
        List<byte[]> events = events(n).stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
        List<int[]> batches = Batches.split(events.stream().map(b -> b.length).toList(), config.maxContentLength(), 0,
            SEPARATOR.length());
        if (batches == null) {
            throw DeliveryException.permanent(name + ": an event is larger than max-content-length " + config.maxContentLength());
        }
        for (int i = progress.accepted(n.id()); i < batches.size(); i++) {
            int[] b = batches.get(i);
            StringBuilder body = new StringBuilder();
            for (int j = b[0]; j < b[1]; j++) {
                body.append(j == b[0] ? "" : SEPARATOR).append(new String(events.get(j), StandardCharsets.UTF_8));
            }
            HttpResponse<String> r = HttpSupport.send(http, request(EVENT_PATH, body.toString()), name);
            JsonNode answer = check(r);
            if (config.ack()) {
                JsonNode ackId = answer == null ? null : answer.get("ackId");
                if (ackId == null || !ackId.canConvertToLong()) {
                    throw DeliveryException.permanent(name + ": indexer acknowledgement is not enabled for the token (no ackId)");
                }
                awaitAck(ackId.asLong());
            }
            progress.accepted(n.id(), i + 1);
        }
        progress.done(n.id());
    }

    private HttpRequest request(String path, String body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint(path)).timeout(config.timeout())
            .header("Authorization", "Splunk " + config.token()).header("Content-Type", "application/json")
            .header("User-Agent", "connwatch").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (config.ack()) {
            req.header(CHANNEL_HEADER, config.channel());
        }
        return req.build();
    }

    private URI endpoint(String path) {
        String base = config.url().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** The collector's answer when it accepted; otherwise the failure, with its code and text (short, fixed phrases). */
    private JsonNode check(HttpResponse<String> r) throws DeliveryException {
        JsonNode answer = null;
        try {
            answer = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
        } catch (JsonProcessingException e) {
            // not the collector's JSON (a proxy's page): judged by the status alone
        }
        int code = answer != null && answer.has("code") ? answer.get("code").asInt() : -1;
        if (r.statusCode() / 100 == 2 && code <= 0) {
            return answer;
        }
        String text = answer == null ? "" : answer.path("text").asText("");
        String detail = (code >= 0 ? "code " + code : "") + (text.matches("[A-Za-z0-9 ,.'()-]{1,80}") ? (code >= 0 ? " " : "") + text : "");
        throw HttpSupport.failure(name, r, detail);
    }

    /** Polls the acknowledgement endpoint until the indexers confirm {@code ackId}, or {@code ack-timeout} passes. */
    private void awaitAck(long ackId) throws DeliveryException {
        long deadline = System.nanoTime() + config.ackTimeout().toNanos();
        String body = "{\"acks\":[" + ackId + "]}";
        while (true) {
            HttpResponse<String> r = HttpSupport.send(http, request(ACK_PATH, body), name);
            JsonNode answer = check(r);
            if (answer != null && answer.path("acks").path(String.valueOf(ackId)).asBoolean(false)) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw DeliveryException.temporary(name + ": events not acknowledged by the indexers within " + config.ackTimeout());
            }
            try {
                Thread.sleep(config.ackPollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DeliveryException.temporary(name + ": interrupted");
            }
        }
    }
}
