package io.connwatch.notify.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * Microsoft Entra ID's token endpoint and an Azure Monitor data collection endpoint on one
 * loopback server. {@code POST /<tenant>/oauth2/v2.0/token} takes the client-credentials grant
 * for one app and the scope {@code https://monitor.azure.com//.default} (400 invalid_scope, 401
 * invalid_client otherwise) and issues numbered tokens. {@code POST
 * /dataCollectionRules/<dcr>/streams/<stream>?api-version=2023-01-01} takes a current token (401
 * otherwise; tokens can be revoked), the one rule and stream (404), that API version (400), a JSON
 * array of objects each with {@code TimeGenerated} (400 InvalidContent), gzip when so encoded,
 * and at most 1 MB (413), answering 204; 429 with Retry-After when told.
 */
public final class SentinelStandIn extends StandInHttp {
    public static final String SCOPE = "https://monitor.azure.com//.default";
    public static final int MAX_BYTES = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String tenant;
    private final String clientId;
    private final String clientSecret;
    private final String dcr;
    private final String stream;
    private final AtomicInteger issued = new AtomicInteger();
    private final Set<String> valid = ConcurrentHashMap.newKeySet();
    private final List<JsonNode> rows = new CopyOnWriteArrayList<>();
    private volatile long expiresIn = 3599;

    public SentinelStandIn(String tenant, String clientId, String clientSecret, String dcr, String stream) throws IOException {
        this.tenant = tenant;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.dcr = dcr;
        this.stream = stream;
    }

    /** Tokens issued from now on live this long. */
    public void expiresIn(long seconds) {
        expiresIn = seconds;
    }

    /** Every token issued so far stops working. */
    public void revokeTokens() {
        valid.clear();
    }

    public int tokensIssued() {
        return issued.get();
    }

    /** The rows accepted, in order. */
    public List<JsonNode> rows() {
        return new ArrayList<>(rows);
    }

    @Override
    protected Answer answer(Call r) {
        if (r.path().equals("/" + tenant + "/oauth2/v2.0/token")) {
            return token(r);
        }
        if (r.path().endsWith("/oauth2/v2.0/token")) {
            return Answer.json(400, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS90002: Tenant not found.\"}");
        }
        return ingest(r);
    }

    private Answer token(Call r) {
        Map<String, String> form = new HashMap<>();
        for (String pair : r.text().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return Answer.json(400, "{\"error\":\"unsupported_grant_type\"}");
        }
        if (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
            return Answer.json(401, "{\"error\":\"invalid_client\","
                + "\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}");
        }
        if (!SCOPE.equals(form.get("scope"))) {
            return Answer.json(400, "{\"error\":\"invalid_scope\"}");
        }
        String token = "eyJ0eXAi.standin-" + issued.incrementAndGet();
        valid.add(token);
        return Answer.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + ",\"ext_expires_in\":" + expiresIn
            + ",\"access_token\":\"" + token + "\"}");
    }

    private static Answer error(int status, String code) {
        return Answer.json(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + code + " (stand-in)\"}}");
    }

    private Answer ingest(Call r) {
        String auth = r.header("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !valid.contains(auth.substring("Bearer ".length()))) {
            return error(401, "InvalidToken");
        }
        String expected = "/dataCollectionRules/" + dcr + "/streams/" + stream + "?";
        if (!r.path().startsWith(expected)) {
            return error(404, "NotFound");
        }
        if (!r.path().substring(expected.length()).equals("api-version=2023-01-01")) {
            return error(400, "InvalidApiVersion");
        }
        if (r.body().length > MAX_BYTES) {
            return error(413, "ContentLengthLimitExceeded");
        }
        if (rateLimitNow()) {
            return new Answer(429, "{\"error\":{\"code\":\"TooManyRequests\"}}", retryAfterHeaders());
        }
        byte[] body = r.body();
        try {
            if ("gzip".equals(r.header("Content-Encoding"))) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            }
            if (body.length > MAX_BYTES) {
                return error(413, "ContentLengthLimitExceeded");
            }
            JsonNode array = JSON.readTree(body);
            if (!array.isArray() || array.isEmpty()) {
                return error(400, "InvalidContent");
            }
            for (JsonNode row : array) {
                if (!row.isObject() || !row.path("TimeGenerated").isTextual()) {
                    return error(400, "InvalidContent");
                }
            }
            array.forEach(rows::add);
        } catch (IOException e) {
            return error(400, "InvalidContent");
        }
        return new Answer(204, "", Map.of());
    }
}
