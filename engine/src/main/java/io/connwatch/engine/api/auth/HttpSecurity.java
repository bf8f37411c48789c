package io.connwatch.engine.api.auth;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything that guards the HTTP API, built once per server: the allowed hosts, the tokens (as
 * hashes), the browser sessions, the failed sign-ins per address and the {@link AccessTable}.
 * {@link #mount} puts its guard in front of every route and adds the session routes; every
 * refusal is JSON naming no secret.
 */
public final class HttpSecurity {
    /** The console's session cookie: {@code HttpOnly; SameSite=Strict; Path=/}, and {@code Secure} over TLS. */
    public static final String SESSION_COOKIE = "connwatch_session";
    /** The header a change signed in by the session cookie must carry, with the session's CSRF token. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** POST signs in (token in the body), GET tells who is signed in, DELETE signs out. */
    public static final String SESSION_PATH = "/api/v1/session";
    /** Where a browser opening the console without a valid session is sent. */
    public static final String CONSOLE_LOGIN = "/console/login.html";
    private static final Set<String> CONSOLE_PAGES = Set.of("/console", "/console/", "/console/index.html");
    static final String PRINCIPAL_KEY = "connwatch.principal";
    static final String SESSION_KEY = "connwatch.session";

    /**
     * The {@code http} settings that guard the API.
     *
     * @param allowedHosts         names the server answers for, any port ({@code *}: every name)
     * @param tokens               the configured tokens; none means the admin token in {@code adminTokenFile}
     * @param adminTokenFile       where the admin token is generated (0600) and kept when no token is configured
     * @param sessionTtl           a console session ends this long after sign-in
     * @param maxSessions          sessions kept at most (the one closest to expiry goes first)
     * @param maxFailuresPerMinute failed sign-ins per remote address and minute before further attempts get 429
     * @param tls                  HTTPS settings, or null for plain HTTP
     */
    public record Settings(List<String> allowedHosts, List<ApiToken> tokens, Path adminTokenFile, Duration sessionTtl, int maxSessions,
                           int maxFailuresPerMinute, TlsSettings tls) {
        public static final Path DEFAULT_ADMIN_TOKEN_FILE = Path.of("data", "admin-token");
        public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);
        public static final int DEFAULT_MAX_SESSIONS = 1_000;
        public static final int DEFAULT_MAX_FAILURES_PER_MINUTE = 20;

        public Settings {
            allowedHosts = List.copyOf(allowedHosts);
            tokens = List.copyOf(tokens);
        }

        /** These tokens, loopback names only, plain HTTP and every other setting at its default. */
        public static Settings withTokens(List<ApiToken> tokens) {
            return new Settings(AllowedHosts.LOOPBACK, tokens, DEFAULT_ADMIN_TOKEN_FILE, DEFAULT_SESSION_TTL, DEFAULT_MAX_SESSIONS,
                DEFAULT_MAX_FAILURES_PER_MINUTE, null);
        }

        public Settings withTls(TlsSettings newTls) {
            return new Settings(allowedHosts, tokens, adminTokenFile, sessionTtl, maxSessions, maxFailuresPerMinute, newTls);
        }

        public Settings withAllowedHosts(List<String> hosts) {
            return new Settings(hosts, tokens, adminTokenFile, sessionTtl, maxSessions, maxFailuresPerMinute, tls);
        }

        public Settings withMaxFailuresPerMinute(int n) {
            return new Settings(allowedHosts, tokens, adminTokenFile, sessionTtl, maxSessions, n, tls);
        }
    }

    /** Addresses whose failures are remembered at most. */
    private static final int MAX_ADDRESSES = 10_000;

    private final Settings settings;
    private final AllowedHosts hosts;
    private final TokenVerifier tokens;
    private final SessionStore sessions;
    private final FailedAttempts failures;
    private final AccessTable table;
    final LongAdder unauthenticated = new LongAdder();
    final LongAdder forbidden = new LongAdder();
    final LongAdder csrfRefused = new LongAdder();
    final LongAdder hostRefused = new LongAdder();
    final LongAdder originRefused = new LongAdder();

    /** Guards with the configured tokens, which must not be empty (see {@link #start} for the generated admin token). */
    public HttpSecurity(Settings settings, AccessTable table, Clock clock) {
        this(settings, settings.tokens(), table, clock);
    }

    private HttpSecurity(Settings settings, List<ApiToken> tokens, AccessTable table, Clock clock) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no token: every request but liveness would be refused");
        }
        this.settings = settings;
        this.hosts = new AllowedHosts(settings.allowedHosts());
        this.tokens = new TokenVerifier(tokens);
        this.sessions = new SessionStore(settings.sessionTtl(), settings.maxSessions(), clock);
        this.failures = new FailedAttempts(settings.maxFailuresPerMinute(), MAX_ADDRESSES, clock);
        this.table = table;
    }

    /** Guards with the configured tokens, or, when none is, with the admin token of {@link AdminTokenFile} (generated at the first start). */
    public static HttpSecurity start(Settings settings) throws IOException {
        List<ApiToken> t = settings.tokens().isEmpty() ? List.of(AdminTokenFile.loadOrCreate(settings.adminTokenFile())) : settings.tokens();
        return new HttpSecurity(settings, t, AccessTable.DEFAULT, Clock.systemUTC());
    }

    /** Puts the guard in front of every route (mount this first) and adds the session routes. */
    public void mount(Router router) {
        router.route().handler(new RequestGuard(this));
        new SessionRoutes(this).mount(router);
    }

    /** The server options with HTTPS when configured. */
    public HttpServerOptions applyTo(HttpServerOptions options) {
        return settings.tls() == null ? options : settings.tls().applyTo(options);
    }

    /** Whether the API is served over TLS (session cookies are then {@code Secure}). */
    public boolean tls() {
        return settings.tls() != null;
    }

    /** Refusals and sessions, for the {@code http} section of /stats. */
    public JsonObject statsJson() {
        return new JsonObject().put("authFailures", failures.failures()).put("authRateLimited", failures.refusals())
            .put("unauthenticated", unauthenticated.sum()).put("forbidden", forbidden.sum()).put("csrfRefused", csrfRefused.sum())
            .put("hostRefused", hostRefused.sum()).put("originRefused", originRefused.sum()).put("sessions", sessions.size());
    }

    /** Who the request is signed in as; empty on a public route. */
    public static Optional<Principal> principal(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(PRINCIPAL_KEY));
    }

    AllowedHosts hosts() {
        return hosts;
    }

    TokenVerifier tokens() {
        return tokens;
    }

    SessionStore sessions() {
        return sessions;
    }

    FailedAttempts failures() {
        return failures;
    }

    AccessTable table() {
        return table;
    }

    static String remote(HttpServerRequest req) {
        SocketAddress a = req.remoteAddress();
        return a == null || a.hostAddress() == null ? "" : a.hostAddress();
    }

    static void unauthorized(RoutingContext ctx, boolean presented) {
        if (consolePageOpened(ctx)) {
            // a person opening the console (or whose session ended) gets its sign-in page, not JSON;
            // the browser keeps the #/route for the sign-in page to return to
            ctx.response().setStatusCode(303).putHeader("Location", CONSOLE_LOGIN).putHeader("Cache-Control", "no-store").end();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", presented ? "Bearer realm=\"connwatch\", error=\"invalid_token\"" : "Bearer realm=\"connwatch\"");
        refuse(ctx, 401, presented ? "the token or session is not valid"
            : "sign in: send Authorization: Bearer <token> (or the console's session cookie)");
    }

    /**
     * A browser opening the console's page itself (a navigation, not a script's request):
     * {@code GET /console}, {@code /console/} or {@code /console/index.html}.
     */
    private static boolean consolePageOpened(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (!req.method().equals(HttpMethod.GET) || !CONSOLE_PAGES.contains(ctx.normalizedPath())) {
            return false;
        }
        String mode = req.getHeader("Sec-Fetch-Mode");
        String accept = req.getHeader("Accept");
        return mode != null ? mode.equalsIgnoreCase("navigate") : accept != null && accept.contains("text/html");
    }

    static void tooManyFailures(RoutingContext ctx, long retryAfterSeconds) {
        ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
        refuse(ctx, 429, "too many failed sign-ins from this address; retry after Retry-After seconds");
    }

    /**
     * Answers an error as JSON; when the request's body is still arriving the connection is closed
     * after the answer, so a refused sender cannot keep it busy.
     */
    static void refuse(RoutingContext ctx, int status, String message) {
        HttpServerResponse r = ctx.response();
        if (!ctx.request().isEnded()) {
            r.putHeader("Connection", "close");
            ctx.addEndHandler(v -> ctx.request().connection().close());
        }
        json(ctx, status, new JsonObject().put("error", message));
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(body.encode());
    }
}
