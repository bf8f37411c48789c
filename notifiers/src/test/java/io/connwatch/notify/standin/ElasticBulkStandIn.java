package io.connwatch.notify.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Elasticsearch's {@code POST /_bulk}: {@code Authorization: ApiKey <key>} or basic (401
 * security_exception otherwise), NDJSON bodies up to {@code http.max_content_length} (413
 * beyond), {@code index} and {@code create} actions answered item by item: a data stream takes
 * only {@code create} and documents with {@code @timestamp}, a {@code create} of an existing id
 * is 409, a {@code source.ip} or {@code destination.ip} that is not an address is 400
 * mapper_parsing_exception; told so, items are answered 429 es_rejected_execution_exception, or a
 * whole request 429.
 */
public final class ElasticBulkStandIn extends StandInHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String authorization;
    private final int maxContentLength;
    private final Set<String> dataStreams;
    /** Documents by index, then id. */
    private final Map<String, Map<String, JsonNode>> stored = new LinkedHashMap<>();
    private final AtomicInteger rejectItems = new AtomicInteger();

    /**
     * @param authorization    the Authorization header it takes
     * @param maxContentLength the largest body
     * @param dataStreams      the targets that are data streams
     */
    public ElasticBulkStandIn(String authorization, int maxContentLength, Set<String> dataStreams) throws IOException {
        this.authorization = authorization;
        this.maxContentLength = maxContentLength;
        this.dataStreams = Set.copyOf(dataStreams);
    }

    public static String apiKey(String id, String key) {
        return "ApiKey " + Base64.getEncoder().encodeToString((id + ":" + key).getBytes(StandardCharsets.UTF_8));
    }

    /** The next {@code n} items (of the next requests) are answered 429. */
    public void rejectItems(int n) {
        rejectItems.set(n);
    }

    /** The documents of an index or data stream, by id. */
    public synchronized Map<String, JsonNode> documents(String index) {
        return new LinkedHashMap<>(stored.getOrDefault(index, Map.of()));
    }

    private static Answer error(int status, String type, String reason) {
        return Answer.json(status, "{\"error\":{\"type\":\"" + type + "\",\"reason\":\"" + reason + "\"},\"status\":" + status + "}");
    }

    @Override
    protected Answer answer(Call r) {
        if (!authorization.equals(r.header("Authorization"))) {
            return error(401, "security_exception", "unable to authenticate user for REST request [/_bulk]");
        }
        if (!r.path().equals("/_bulk")) {
            return error(404, "resource_not_found_exception", "no handler");
        }
        if (r.body().length > maxContentLength) {
            return new Answer(413, "", Map.of());
        }
        String type = r.header("Content-Type");
        if (type == null || !(type.startsWith("application/x-ndjson") || type.startsWith("application/json"))) {
            return error(406, "media_type_header_exception", "Content-Type header is not supported");
        }
        if (rateLimitNow()) {
            return new Answer(429, "{\"error\":{\"type\":\"es_rejected_execution_exception\"},\"status\":429}", retryAfterHeaders());
        }
        String text = r.text();
        if (!text.endsWith("\n")) {
            return error(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
        }
        String[] lines = text.split("\n");
        ObjectNode out = JSON.createObjectNode();
        out.put("took", 3);
        ArrayNode items = out.putArray("items");
        boolean errors = false;
        try {
            for (int i = 0; i < lines.length; i += 2) {
                JsonNode action = JSON.readTree(lines[i]);
                String op = action.fieldNames().next();
                JsonNode meta = action.get(op);
                JsonNode doc = JSON.readTree(lines[i + 1]);
                ObjectNode result = items.addObject().putObject(op);
                String index = meta.path("_index").asText();
                String id = meta.path("_id").asText();
                result.put("_index", index).put("_id", id);
                int status = store(op, index, id, doc, result);
                result.put("status", status);
                errors |= status >= 300;
            }
        } catch (IOException | RuntimeException e) {
            return error(400, "x_content_parse_exception", "malformed bulk body");
        }
        out.put("errors", errors);
        return Answer.json(200, out.toString());
    }

    private synchronized int store(String op, String index, String id, JsonNode doc, ObjectNode result) {
        if (rejectItems.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return fail(result, 429, "es_rejected_execution_exception", "rejected execution of coordinating operation");
        }
        boolean stream = dataStreams.contains(index);
        if (stream && !"create".equals(op)) {
            return fail(result, 400, "illegal_argument_exception",
                "only write ops with an op_type of create are allowed in data streams");
        }
        if (stream && !doc.has("@timestamp")) {
            return fail(result, 400, "document_parsing_exception", "data stream timestamp field [@timestamp] is missing");
        }
        for (String field : new String[] {"source", "destination"}) {
            JsonNode ip = doc.path(field).path("ip");
            if (!ip.isMissingNode() && !ip.asText().matches("[0-9a-fA-F:.]+")) {
                return fail(result, 400, "document_parsing_exception", "failed to parse field [" + field + ".ip] of type [ip] in document "
                    + "with id '" + id + "'. Preview of field's value: '" + ip.asText() + "'");
            }
        }
        Map<String, JsonNode> docs = stored.computeIfAbsent(index, k -> new LinkedHashMap<>());
        if ("create".equals(op) && docs.containsKey(id)) {
            return fail(result, 409, "version_conflict_engine_exception", "[" + id + "]: version conflict, document already exists");
        }
        boolean existed = docs.containsKey(id);
        docs.put(id, doc);
        result.put("result", existed ? "updated" : "created");
        return existed ? 200 : 201;
    }

    private static int fail(ObjectNode result, int status, String type, String reason) {
        result.putObject("error").put("type", type).put("reason", reason);
        return status;
    }
}
