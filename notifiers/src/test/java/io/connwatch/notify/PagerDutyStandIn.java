package io.connwatch.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * PagerDuty's Events API v2 on loopback ({@code POST /v2/enqueue}), as its developer documentation
 * describes it: 202 {@code {"status":"success","message":"Event processed","dedup_key":...}} for a
 * valid event; 400 {@code {"status":"invalid event","message":"Event object is invalid","errors":[...]}}
 * for invalid JSON, an unknown routing key, an action other than trigger, acknowledge or resolve,
 * a dedup key over 255 characters (or missing on acknowledge and resolve), a trigger without
 * summary (at most 1,024 characters), source or a severity of critical, error, warning or info;
 * 413 past 512 KB; 429 when told to throttle. It keeps the accepted events and each dedup key's
 * incident: a trigger opens one when none is open, acknowledge and resolve act on the open one
 * (and are dropped when none is).
 */
final class PagerDutyStandIn extends StandIn {
    /** One accepted event. */
    record Event(String action, String dedupKey, JsonNode body) {
    }

    static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    private final String routingKey;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    /** Open incident state by dedup key: triggered or acknowledged; resolved ones are removed and counted. */
    private final Map<String, String> open = new ConcurrentHashMap<>();
    private final List<String> resolved = new CopyOnWriteArrayList<>();

    PagerDutyStandIn(String routingKey) throws IOException {
        this.routingKey = routingKey;
    }

    @Override
    String tooMany() {
        return "{\"status\":\"throttle event\",\"message\":\"Requests for this service are arriving too quickly.\"}";
    }

    private static LoopbackHttp.Answer invalid(String error) {
        return LoopbackHttp.Answer.of(400, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\""
            + error + "\"]}");
    }

    @Override
    synchronized LoopbackHttp.Answer answer(LoopbackHttp.Request r) {
        if (!r.method().equals("POST") || !r.path().equals("/v2/enqueue")) {
            return LoopbackHttp.Answer.of(404, "");
        }
        if (utf8(r.body()) > 512 * 1024) {
            return LoopbackHttp.Answer.of(413, "");
        }
        JsonNode e = json(r.body());
        if (e == null || !e.isObject() || !String.valueOf(r.header("Content-Type")).startsWith("application/json")) {
            return invalid("Invalid JSON");
        }
        if (!routingKey.equals(e.path("routing_key").asText())) {
            return invalid("Invalid routing key");
        }
        String action = e.path("event_action").asText();
        String key = e.path("dedup_key").asText(null);
        if (!Set.of("trigger", "acknowledge", "resolve").contains(action)) {
            return invalid("'event_action' is invalid");
        }
        if (key != null && key.length() > 255) {
            return invalid("'dedup_key' is too long");
        }
        if (action.equals("trigger")) {
            JsonNode p = e.path("payload");
            String summary = p.path("summary").asText("");
            if (summary.isBlank() || summary.length() > 1024) {
                return invalid("'payload.summary' is missing, blank or longer than 1024 characters");
            }
            if (p.path("source").asText("").isBlank()) {
                return invalid("'payload.source' is missing or blank");
            }
            if (!SEVERITIES.contains(p.path("severity").asText())) {
                return invalid("'payload.severity' is invalid");
            }
        } else if (key == null || key.isBlank()) {
            return invalid("'dedup_key' is required for " + action);
        }
        events.add(new Event(action, key, e));
        switch (action) {
            case "trigger" -> open.putIfAbsent(key, "triggered");
            case "acknowledge" -> open.computeIfPresent(key, (k, v) -> "acknowledged");
            default -> {
                if (open.remove(key) != null) {
                    resolved.add(key);
                }
            }
        }
        return LoopbackHttp.Answer.of(202, "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":"
            + JSON.valueToTree(key) + "}");
    }

    /** The accepted events, in order. */
    List<Event> events() {
        return List.copyOf(events);
    }

    /** The state of the incident open under a dedup key (triggered, acknowledged), or null when none is open. */
    String incident(String dedupKey) {
        return open.get(dedupKey);
    }

    /** The dedup keys whose incident a resolve event closed, in order. */
    List<String> resolved() {
        return List.copyOf(resolved);
    }
}
