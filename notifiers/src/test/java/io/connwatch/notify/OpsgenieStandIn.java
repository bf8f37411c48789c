package io.connwatch.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opsgenie's Alert API v2 on loopback, as its documentation describes it: every request needs
 * {@code Authorization: GenieKey <key>} (401 otherwise); {@code POST /v2/alerts} creates an alert
 * (message required, at most 130 characters; alias at most 512; description 15,000; at most 20
 * tags of 50 characters; details a map of strings of at most 8,000 characters in all; entity
 * 512; source 100; priority P1 to P5) and {@code POST /v2/alerts/<identifier>/acknowledge|close}
 * (user 100, source 100, note 25,000 characters) act on one, the identifier read as an alias with
 * {@code identifierType=alias} and as an alert id otherwise; 202 {@code {"result":"Request will be
 * processed","took":0.01,"requestId":...}} when accepted, 400 for invalid JSON, 422 with the
 * failing fields, 429 when told to throttle. It keeps each accepted request and each alias's
 * alert: a create opens one or, while one is open under that alias, adds to its count.
 */
final class OpsgenieStandIn extends StandIn {
    /** One accepted request: create, acknowledge or close, the alias it named (decoded) and its body. */
    record Call(String action, String alias, String identifierType, JsonNode body) {
    }

    /** An alert as Opsgenie keeps it. */
    record Alert(String alias, String status, int count, JsonNode created) {
    }

    private static final Pattern ACTION = Pattern.compile("/v2/alerts/([^/?]+)/(acknowledge|close)(?:\\?(.*))?");
    private static final Set<String> PRIORITIES = Set.of("P1", "P2", "P3", "P4", "P5");

    private final String key;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Alerts by alias: open, acknowledged or closed (the latest under each alias). */
    private final Map<String, Alert> alerts = new ConcurrentHashMap<>();

    OpsgenieStandIn(String key) throws IOException {
        this.key = key;
    }

    @Override
    String tooMany() {
        return "{\"message\":\"You are making too many requests! To avoid errors, we recommend you limit requests.\",\"took\":0.0}";
    }

    private static LoopbackHttp.Answer unprocessable(String field, String error) {
        return LoopbackHttp.Answer.of(422, "{\"message\":\"Request body is not processable. Please check the errors.\",\"errors\":{\""
            + field + "\":\"" + error + "\"},\"took\":0.001,\"requestId\":\"" + UUID.randomUUID() + "\"}");
    }

    private static LoopbackHttp.Answer accepted() {
        return LoopbackHttp.Answer.of(202, "{\"result\":\"Request will be processed\",\"took\":0.01,\"requestId\":\"" + UUID.randomUUID()
            + "\"}");
    }

    @Override
    synchronized LoopbackHttp.Answer answer(LoopbackHttp.Request r) {
        if (!("GenieKey " + key).equals(r.header("Authorization"))) {
            return LoopbackHttp.Answer.of(401, "{\"message\":\"Could not authenticate\",\"took\":0.0,\"requestId\":\"" + UUID.randomUUID()
                + "\"}");
        }
        JsonNode body = json(r.body());
        if (!r.method().equals("POST")) {
            return LoopbackHttp.Answer.of(404, "{\"message\":\"Not found\"}");
        }
        if (body == null || !body.isObject()) {
            return LoopbackHttp.Answer.of(400, "{\"message\":\"Invalid JSON body\"}");
        }
        if (r.path().equals("/v2/alerts")) {
            return create(body);
        }
        Matcher m = ACTION.matcher(r.path());
        if (!m.matches()) {
            return LoopbackHttp.Answer.of(404, "{\"message\":\"Not found\"}");
        }
        for (String[] f : new String[][] {{"user", "100"}, {"source", "100"}, {"note", "25000"}}) {
            if (body.path(f[0]).asText("").length() > Integer.parseInt(f[1])) {
                return unprocessable(f[0], f[0] + " can not be longer than " + f[1] + " characters");
            }
        }
        String identifier = decode(m.group(1));
        String type = m.group(3) != null && m.group(3).contains("identifierType=alias") ? "alias" : "id";
        String action = m.group(2);
        calls.add(new Call(action, identifier, type, body));
        Alert a = type.equals("alias") ? alerts.get(identifier) : null;
        if (a != null && !a.status().equals("closed")) {
            alerts.put(identifier, new Alert(identifier, action.equals("close") ? "closed" : "acknowledged", a.count(), a.created()));
        }
        return accepted();
    }

    private LoopbackHttp.Answer create(JsonNode body) {
        String message = body.path("message").asText("");
        if (message.isBlank()) {
            return unprocessable("message", "Message can not be empty.");
        }
        for (String[] f : new String[][] {{"message", "130"}, {"alias", "512"}, {"description", "15000"}, {"entity", "512"},
            {"source", "100"}}) {
            if (body.path(f[0]).asText("").length() > Integer.parseInt(f[1])) {
                return unprocessable(f[0], f[0] + " can not be longer than " + f[1] + " characters");
            }
        }
        JsonNode tags = body.path("tags");
        if (tags.size() > 20) {
            return unprocessable("tags", "at most 20 tags");
        }
        for (JsonNode t : tags) {
            if (!t.isTextual() || t.asText().length() > 50) {
                return unprocessable("tags", "a tag can not be longer than 50 characters");
            }
        }
        JsonNode details = body.path("details");
        if (!details.isMissingNode()) {
            int size = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = details.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    return unprocessable("details", "values must be strings");
                }
                size += e.getKey().length() + e.getValue().asText().length();
            }
            if (!details.isObject() || size > 8000) {
                return unprocessable("details", "details can not be longer than 8000 characters");
            }
        }
        if (body.has("priority") && !PRIORITIES.contains(body.path("priority").asText())) {
            return unprocessable("priority", "Priority should be one of [P1, P2, P3, P4, P5]");
        }
        String alias = body.path("alias").asText(UUID.randomUUID().toString());
        calls.add(new Call("create", alias, "alias", body));
        Alert a = alerts.get(alias);
        alerts.put(alias, a == null || a.status().equals("closed") ? new Alert(alias, "open", 1, body)
            : new Alert(alias, a.status(), a.count() + 1, a.created()));
        return accepted();
    }

    /** The accepted requests, in order. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The latest alert under an alias (open, acknowledged or closed), or null. */
    Alert alert(String alias) {
        return alerts.get(alias);
    }
}
