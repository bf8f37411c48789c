package io.connwatch.notify.sentinel;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Microsoft Sentinel / Log Analytics through the Azure Monitor Logs Ingestion API: each alert of
 * a notification is one row ({@link #row}) of the custom table behind the DCR's stream, the rows
 * of a notification posted as JSON arrays of at most {@code max-batch-bytes} (the API's 1 MB) to
 * {@code <endpoint>/dataCollectionRules/<dcr>/streams/<stream>?api-version=2023-01-01}, gzipped
 * when {@code gzip} is on, with a bearer token from Microsoft Entra ID ({@link EntraTokens}).
 *
 * <p>2xx (the API answers 204) is success. A 401 fetches a new token and tries once more; 429 and
 * 5xx are temporary (Retry-After honoured); 400 (rows that do not fit the stream), 403 (the app
 * lacks the Monitoring Metrics Publisher role on the DCR), 404 (no such rule or stream) and 413
 * are permanent, with the API's error code. Batches already accepted are not sent again when a
 * later one fails ({@link BatchProgress}).
 */
public final class SentinelNotifier implements Notifier {
    private static final ObjectMapper JSON = AlertJson.mapper();

    private final String name;
    private final SentinelConfig config;
    private final HttpClient http;
    private final EntraTokens tokens;
    private final BatchProgress progress = new BatchProgress();

    /** A notifier whose tokens expire by the system clock. */
    public SentinelNotifier(SentinelConfig config) throws GeneralSecurityException, IOException {
        this(config, Clock.systemUTC());
    }

    /** A notifier whose tokens expire by {@code clock}. */
    public SentinelNotifier(SentinelConfig config, Clock clock) throws GeneralSecurityException, IOException {
        this.name = config.name();
        this.config = config;
        this.http = HttpSupport.client(config.timeout(), HttpSupport.Tls.DEFAULT);
        this.tokens = new EntraTokens(name, config, http, clock);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    /** The rows as one JSON array, as sent when they fit one request (before compression). */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of("[" + String.join(",", rows(n)) + "]");
    }

    /** The row of each alert of the notification, as JSON, in order. */
    public List<String> rows(Notification n) {
        List<String> out = new ArrayList<>(n.alerts().size());
        for (NotifiedAlert na : n.alerts()) {
            try {
                out.add(JSON.writeValueAsString(row(n, na)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * One row: {@code TimeGenerated} (the notification's time), {@code AlertId, Status, Rule,
     * Severity, SeverityScore (0-10), Fingerprint, GroupKey, NotificationId, StartTime, EndTime,
     * Computer, Machine, Process, Summary, SourceIp, SourcePort, DestinationIp, DestinationPort,
     * Protocol, Direction, Tactic, Technique, Labels, Evidence} (columns of the custom table; see
     * docs/receivers/sentinel.md).
     */
    public static ObjectNode row(Notification n, NotifiedAlert na) {
        Alert a = na.alert();
        AlertFacts.Endpoints ends = AlertFacts.endpoints(a);
        ObjectNode o = JSON.createObjectNode();
        o.put("TimeGenerated", n.at().toString());
        o.put("AlertId", a.id());
        o.put("Status", na.status().label());
        o.put("Rule", a.rule());
        o.put("Severity", a.severity().label());
        o.put("SeverityScore", AlertFacts.severity10(a.severity()));
        o.put("Fingerprint", a.fingerprint());
        o.put("GroupKey", n.groupKey());
        o.put("NotificationId", n.id());
        o.put("StartTime", na.startsAt().toString());
        o.put("EndTime", na.endsAt() == null ? null : na.endsAt().toString());
        o.put("Computer", a.computer());
        o.put("Machine", a.machine());
        o.put("Process", a.process());
        o.put("Summary", a.summary());
        o.put("SourceIp", ends.sourceIp());
        o.put("SourcePort", ends.sourcePort());
        o.put("DestinationIp", ends.destinationIp());
        o.put("DestinationPort", ends.destinationPort());
        o.put("Protocol", ends.protocol());
        o.put("Direction", ends.direction());
        o.put("Tactic", AlertFacts.tactic(a));
        o.put("Technique", AlertFacts.technique(a));
        o.set("Labels", JSON.valueToTree(a.labels()));
        o.set("Evidence", NotificationJson.alert(na).get("evidence"));
        return o;
    }

    /** The stream's URL. */
    URI url() {
        return URI.create(config.endpoint() + "/dataCollectionRules/" + URLEncoder.encode(config.dcrImmutableId(), StandardCharsets.UTF_8)
            + "/streams/" + URLEncoder.encode(config.stream(), StandardCharsets.UTF_8) + "?api-version=" + SentinelConfig.API_VERSION);
    }

    @Override
    public void deliver(Notification n) throws DeliveryException {
        List<String> rows = rows(n);
        List<int[]> batches = Batches.split(rows.stream().map(r -> r.getBytes(StandardCharsets.UTF_8).length).toList(),
            config.maxBatchBytes(), 2, 1);
        if (batches == null) {
            throw DeliveryException.permanent(name + ": a row is larger than max-batch-bytes " + config.maxBatchBytes());
        }
        for (int i = progress.accepted(n.id()); i < batches.size(); i++) {
            int[] b = batches.get(i);
            byte[] body = ("[" + String.join(",", rows.subList(b[0], b[1])) + "]").getBytes(StandardCharsets.UTF_8);
            String requestId = UUID.nameUUIDFromBytes((n.id() + "/" + i).getBytes(StandardCharsets.UTF_8)).toString();
            HttpResponse<String> r = post(body, requestId);
            if (r.statusCode() == 401) {
                tokens.invalidate();
                r = post(body, requestId);
            }
            if (r.statusCode() / 100 != 2) {
                throw HttpSupport.failure(name, r, errorCode(r.body()));
            }
            progress.accepted(n.id(), i + 1);
        }
        progress.done(n.id());
    }

    private HttpResponse<String> post(byte[] json, String requestId) throws DeliveryException {
        HttpRequest.Builder req = HttpRequest.newBuilder(url()).timeout(config.timeout())
            .header("Authorization", "Bearer " + tokens.token()).header("Content-Type", "application/json")
            .header("x-ms-client-request-id", requestId).header("User-Agent", "connwatch");
        if (config.gzip()) {
            req.header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzip(json)));
        } else {
            req.POST(HttpRequest.BodyPublishers.ofByteArray(json));
        }
        return HttpSupport.send(http, req.build(), name);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The API's error code ({@code InvalidStream}), never its message. */
    private static String errorCode(String body) {
        try {
            String code = JSON.readTree(body == null || body.isBlank() ? "{}" : body).path("error").path("code").asText("");
            return code.matches("[A-Za-z_]{1,60}") ? code : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
