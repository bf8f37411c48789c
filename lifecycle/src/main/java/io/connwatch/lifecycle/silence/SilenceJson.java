package io.connwatch.lifecycle.silence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.lifecycle.match.Matcher;
import io.connwatch.lifecycle.match.Matchers;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link Silence}, Alertmanager's API v2 {@code GettableSilence} plus an
 * {@code op} per matcher:
 *
 * <pre>{@code
 * {"id": "3f0c…",
 *  "status": {"state": "active"},                 // only when written for a given time
 *  "updatedAt": "2026-03-01T10:00:00Z",
 *  "matchers": [{"name": "rule", "op": "=~", "value": "port-scan|telnet.*", "isRegex": true, "isEqual": true}],
 *  "startsAt": "2026-03-01T10:00:00Z",
 *  "endsAt": "2026-03-01T12:00:00Z",
 *  "createdBy": "alice",
 *  "comment": "maintenance of web-01"}
 * }</pre>
 *
 * Times are RFC 3339 in UTC (read with any offset). A matcher is read from {@code op} when
 * given, else from Alertmanager's {@code isRegex} and {@code isEqual} (which defaults to true),
 * so silences from Alertmanager's tools read as they were meant; the two must agree when both
 * are given. {@code status} is ignored when reading: the state follows from the times.
 */
public final class SilenceJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private SilenceJson() {
    }

    /** The stored and replicated form: everything but {@code status}. */
    public static ObjectNode toNode(Silence s) {
        return toNode(s, null);
    }

    /** The API form: with {@code status.state} at {@code now} (none when {@code now} is null). */
    public static ObjectNode toNode(Silence s, Instant now) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", s.id());
        if (now != null) {
            n.putObject("status").put("state", s.state(now).apiName());
        }
        n.put("updatedAt", s.updatedAt().toString());
        n.set("matchers", matchersNode(s.matchers()));
        n.put("startsAt", s.startsAt().toString());
        n.put("endsAt", s.endsAt().toString());
        n.put("createdBy", s.createdBy());
        n.put("comment", s.comment());
        return n;
    }

    /** The stored and replicated form as one line of JSON. */
    public static String toJson(Silence s) {
        return toNode(s).toString();
    }

    /** The API form at {@code now} as one line of JSON. */
    public static String toJson(Silence s, Instant now) {
        return toNode(s, now).toString();
    }

    /** Matchers as Alertmanager's API lists them, with {@code op} added. */
    public static ArrayNode matchersNode(Matchers matchers) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Matcher m : matchers.all()) {
            ObjectNode o = a.addObject();
            o.put("name", m.name());
            o.put("op", m.op().symbol());
            o.put("value", m.value());
            o.put("isRegex", m.op().isRegex());
            o.put("isEqual", !m.op().isNegative());
        }
        return a;
    }

    /**
     * Reads one silence.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static Silence fromJson(String json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        return fromNode(n);
    }

    /**
     * Reads one silence from its JSON form.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static Silence fromNode(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a silence must be a JSON object");
        }
        Instant startsAt = time(n, "startsAt");
        Instant endsAt = time(n, "endsAt");
        if (endsAt.isBefore(startsAt)) {
            throw new IllegalArgumentException("endsAt: " + endsAt + " is before startsAt " + startsAt);
        }
        return new Silence(text(n, "id"), matchers(n.get("matchers")), startsAt, endsAt, text(n, "createdBy"), text(n, "comment"),
            time(n, "updatedAt"));
    }

    /**
     * Reads a {@code matchers} array.
     *
     * @throws IllegalArgumentException naming the entry ({@code matchers[1].value: ...})
     */
    public static Matchers matchers(JsonNode array) {
        if (array == null || array.isNull()) {
            throw new IllegalArgumentException("matchers: missing");
        }
        if (!array.isArray()) {
            throw new IllegalArgumentException("matchers: expected a list");
        }
        if (array.size() > Matchers.MAX_MATCHERS) {
            throw new IllegalArgumentException("matchers: " + array.size() + " matchers; the limit is " + Matchers.MAX_MATCHERS);
        }
        List<Matcher> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = "matchers[" + i + "]";
            JsonNode m = array.get(i);
            if (!m.isObject()) {
                throw new IllegalArgumentException(at + ": expected an object with name and value");
            }
            String name = text(m, "name", at);
            String value = m.hasNonNull("value") && m.get("value").isValueNode() ? m.get("value").asText() : null;
            if (value == null) {
                throw new IllegalArgumentException(at + ".value: missing");
            }
            Matcher.Op op = op(m, at);
            try {
                out.add(new Matcher(name, op, value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
        }
        return new Matchers(out);
    }

    private static Matcher.Op op(JsonNode m, String at) {
        Boolean isRegex = flag(m, "isRegex", at);
        Boolean isEqual = flag(m, "isEqual", at);
        Matcher.Op fromFlags = Matcher.Op.of(isRegex != null && isRegex, isEqual == null || isEqual);
        if (!m.hasNonNull("op")) {
            return fromFlags;
        }
        String symbol = m.get("op").asText();
        for (Matcher.Op op : Matcher.Op.values()) {
            if (op.symbol().equals(symbol)) {
                if ((isRegex != null || isEqual != null) && op != fromFlags) {
                    throw new IllegalArgumentException(at + ".op: '" + symbol + "' disagrees with isRegex and isEqual");
                }
                return op;
            }
        }
        throw new IllegalArgumentException(at + ".op: expected =, !=, =~ or !~, got '" + shorten(symbol) + "'");
    }

    private static Boolean flag(JsonNode m, String field, String at) {
        JsonNode f = m.get(field);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isBoolean()) {
            throw new IllegalArgumentException(at + "." + field + ": expected true or false");
        }
        return f.booleanValue();
    }

    private static String text(JsonNode n, String field) {
        return text(n, field, null);
    }

    private static String text(JsonNode n, String field, String at) {
        String path = at == null ? field : at + "." + field;
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            throw new IllegalArgumentException(path + ": missing");
        }
        if (!f.isTextual()) {
            throw new IllegalArgumentException(path + ": expected text");
        }
        return f.textValue();
    }

    private static Instant time(JsonNode n, String field) {
        String t = text(n, field);
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(field + ": not an RFC 3339 time: '" + shorten(t) + "'", e);
        }
    }

    private static String shorten(String t) {
        return t.length() <= 60 ? t : t.substring(0, 60) + "…";
    }
}
