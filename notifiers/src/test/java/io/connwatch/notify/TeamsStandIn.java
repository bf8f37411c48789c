package io.connwatch.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Teams Workflows webhook ("When a Teams webhook request is received", then "Post card in a
 * chat or channel") on loopback: only its own URL, signature included, is accepted (401 with
 * {@code DirectApiAuthorizationRequired} otherwise, as Power Automate answers a wrong
 * {@code sig}); a body over 28 KB is 413; a body that is not a message with one Adaptive Card
 * attachment is 400 ({@code TriggerInputSchemaMismatch}); 429 when told to throttle; 202 when
 * accepted. It keeps the cards it posted.
 */
final class TeamsStandIn extends StandIn {
    static final int MAX_BYTES = 28 * 1024;
    private final String path;
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();

    /** @param path the workflow's path and query, with its {@code sig} */
    TeamsStandIn(String path) throws IOException {
        this.path = path;
    }

    private static LoopbackHttp.Answer error(int status, String code) {
        return LoopbackHttp.Answer.of(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"refused by the stand-in\"}}");
    }

    @Override
    String tooMany() {
        return "{\"error\":{\"code\":\"WorkflowTriggerIsThrottled\",\"message\":\"Rate limit is exceeded.\"}}";
    }

    @Override
    synchronized LoopbackHttp.Answer answer(LoopbackHttp.Request r) {
        if (!r.method().equals("POST") || !r.path().equals(path)) {
            return error(401, "DirectApiAuthorizationRequired");
        }
        if (utf8(r.body()) > MAX_BYTES) {
            return error(413, "MessageSizeExceeded");
        }
        JsonNode m = json(r.body());
        JsonNode attachments = m == null ? null : m.path("attachments");
        if (m == null || !"message".equals(m.path("type").asText()) || attachments.size() != 1
            || !"application/vnd.microsoft.card.adaptive".equals(attachments.get(0).path("contentType").asText())
            || !"AdaptiveCard".equals(attachments.get(0).path("content").path("type").asText())
            || !attachments.get(0).path("content").path("body").isArray()) {
            return error(400, "TriggerInputSchemaMismatch");
        }
        posted.add(attachments.get(0).path("content"));
        return LoopbackHttp.Answer.of(202, "");
    }

    /** The cards posted, in order. */
    List<JsonNode> cards() {
        return List.copyOf(posted);
    }
}
