package io.connwatch.notify.elastic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.notify.AlertFacts;
import io.connwatch.notify.BatchProgress;
import io.connwatch.notify.Batches;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.MessageText;
import io.connwatch.notify.Notifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Elasticsearch and OpenSearch {@code _bulk}: each alert of a notification is one document in
 * Elastic Common Schema (see {@link #document}) written with {@code index} into an index or
 * {@code create} into a data stream, under the id {@code <notification id>:<fingerprint>}, so a
 * retry writes the same documents again instead of new ones (a {@code create} answered 409
 * because an earlier attempt wrote it counts as written). Requests are cut at
 * {@code max-bulk-bytes}; authentication is {@code ApiKey} or basic.
 *
 * <p>The answer is read item by item: items answered 429 (or 5xx) make the delivery temporary,
 * and the retry sends the batch again (the documents already written are overwritten by
 * themselves); an item refused otherwise (a mapping conflict, a document the index rejects)
 * makes it permanent, its error type and reason in the dead letter once no item waits for a
 * retry. A whole request answered 429 or 5xx is retried (Retry-After honoured); 401, 403, 404 and
 * 413 are permanent. The API key, password and URL appear in no message.
 */
public final class ElasticNotifier implements Notifier {
    /** The ECS version the documents follow. */
    public static final String ECS_VERSION = "8.11.0";
    private static final ObjectMapper JSON = AlertJson.mapper();
    /** The longest item error reason kept in a failure's message. */
    static final int MAX_REASON = 300;

    private final String name;
    private final ElasticConfig config;
    private final HttpClient http;
    private final BatchProgress progress = new BatchProgress();

    public ElasticNotifier(ElasticConfig config) throws GeneralSecurityException, IOException {
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

    /** The {@code _bulk} body, as sent when it fits one request. */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of(String.join("", lines(n)));
    }

    /** For each alert its action line and document line, each ending with a newline. */
    public List<String> lines(Notification n) {
        List<String> out = new ArrayList<>(n.alerts().size());
        for (NotifiedAlert na : n.alerts()) {
            ObjectNode action = JSON.createObjectNode();
            action.putObject(config.dataStream() ? "create" : "index").put("_index", config.index())
                .put("_id", n.id() + ":" + na.alert().fingerprint());
            out.add(write(action) + "\n" + write(document(n, na)) + "\n");
        }
        return out;
    }

    /**
     * The ECS document of one alert: {@code @timestamp} (the notification's time), {@code message}
     * (the summary), {@code event} ({@code kind: alert}, category network, severity 0-10,
     * {@code action} firing or resolved, start, end, created), {@code rule.name}, {@code host},
     * {@code source}, {@code destination}, {@code network}, {@code process.name}, {@code threat}
     * (ATT&CK tactic and technique ids, when the rule gives them), {@code labels} and
     * {@code connwatch} (what ECS has no field for).
     */
    public static ObjectNode document(Notification n, NotifiedAlert na) {
        Alert a = na.alert();
        AlertFacts.Endpoints ends = AlertFacts.endpoints(a);
        ObjectNode d = JSON.createObjectNode();
        d.put("@timestamp", n.at().toString());
        d.put("message", a.summary());
        d.putObject("ecs").put("version", ECS_VERSION);
        ObjectNode event = d.putObject("event");
        event.put("kind", "alert");
        event.putArray("category").add("network");
        event.putArray("type").add(na.status() == AlertStatus.RESOLVED ? "end" : "connection");
        event.put("action", na.status().label());
        event.put("id", a.id());
        event.put("severity", AlertFacts.severity10(a.severity()));
        event.put("created", a.detectedAt().toString());
        event.put("start", na.startsAt().toString());
        if (na.endsAt() != null) {
            event.put("end", na.endsAt().toString());
        }
        event.put("module", "connwatch");
        event.put("dataset", "connwatch.alert");
        d.putObject("rule").put("name", a.rule());
        ObjectNode host = d.putObject("host");
        if (a.computer() != null) {
            host.put("name", a.computer());
        }
        if (a.machine() != null) {
            host.put("id", a.machine());
        }
        if (ends.sourceIp() != null || ends.sourcePort() != null) {
            endpoint(d.putObject("source"), ends.sourceIp(), ends.sourcePort());
        }
        if (ends.destinationIp() != null || ends.destinationPort() != null) {
            endpoint(d.putObject("destination"), ends.destinationIp(), ends.destinationPort());
        }
        if (ends.protocol() != null || ends.direction() != null) {
            ObjectNode network = d.putObject("network");
            if (ends.protocol() != null) {
                network.put("transport", ends.protocol());
            }
            if (ends.direction() != null) {
                network.put("direction", ends.direction());
            }
        }
        if (a.process() != null) {
            d.putObject("process").put("name", a.process());
        }
        String tactic = AlertFacts.tactic(a);
        String technique = AlertFacts.technique(a);
        if (tactic != null || technique != null) {
            ObjectNode threat = d.putObject("threat");
            threat.put("framework", "MITRE ATT&CK");
            if (tactic != null) {
                threat.putObject("tactic").putArray("id").add(tactic);
            }
            if (technique != null) {
                threat.putObject("technique").putArray("id").add(technique);
            }
        }
        ObjectNode labels = d.putObject("labels");
        a.labels().forEach((k, v) -> labels.put(k.replace('.', '_'), v));
        d.putObject("observer").put("vendor", "connwatch").put("product", "connwatch").put("type", "ids");
        ObjectNode cw = d.putObject("connwatch");
        cw.put("status", na.status().label());
        cw.put("severity", a.severity().label());
        cw.put("fingerprint", a.fingerprint());
        cw.put("group_key", n.groupKey());
        cw.put("notification_id", n.id());
        cw.put("occurrences", na.occurrences());
        ArrayNode evidence = cw.putArray("evidence");
        for (Evidence e : a.evidence()) {
            ObjectNode ev = evidence.addObject();
            ev.put("kind", e.kind());
            ev.put("time", MessageText.iso(e.time()));
            // the columns as one JSON text: their names and types vary by kind, and would grow the index's mapping
            ev.put("fields", write(JSON.valueToTree(e.fields())));
        }
        return d;
    }

    private static void endpoint(ObjectNode o, String ip, Integer port) {
        if (ip != null) {
            o.put("ip", ip);
        }
        if (port != null) {
            o.put("port", port);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void deliver(Notification n) throws DeliveryException {
        List<String> lines = lines(n);
        List<byte[]> bytes = lines.stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        List<int[]> batches = Batches.split(bytes.stream().map(b -> b.length).toList(), config.maxBulkBytes(), 0, 0);
        if (batches == null) {
            throw DeliveryException.permanent(name + ": a document is larger than max-bulk-bytes " + config.maxBulkBytes());
        }
        List<String> refused = new ArrayList<>();
        for (int i = progress.accepted(n.id()); i < batches.size(); i++) {
            int[] b = batches.get(i);
            HttpResponse<String> r = HttpSupport.send(http, request(String.join("", lines.subList(b[0], b[1]))), name);
            if (r.statusCode() / 100 != 2) {
                throw HttpSupport.failure(name, r, errorType(r.body()));
            }
            items(r.body(), b[1] - b[0], refused);
            progress.accepted(n.id(), i + 1);
        }
        progress.done(n.id());
        if (!refused.isEmpty()) {
            throw DeliveryException.permanent(name + ": " + refused.size() + " of " + lines.size() + " documents refused: "
                + refused.get(0));
        }
    }

    /**
     * Reads a bulk answer's items: refused ones are added to {@code refused} (error type, reason
     * and id); any answered 429 or 5xx makes the whole batch temporary.
     */
    private void items(String body, int sent, List<String> refused) throws DeliveryException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw DeliveryException.temporary(name + ": the bulk answer is not JSON");
        }
        if (!root.path("errors").asBoolean(false)) {
            return;
        }
        int retry = 0;
        String retryType = null;
        List<String> mine = new ArrayList<>();
        for (JsonNode item : root.path("items")) {
            JsonNode result = item.elements().hasNext() ? item.elements().next() : item;
            int status = result.path("status").asInt(200);
            String op = item.fieldNames().hasNext() ? item.fieldNames().next() : "";
            if (status / 100 == 2 || status == 409 && "create".equals(op)) {
                continue; // written, now or by an earlier attempt with the same id
            }
            String type = result.path("error").path("type").asText("error");
            if (status == 429 || status >= 500) {
                retry++;
                retryType = type;
            } else {
                String reason = result.path("error").path("reason").asText("");
                mine.add("HTTP " + status + " " + type + (reason.isEmpty() ? "" : ": " + cut(reason)) + " (document "
                    + result.path("_id").asText("?") + ")");
            }
        }
        if (retry > 0) {
            throw DeliveryException.temporary(name + ": " + retry + " of " + sent + " documents to retry (" + retryType + ")");
        }
        refused.addAll(mine);
    }

    private static String cut(String s) {
        String line = s.replaceAll("[\\r\\n\\t]+", " ");
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON) + "\u2026";
    }

    /** The error type of a failed request's answer ({@code security_exception}), never its reason. */
    private static String errorType(String body) {
        try {
            String type = JSON.readTree(body).path("error").path("type").asText("");
            return type.matches("[a-z_]{1,80}") ? type : null;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    private HttpRequest request(String body) {
        String base = config.url().toString();
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/_bulk")).timeout(config.timeout()).header("Content-Type", "application/x-ndjson").header("User-Agent", "connwatch")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (config.apiKey() != null) {
            req.header("Authorization", "ApiKey " + config.apiKey());
        } else if (config.username() != null) {
            String pair = config.username() + ":" + (config.password() == null ? "" : config.password());
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return req.build();
    }
}
