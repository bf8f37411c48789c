package io.connwatch.engine.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.Acknowledgement;
import io.connwatch.config.Durations;
import io.connwatch.engine.alert.lifecycle.AckLinks;
import io.connwatch.engine.api.auth.HttpSecurity;
import io.connwatch.engine.api.auth.Principal;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import io.connwatch.lifecycle.dispatch.GroupDispatcher.AlertView;
import io.connwatch.lifecycle.dispatch.GroupDispatcher.GroupView;
import io.connwatch.lifecycle.match.Matcher;
import io.connwatch.lifecycle.match.Matchers;
import io.connwatch.lifecycle.silence.Silence;
import io.connwatch.lifecycle.silence.SilenceJson;
import io.connwatch.lifecycle.silence.Silences;
import io.connwatch.notify.Delivery;
import io.connwatch.notify.Dispatcher;
import io.connwatch.notify.OutboxEntry;
import io.connwatch.text.LogText;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert lifecycle over HTTP, shaped after Alertmanager's API v2: the alerts and their groups
 * as the lifecycle sees them ({@code GET /api/v1/alerts}, {@code GET /api/v1/alerts/groups}),
 * silences ({@code GET/POST /api/v1/silences}, {@code GET/DELETE /api/v1/silences/{id}}),
 * acknowledgements of a group ({@code POST/DELETE /api/v1/groups/{groupKey}/ack}) and by signed
 * link ({@code GET/POST /ack}), and the delivery behind it ({@code GET /api/v1/receivers},
 * {@code GET /api/v1/dead-letters}, {@code POST /api/v1/dead-letters/replay|drop}).
 *
 * <p>Every answer is JSON but the link's HTML pages; lists are cut at {@code limit} (default
 * {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}) and say {@code truncated}; a body is at
 * most {@value #MAX_BODY_BYTES} bytes (413); a problem with a parameter or a field is a 400
 * naming it. Work runs off the event loop (the lifecycle holds one lock). Silences and
 * acknowledgements are made by people and kept in wall-clock time ({@link Sources#clock()}),
 * which is the lifecycle's time while the service runs live.
 */
public final class LifecycleRoutes {
    /** Items a list answers with when no {@code limit} is given. */
    public static final int DEFAULT_LIMIT = 1_000;
    /** The largest {@code limit} a list takes. */
    public static final int MAX_LIMIT = 10_000;
    /** The largest request body (a silence, an acknowledgement, a list of ids). */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** The longest acknowledgement comment through the API. */
    public static final int MAX_ACK_COMMENT = 4_096;
    /** The longest comment through a signed link's form. */
    static final int MAX_LINK_COMMENT = 1_000;
    /** Regex matches of a filter that may run out of their budget before the request is refused as too costly. */
    static final int MAX_ABORTED_MATCHES = 100;
    /** Who an acknowledgement by signed link is recorded as. */
    public static final String LINK_ACKNOWLEDGER = "link";

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleRoutes.class);
    private static final ObjectMapper JSON = AlertJson.mapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> SILENCE_FIELDS = Set.of("id", "matchers", "startsAt", "endsAt", "duration", "createdBy", "comment");

    /**
     * What the routes show and change.
     *
     * @param lifecycle the alert lifecycle: alerts, groups, acknowledgements
     * @param silences  the silences the lifecycle consults
     * @param delivery  the outbox and its dispatcher, or null when no receiver is configured
     * @param ackLinks  verifies signed acknowledgement links, or null when they are off
     * @param clock     the wall clock silences and acknowledgements are made in
     */
    public record Sources(GroupDispatcher lifecycle, Silences silences, Delivery delivery, AckLinks ackLinks, Clock clock) {
        public Sources {
            Objects.requireNonNull(lifecycle, "lifecycle");
            Objects.requireNonNull(silences, "silences");
            Objects.requireNonNull(clock, "clock");
        }
    }

    /** A refusal with its status, and the parameter or field it is about (or null). */
    private static final class ApiError extends RuntimeException {
        final int status;
        final String field;

        ApiError(int status, String field, String message) {
            super(message, null, false, false);
            this.status = status;
            this.field = field;
        }
    }

    /** An answer computed off the event loop. */
    private record Answer(int status, JsonNode json) {
    }

    private final Sources sources;
    private final GroupDispatcher lifecycle;
    private final Silences silences;

    public LifecycleRoutes(Sources sources) {
        this.sources = sources;
        this.lifecycle = sources.lifecycle();
        this.silences = sources.silences();
    }

    /** Adds the routes to the router. */
    public void mount(Router router) {
        router.get("/api/v1/alerts").handler(this::alerts);
        router.get("/api/v1/alerts/groups").handler(this::groups);
        router.get("/api/v1/silences").handler(this::listSilences);
        withBody(router.post("/api/v1/silences"), this::addSilence);
        router.get("/api/v1/silences/:id").handler(this::getSilence);
        router.delete("/api/v1/silences/:id").handler(this::expireSilence);
        withBody(router.post("/api/v1/groups/:groupKey/ack"), this::acknowledge);
        router.delete("/api/v1/groups/:groupKey/ack").handler(this::unacknowledge);
        router.get("/ack").handler(this::linkPage);
        router.post("/ack").handler(body()).handler(this::linkAcknowledge).failureHandler(ctx -> AckPage.send(ctx,
            ctx.statusCode() == 413 ? 413 : 400, AckPage.message("Not acknowledged", "The form could not be read.")));
        router.get("/api/v1/receivers").handler(this::receivers);
        router.get("/api/v1/dead-letters").handler(this::deadLetters);
        withBody(router.post("/api/v1/dead-letters/replay"), this::replayDeadLetters);
        withBody(router.post("/api/v1/dead-letters/drop"), this::dropDeadLetters);
    }

    private static BodyHandler body() {
        return BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    }

    private static void withBody(io.vertx.ext.web.Route route, io.vertx.core.Handler<RoutingContext> handler) {
        route.handler(body()).handler(handler).failureHandler(ctx -> {
            int status = ctx.statusCode() == 413 ? 413 : ctx.statusCode() == 400 ? 400 : 500;
            if (status == 500) {
                LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), String.valueOf(ctx.failure()));
            }
            error(ctx, new ApiError(status, status == 413 ? "body" : null, status == 413
                ? "the body is larger than " + MAX_BODY_BYTES + " bytes" : status == 400 ? "the body could not be read" : "internal error"));
        });
    }

    // ---------------------------------------------------------------- alerts and groups

    /** The filters of a list of alerts: matchers on their labels, states, a limit. */
    private record AlertQuery(Matchers filter, Set<GroupDispatcher.State> states, int limit) {
        boolean filtered() {
            return !filter.isEmpty() || states.size() < GroupDispatcher.State.values().length;
        }

        boolean accepts(AlertView v) {
            return states.contains(v.state()) && filter.matches(v.labels());
        }
    }

    private static AlertQuery alertQuery(RoutingContext ctx) {
        List<Matcher> all = new ArrayList<>();
        for (String f : ctx.queryParam("filter")) {
            try {
                all.addAll(Matchers.parse(f).all());
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "filter", "filter: " + e.getMessage());
            }
            if (all.size() > Matchers.MAX_MATCHERS) {
                throw new ApiError(400, "filter", "filter: more than " + Matchers.MAX_MATCHERS + " matchers");
            }
        }
        Set<GroupDispatcher.State> states = states(ctx, GroupDispatcher.State.class, GroupDispatcher.State::valueOf);
        return new AlertQuery(new Matchers(all), states, limit(ctx));
    }

    private void alerts(RoutingContext ctx) {
        AlertQuery q;
        try {
            q = alertQuery(ctx);
        } catch (ApiError e) {
            error(ctx, e);
            return;
        }
        run(ctx, () -> {
            ArrayNode out = NODES.arrayNode();
            int total = 0;
            long aborted = Matcher.abortedMatches();
            for (AlertView v : lifecycle.alerts()) {
                if (q.accepts(v)) {
                    total++;
                    if (out.size() < q.limit()) {
                        out.add(alertJson(v));
                    }
                }
                checkBudget(aborted);
            }
            ObjectNode o = NODES.objectNode();
            o.set("alerts", out);
            o.put("total", total);
            o.put("truncated", total > out.size());
            return new Answer(200, o);
        });
    }

    private void groups(RoutingContext ctx) {
        AlertQuery q;
        try {
            q = alertQuery(ctx);
        } catch (ApiError e) {
            error(ctx, e);
            return;
        }
        run(ctx, () -> {
            ArrayNode out = NODES.arrayNode();
            int alertsOut = 0;
            boolean truncated = false;
            long aborted = Matcher.abortedMatches();
            for (GroupView g : lifecycle.groups()) {
                List<AlertView> chosen = new ArrayList<>();
                for (AlertView v : g.alerts()) {
                    if (q.accepts(v)) {
                        chosen.add(v);
                    }
                    checkBudget(aborted);
                }
                if (chosen.isEmpty() && q.filtered()) {
                    continue;
                }
                if (out.size() == q.limit() || (alertsOut + chosen.size() > q.limit() && !chosen.isEmpty())) {
                    truncated = true;
                    int room = q.limit() - alertsOut;
                    if (out.size() == q.limit() || room <= 0) {
                        break;
                    }
                    chosen = chosen.subList(0, room);
                }
                ObjectNode o = out.addObject();
                o.put("groupKey", g.groupKey());
                o.put("route", g.route());
                o.set("labels", labels(g.labels()));
                ArrayNode receivers = o.putArray("receivers");
                g.receivers().forEach(receivers::add);
                ArrayNode alerts = o.putArray("alerts");
                chosen.forEach(v -> alerts.add(alertJson(v)));
                alertsOut += chosen.size();
                o.set("acknowledged", ackJson(g.ack()));
                o.put("nextTick", str(g.nextTick()));
                if (truncated) {
                    break;
                }
            }
            ObjectNode o = NODES.objectNode();
            o.set("groups", out);
            o.put("truncated", truncated);
            return new Answer(200, o);
        });
    }

    /** A filter whose regular expressions keep running out of their budget costs too much to answer. */
    private static void checkBudget(long abortedBefore) {
        if (Matcher.abortedMatches() - abortedBefore > MAX_ABORTED_MATCHES) {
            throw new ApiError(400, "filter", "filter: its regular expressions ran out of their matching budget on more than "
                + MAX_ABORTED_MATCHES + " labels (simplify them)");
        }
    }

    private static ObjectNode alertJson(AlertView v) {
        Alert a = v.alert();
        ObjectNode o = NODES.objectNode();
        o.put("fingerprint", v.fingerprint());
        o.put("state", v.state().name().toLowerCase(Locale.ROOT));
        o.set("labels", labels(v.labels()));
        o.putObject("annotations").put("summary", a.summary());
        o.put("startsAt", str(v.startsAt()));
        o.put("endsAt", str(v.endsAt()));
        o.put("lastSeen", str(v.lastSeen()));
        o.put("occurrences", v.occurrences());
        o.set("silencedBy", strings(v.silencedBy()));
        o.set("inhibitedBy", strings(v.inhibitedBy()));
        o.set("groups", strings(v.groups()));
        o.put("id", a.id());
        o.put("rule", a.rule());
        o.put("severity", a.severity().label());
        o.put("computer", a.computer());
        o.put("machine", a.machine());
        o.put("process", a.process());
        o.set("evidence", JSON.valueToTree(a.evidence()));
        return o;
    }

    private static JsonNode ackJson(Acknowledgement ack) {
        if (ack == null) {
            return NODES.nullNode();
        }
        ObjectNode o = NODES.objectNode();
        o.put("by", ack.by());
        o.put("comment", ack.comment());
        o.put("at", str(ack.at()));
        o.put("until", str(ack.until()));
        return o;
    }

    // ---------------------------------------------------------------- silences

    private void listSilences(RoutingContext ctx) {
        Set<Silence.State> states;
        int limit;
        try {
            states = states(ctx, Silence.State.class, Silence.State::parse);
            limit = limit(ctx);
        } catch (ApiError e) {
            error(ctx, e);
            return;
        }
        run(ctx, () -> {
            Instant now = sources.clock().instant();
            List<Silence> list = silences.list(now, states);
            ArrayNode out = NODES.arrayNode();
            for (Silence s : list.subList(0, Math.min(limit, list.size()))) {
                out.add(SilenceJson.toNode(s, now));
            }
            ObjectNode o = NODES.objectNode();
            o.set("silences", out);
            o.put("total", list.size());
            o.put("truncated", list.size() > out.size());
            return new Answer(200, o);
        });
    }

    private void getSilence(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        run(ctx, () -> {
            Silence s = silences.get(id).orElseThrow(() -> new ApiError(404, null, "no silence with this id"));
            return new Answer(200, SilenceJson.toNode(s, sources.clock().instant()));
        });
    }

    private void addSilence(RoutingContext ctx) {
        String author = principalName(ctx);
        JsonNode body;
        try {
            body = jsonBody(ctx);
        } catch (ApiError e) {
            error(ctx, e);
            return;
        }
        run(ctx, () -> {
            Instant now = sources.clock().instant();
            SilenceRequest r = SilenceRequest.read(body, now, author);
            Silence s;
            try {
                s = silences.add(r.matchers(), r.startsAt(), r.endsAt(), r.createdBy(), r.comment(), now);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, fieldOf(e.getMessage()), e.getMessage());
            }
            LOG.info("silence {} created by {} (signed in as {}): {} from {} until {}", s.id(), LogText.printable(s.createdBy()), author,
                LogText.printable(s.matchers().toString()), s.startsAt(), s.endsAt());
            ObjectNode o = NODES.objectNode();
            o.put("silenceID", s.id());
            return new Answer(200, o);
        });
    }

    private void expireSilence(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String who = principalName(ctx);
        run(ctx, () -> {
            Instant now = sources.clock().instant();
            Silence held = silences.get(id).orElseThrow(() -> new ApiError(404, null, "no silence with this id"));
            if (held.state(now) == Silence.State.EXPIRED) {
                throw new ApiError(409, null, "silence " + held.id() + " has already expired (at " + held.endsAt() + ")");
            }
            Silence expired;
            try {
                expired = silences.expire(id, now);
            } catch (NoSuchElementException e) {
                throw new ApiError(404, null, "no silence with this id");
            } catch (IllegalStateException e) {
                if (silences.get(id).map(s -> s.state(now) == Silence.State.EXPIRED).orElse(false)) {
                    throw new ApiError(409, null, "silence " + id + " has already expired");
                }
                throw e;
            }
            LOG.info("silence {} expired by {}", expired.id(), who);
            return new Answer(200, SilenceJson.toNode(expired, now));
        });
    }

    /** A silence as posted: {@code matchers}, {@code startsAt?}, {@code endsAt} or {@code duration}, {@code createdBy?}, {@code comment}. */
    private record SilenceRequest(Matchers matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {
        static SilenceRequest read(JsonNode body, Instant now, String author) {
            if (!body.isObject()) {
                throw new ApiError(400, "body", "body: expected a JSON object with matchers, endsAt or duration, and comment");
            }
            for (var it = body.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!SILENCE_FIELDS.contains(f)) {
                    throw new ApiError(400, LogText.shortened(f), LogText.shortened(f) + ": not a field of a silence (expected matchers, startsAt, endsAt or "
                        + "duration, createdBy, comment)");
                }
            }
            if (body.hasNonNull("id") && !body.get("id").asText().isEmpty()) {
                throw new ApiError(400, "id", "id: a silence cannot be changed; expire it (DELETE) and create a new one");
            }
            Matchers matchers = matchers(body.get("matchers"));
            Instant start = body.hasNonNull("startsAt") ? time(body, "startsAt") : now;
            Instant end;
            if (body.hasNonNull("endsAt") && body.hasNonNull("duration")) {
                throw new ApiError(400, "duration", "duration: give endsAt or duration, not both");
            } else if (body.hasNonNull("endsAt")) {
                end = time(body, "endsAt");
            } else if (body.hasNonNull("duration")) {
                Duration d = duration(text(body, "duration"));
                Instant from = start.isBefore(now) ? now : start;
                try {
                    end = from.plus(d);
                } catch (DateTimeException | ArithmeticException e) {
                    throw new ApiError(400, "duration", "duration: too long");
                }
            } else {
                throw new ApiError(400, "endsAt", "endsAt: missing (give endsAt or duration)");
            }
            String createdBy = body.hasNonNull("createdBy") ? text(body, "createdBy") : author;
            String comment = body.hasNonNull("comment") ? text(body, "comment") : null;
            return new SilenceRequest(matchers, start, end, createdBy, comment);
        }

        /** A list of {@code {name, op, value}} objects (or Alertmanager's isRegex/isEqual) or of matcher texts, or one text. */
        private static Matchers matchers(JsonNode m) {
            if (m == null || m.isNull()) {
                throw new ApiError(400, "matchers", "matchers: missing");
            }
            if (m.isTextual()) {
                try {
                    return Matchers.parse(m.textValue());
                } catch (IllegalArgumentException e) {
                    throw new ApiError(400, "matchers", "matchers: " + e.getMessage());
                }
            }
            if (!m.isArray()) {
                throw new ApiError(400, "matchers", "matchers: expected a list of matchers");
            }
            if (m.size() > Matchers.MAX_MATCHERS) {
                throw new ApiError(400, "matchers", "matchers: " + m.size() + " matchers; the limit is " + Matchers.MAX_MATCHERS);
            }
            List<Matcher> out = new ArrayList<>(m.size());
            for (int i = 0; i < m.size(); i++) {
                JsonNode e = m.get(i);
                String at = "matchers[" + i + "]";
                if (e.isTextual()) {
                    try {
                        out.add(Matcher.parse(e.textValue()));
                    } catch (IllegalArgumentException ex) {
                        throw new ApiError(400, at, at + ": " + ex.getMessage());
                    }
                } else {
                    try {
                        out.addAll(SilenceJson.matchers(NODES.arrayNode().add(e)).all());
                    } catch (IllegalArgumentException ex) {
                        // SilenceJson names the entry of the one-element list it was given
                        String msg = ex.getMessage().startsWith("matchers[0]") ? at + ex.getMessage().substring("matchers[0]".length())
                            : at + ": " + ex.getMessage();
                        throw new ApiError(400, fieldOf(msg), msg);
                    }
                }
            }
            return new Matchers(out);
        }
    }

    // ---------------------------------------------------------------- acknowledgements

    private void acknowledge(RoutingContext ctx) {
        String key = ctx.pathParam("groupKey");
        String by = principalName(ctx);
        JsonNode body;
        try {
            body = ctx.body().length() == 0 ? NODES.objectNode() : jsonBody(ctx);
            if (!body.isObject()) {
                throw new ApiError(400, "body", "body: expected a JSON object {comment, until}");
            }
        } catch (ApiError e) {
            error(ctx, e);
            return;
        }
        run(ctx, () -> {
            Instant now = sources.clock().instant();
            for (var it = body.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("comment") && !f.equals("until")) {
                    throw new ApiError(400, LogText.shortened(f), LogText.shortened(f) + ": not a field of an acknowledgement (expected comment, until)");
                }
            }
            String comment = body.hasNonNull("comment") ? text(body, "comment") : "";
            if (comment.length() > MAX_ACK_COMMENT) {
                throw new ApiError(400, "comment", "comment: " + comment.length() + " characters; the limit is " + MAX_ACK_COMMENT);
            }
            Instant until = body.hasNonNull("until") ? time(body, "until") : null;
            if (until != null && !until.isAfter(now)) {
                throw new ApiError(400, "until", "until: " + until + " is not in the future");
            }
            Acknowledgement ack = new Acknowledgement(by, comment, now, until);
            try {
                lifecycle.acknowledge(key, ack);
            } catch (NoSuchElementException e) {
                throw new ApiError(404, null, "no alert group with this key");
            }
            LOG.info("alert group {} acknowledged by {}{}", key, by, until == null ? "" : " until " + until);
            ObjectNode o = NODES.objectNode();
            o.put("groupKey", key);
            o.set("acknowledged", ackJson(ack));
            return new Answer(200, o);
        });
    }

    private void unacknowledge(RoutingContext ctx) {
        String key = ctx.pathParam("groupKey");
        String by = principalName(ctx);
        run(ctx, () -> {
            boolean known = lifecycle.group(key).isPresent();
            boolean had = lifecycle.unacknowledge(key);
            if (!known && !had) {
                throw new ApiError(404, null, "no alert group with this key");
            }
            if (had) {
                LOG.info("acknowledgement of alert group {} withdrawn by {}", key, by);
            }
            ObjectNode o = NODES.objectNode();
            o.put("groupKey", key);
            o.put("withdrawn", had);
            return new Answer(200, o);
        });
    }

    /** {@code GET /ack}: the confirmation page of a valid link; changes nothing. */
    private void linkPage(RoutingContext ctx) {
        String g = ctx.request().getParam("g");
        String exp = ctx.request().getParam("exp");
        String sig = ctx.request().getParam("sig");
        Optional<String> key = verify(ctx, g, exp, sig);
        if (key.isEmpty()) {
            return;
        }
        ctx.vertx().executeBlocking(() -> lifecycle.group(key.get()), false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.error("acknowledgement page failed: {}", ar.cause().toString());
                AckPage.send(ctx, 500, AckPage.message("Something went wrong", "The page could not be made; see the service's log."));
            } else if (ar.result().isEmpty()) {
                AckPage.send(ctx, 404, AckPage.message("Nothing to acknowledge", "This alert group is over (all its alerts resolved)."));
            } else {
                AckPage.send(ctx, 200, AckPage.confirm(ar.result().get(), g, exp, sig));
            }
        });
    }

    /** {@code POST /ack}: the confirmation page's form acknowledges the group as {@value #LINK_ACKNOWLEDGER}. */
    private void linkAcknowledge(RoutingContext ctx) {
        String g = ctx.request().getFormAttribute("g");
        String exp = ctx.request().getFormAttribute("exp");
        String sig = ctx.request().getFormAttribute("sig");
        String comment = Optional.ofNullable(ctx.request().getFormAttribute("comment")).orElse("").strip();
        Optional<String> key = verify(ctx, g, exp, sig);
        if (key.isEmpty()) {
            return;
        }
        if (comment.length() > MAX_LINK_COMMENT) {
            AckPage.send(ctx, 400, AckPage.message("Not acknowledged", "The comment is longer than " + MAX_LINK_COMMENT + " characters."));
            return;
        }
        ctx.vertx().executeBlocking(() -> {
            Acknowledgement ack = new Acknowledgement(LINK_ACKNOWLEDGER, comment, sources.clock().instant(), null);
            try {
                lifecycle.acknowledge(key.get(), ack);
            } catch (NoSuchElementException e) {
                return null;
            }
            LOG.info("alert group {} acknowledged by signed link", key.get());
            return Map.entry(ack, lifecycle.group(key.get()));
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.error("acknowledgement by link failed: {}", ar.cause().toString());
                AckPage.send(ctx, 500, AckPage.message("Something went wrong", "Not acknowledged; see the service's log."));
            } else if (ar.result() == null) {
                AckPage.send(ctx, 404, AckPage.message("Nothing to acknowledge", "This alert group is over (all its alerts resolved)."));
            } else {
                AckPage.send(ctx, 200, AckPage.done(ar.result().getValue().orElse(null), ar.result().getKey()));
            }
        });
    }

    /** The group key a link acknowledges, or empty after answering 404 (links off) or 403 (not valid, or expired). */
    private Optional<String> verify(RoutingContext ctx, String g, String exp, String sig) {
        AckLinks links = sources.ackLinks();
        if (links == null) {
            AckPage.send(ctx, 404, AckPage.message("Acknowledgement links are off", "This service signs no acknowledgement links."));
            return Optional.empty();
        }
        Optional<String> key = links.verify(g, exp, sig);
        if (key.isEmpty()) {
            AckPage.send(ctx, 403, AckPage.message("This link does not work",
                "The link is not valid or has expired. Acknowledge the group in the console or through the API."));
        }
        return key;
    }

    // ---------------------------------------------------------------- delivery

    private void receivers(RoutingContext ctx) {
        run(ctx, () -> {
            ObjectNode o = NODES.objectNode();
            ArrayNode list = o.putArray("receivers");
            Delivery d = sources.delivery();
            if (d == null) {
                return new Answer(200, o);
            }
            Map<String, Integer> pending = d.outbox().pendingCounts();
            Map<String, Integer> dead = new HashMap<>();
            d.outbox().deadLetters().forEach(e -> dead.merge(e.receiver(), 1, Integer::sum));
            for (String r : d.dispatcher().receivers()) {
                Dispatcher.Counters c = d.dispatcher().counters(r);
                Dispatcher.Circuit circuit = d.dispatcher().circuit(r);
                ObjectNode n = list.addObject();
                n.put("name", r);
                n.put("pending", pending.getOrDefault(r, 0));
                n.put("deadLetters", dead.getOrDefault(r, 0));
                n.put("delivered", c.delivered.get());
                n.put("alertsDelivered", c.alertsDelivered.get());
                n.put("failures", c.failures.get());
                n.put("deadLettered", c.deadLettered.get());
                n.put("circuit", circuit.open() ? "open" : "closed");
                n.put("circuitOpenUntil", str(circuit.openUntil()));
                n.put("pausedUntil", str(circuit.pausedUntil()));
            }
            return new Answer(200, o);
        });
    }

    private void deadLetters(RoutingContext ctx) {
        int limit;
        try {
            limit = limit(ctx);
        } catch (ApiError e) {
            error(ctx, e);
            return;
        }
        run(ctx, () -> {
            Delivery d = sources.delivery();
            List<OutboxEntry> dead = d == null ? List.of() : d.outbox().deadLetters();
            ObjectNode o = NODES.objectNode();
            ArrayNode list = o.putArray("deadLetters");
            for (OutboxEntry e : dead.subList(0, Math.min(limit, dead.size()))) {
                list.add(deadLetterJson(e));
            }
            o.put("total", dead.size());
            o.put("pending", d == null ? 0 : d.outbox().pendingCount());
            o.put("truncated", dead.size() > list.size());
            return new Answer(200, o);
        });
    }

    private static ObjectNode deadLetterJson(OutboxEntry e) {
        Notification n = e.notification();
        ObjectNode o = NODES.objectNode();
        o.put("id", e.id());
        o.put("receiver", e.receiver());
        o.put("groupKey", n.groupKey());
        o.put("status", n.status().label());
        o.put("severity", n.worstSeverity().label());
        o.put("alerts", n.alerts().size());
        o.put("attempts", e.attempts());
        o.put("lastError", e.lastError());
        o.put("queuedAt", Instant.ofEpochMilli(e.queuedAt()).toString());
        if (!n.alerts().isEmpty()) {
            Alert a = n.alerts().get(0).alert();
            o.putObject("firstAlert").put("id", a.id()).put("rule", a.rule()).put("computer", a.computer() != null ? a.computer()
                : a.machine()).put("summary", a.summary());
        }
        return o;
    }

    private void replayDeadLetters(RoutingContext ctx) {
        deadLetterChange(ctx, "replayed", (outbox, ids) -> outbox.replayDead(ids, sources.clock().millis()));
    }

    private void dropDeadLetters(RoutingContext ctx) {
        deadLetterChange(ctx, "dropped", io.connwatch.notify.Outbox::purgeDead);
    }

    /** Replays or drops the dead letters a body names ({@code {"ids": [..]}}) or all of them ({@code {"all": true}}). */
    private void deadLetterChange(RoutingContext ctx, String done, java.util.function.BiFunction<io.connwatch.notify.Outbox, List<Long>,
        Integer> change) {
        String who = principalName(ctx);
        JsonNode body;
        try {
            body = jsonBody(ctx);
        } catch (ApiError e) {
            error(ctx, e);
            return;
        }
        run(ctx, () -> {
            boolean all = body.path("all").asBoolean(false);
            JsonNode idsNode = body.get("ids");
            if (!body.isObject() || (all == (idsNode != null && !idsNode.isNull()))) {
                throw new ApiError(400, "ids", "ids: give {\"ids\": [1, 2]} or {\"all\": true}");
            }
            List<Long> ids = new ArrayList<>();
            if (!all) {
                if (!idsNode.isArray() || idsNode.size() > MAX_LIMIT) {
                    throw new ApiError(400, "ids", "ids: expected a list of at most " + MAX_LIMIT + " dead letter ids");
                }
                for (JsonNode id : idsNode) {
                    if (!id.canConvertToLong() || !id.isIntegralNumber()) {
                        throw new ApiError(400, "ids", "ids: expected numbers, got " + LogText.shortened(id.toString()));
                    }
                    ids.add(id.asLong());
                }
            }
            Delivery d = sources.delivery();
            if (d == null) {
                throw new ApiError(404, null, "no receiver is configured: there are no dead letters");
            }
            Set<Long> dead = new java.util.HashSet<>();
            d.outbox().deadLetters().forEach(e -> dead.add(e.id()));
            List<Long> found = ids.stream().distinct().filter(dead::contains).toList();
            List<Long> missing = ids.stream().distinct().filter(id -> !dead.contains(id)).toList();
            // an empty list means "all" to the outbox: name none found, change none
            int n = all ? change.apply(d.outbox(), List.of()) : found.isEmpty() ? 0 : change.apply(d.outbox(), found);
            if (done.equals("replayed")) {
                d.dispatcher().receivers().forEach(d.dispatcher()::wake);
            }
            LOG.info("{} dead letter(s) {} by {}", n, done, who);
            ObjectNode o = NODES.objectNode();
            o.put(done, n);
            ArrayNode m = o.putArray("notDeadLetters");
            missing.forEach(m::add);
            return new Answer(200, o);
        });
    }

    // ---------------------------------------------------------------- /stats

    /** The {@code lifecycle} section of {@code /stats}. */
    public JsonObject statsJson() {
        Map<GroupDispatcher.State, Integer> byState = new EnumMap<>(GroupDispatcher.State.class);
        for (GroupDispatcher.State s : GroupDispatcher.State.values()) {
            byState.put(s, 0);
        }
        lifecycle.alerts().forEach(v -> byState.merge(v.state(), 1, Integer::sum));
        JsonObject alerts = new JsonObject();
        byState.forEach((s, n) -> alerts.put(s.name().toLowerCase(Locale.ROOT), n));
        JsonObject silenceStates = new JsonObject();
        silences.countByState(sources.clock().instant()).forEach((s, n) -> silenceStates.put(s.apiName(), n));
        GroupDispatcher.Counters c = lifecycle.counters();
        return new JsonObject()
            .put("time", lifecycle.now().toString())
            .put("alerts", alerts)
            .put("groups", lifecycle.groupCount())
            .put("acknowledgedGroups", lifecycle.acknowledgements().size())
            .put("received", c.received.get())
            .put("reopened", c.reopened.get())
            .put("resolved", c.resolved.get())
            .put("evicted", c.evicted.get())
            .put("notifications", new JsonObject().put("firing", c.notificationsFiring.get()).put("resolved", c.notificationsResolved.get())
                .put("acknowledgement", c.notificationsAcknowledgement.get())
                .put("repeatsSkippedAcknowledged", c.notificationsAcknowledgedSkipped.get()))
            .put("held", new JsonObject().put("silenced", c.heldSilenced.get()).put("inhibited", c.heldInhibited.get())
                .put("muted", c.heldMuted.get()))
            .put("silences", silenceStates)
            .put("regexMatchesAborted", Matcher.abortedMatches());
    }

    // ---------------------------------------------------------------- parameters, bodies, answers

    private static <E extends Enum<E>> Set<E> states(RoutingContext ctx, Class<E> type, Function<String, E> parse) {
        Set<E> out = EnumSet.noneOf(type);
        for (String param : ctx.queryParam("state")) {
            for (String s : param.split(",")) {
                if (s.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse.apply(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    List<String> names = EnumSet.allOf(type).stream().map(x -> x.name().toLowerCase(Locale.ROOT)).toList();
                    throw new ApiError(400, "state", "state: unknown '" + LogText.shortened(s.trim()) + "' (expected " + String.join(", ", names) + ")");
                }
            }
        }
        return out.isEmpty() ? EnumSet.allOf(type) : out;
    }

    private static int limit(RoutingContext ctx) {
        List<String> l = ctx.queryParam("limit");
        if (l.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(l.get(0).trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiError(400, "limit", "limit: expected a number from 1 to " + MAX_LIMIT + ", got '" + LogText.shortened(l.get(0)) + "'");
    }

    private static JsonNode jsonBody(RoutingContext ctx) {
        String type = Optional.ofNullable(ctx.request().getHeader("Content-Type")).orElse("application/json").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new ApiError(415, "body", "body: send application/json");
        }
        try {
            JsonNode n = JSON.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
            if (n == null || n.isMissingNode()) {
                throw new ApiError(400, "body", "body: empty; expected a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "body", "body: not JSON (" + LogText.shortened(e.getOriginalMessage()) + ")");
        } catch (java.io.IOException e) {
            throw new ApiError(400, "body", "body: unreadable");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (!f.isTextual()) {
            throw new ApiError(400, field, field + ": expected text");
        }
        return f.textValue();
    }

    private static Instant time(JsonNode n, String field) {
        String t = text(n, field);
        try {
            return OffsetDateTime.parse(t.trim()).toInstant();
        } catch (DateTimeException e) {
            throw new ApiError(400, field, field + ": not an ISO-8601 time such as 2026-03-01T12:00:00Z: '" + LogText.shortened(t) + "'");
        }
    }

    private static Duration duration(String text) {
        if (text.length() > 64) {
            throw new ApiError(400, "duration", "duration: not a duration: '" + LogText.shortened(text) + "'");
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "duration", "duration: " + e.getMessage());
        }
        if (d.isNegative() || d.isZero()) {
            throw new ApiError(400, "duration", "duration: must be positive");
        }
        return d;
    }

    /** The field a validation message starts with ({@code endsAt: ...}, {@code matchers[1].value: ...}). */
    private static String fieldOf(String message) {
        int colon = message.indexOf(':');
        return colon > 0 && colon < 80 && message.substring(0, colon).matches("[A-Za-z]+(\\[\\d+])?(\\.[A-Za-z]+)?") ? message.substring(0, colon)
            : null;
    }

    private static String principalName(RoutingContext ctx) {
        return HttpSecurity.principal(ctx).map(Principal::name).orElse("anonymous");
    }

    private static void run(RoutingContext ctx, Callable<Answer> work) {
        ctx.vertx().executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                send(ctx, ar.result().status(), ar.result().json());
            } else if (ar.cause() instanceof ApiError e) {
                error(ctx, e);
            } else {
                LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), ar.cause().toString());
                error(ctx, new ApiError(500, null, "internal error; see the service's log"));
            }
        });
    }

    private static void error(RoutingContext ctx, ApiError e) {
        ObjectNode o = NODES.objectNode();
        o.put("error", e.getMessage());
        if (e.field != null) {
            o.put("field", e.field);
        }
        if (!ctx.request().isEnded()) {
            ctx.response().putHeader("Connection", "close");
            ctx.addEndHandler(v -> ctx.request().connection().close());
        }
        send(ctx, e.status, o);
    }

    private static void send(RoutingContext ctx, int status, JsonNode body) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(body.toString());
    }

    private static ObjectNode labels(Map<String, String> labels) {
        ObjectNode o = NODES.objectNode();
        new TreeMap<>(labels).forEach(o::put);
        return o;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = NODES.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
