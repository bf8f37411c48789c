package io.connwatch.engine.api.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The first handler of every request: Host, then Origin for a change, then the access table,
 * then the token or session (with its CSRF token for a change), then the role. A request passes
 * on with its {@link Principal} in the context, or is answered here.
 */
final class RequestGuard implements Handler<RoutingContext> {
    private final HttpSecurity security;

    RequestGuard(HttpSecurity security) {
        this.security = security;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HostAndPort authority = req.authority();
        // a request without a Host (HTTP/1.0) comes from no browser, so no rebinding page sent it;
        // one whose Host cannot be read is refused like a foreign one
        if (authority == null ? req.getHeader("Host") != null : !security.hosts().allows(authority.host())) {
            security.hostRefused.increment();
            HttpSecurity.refuse(ctx, 421, "this server does not answer for that Host: list the name in http.allowed-hosts");
            return;
        }
        boolean change = changes(req.method());
        if (change && crossSite(req)) {
            security.originRefused.increment();
            HttpSecurity.refuse(ctx, 403, "a page from another origin may not change anything here");
            return;
        }
        AccessTable.Access access = security.table().access(req.method().name(), ctx.normalizedPath());
        if (access == AccessTable.Access.PUBLIC) {
            ctx.next();
            return;
        }
        String authorization = req.getHeader("Authorization");
        Cookie cookie = req.getCookie(HttpSecurity.SESSION_COOKIE);
        if (authorization == null && cookie == null) {
            security.unauthenticated.increment();
            HttpSecurity.unauthorized(ctx, false);
            return;
        }
        String address = HttpSecurity.remote(req);
        long wait = security.failures().retryAfterSeconds(address);
        if (wait > 0) {
            HttpSecurity.tooManyFailures(ctx, wait);
            return;
        }
        Principal principal;
        if (authorization != null) {
            Optional<Principal> p = security.tokens().verify(bearer(authorization));
            if (p.isEmpty()) {
                security.failures().failed(address);
                HttpSecurity.unauthorized(ctx, true);
                return;
            }
            principal = p.get();
        } else {
            Optional<SessionStore.Session> s = security.sessions().find(cookie.getValue());
            if (s.isEmpty()) {
                security.failures().failed(address);
                HttpSecurity.unauthorized(ctx, true);
                return;
            }
            if (change && !sameToken(req.getHeader(HttpSecurity.CSRF_HEADER), s.get().csrfToken())) {
                security.csrfRefused.increment();
                HttpSecurity.refuse(ctx, 403, "a change signed in by the session cookie must carry the session's "
                    + HttpSecurity.CSRF_HEADER + " header");
                return;
            }
            principal = s.get().principal();
            ctx.put(HttpSecurity.SESSION_KEY, s.get());
        }
        Role needed = access.role();
        if (needed != null && !principal.may(needed)) {
            security.forbidden.increment();
            HttpSecurity.refuse(ctx, 403, "'" + principal.name() + "' may not do this: it needs the role " + needed.configName());
            return;
        }
        ctx.put(HttpSecurity.PRINCIPAL_KEY, principal);
        ctx.next();
    }

    /** Every method but GET and HEAD may change something. */
    static boolean changes(HttpMethod method) {
        return !method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD);
    }

    /**
     * A present Origin that is not one of the allowed hosts, or a browser's own word that the
     * request is cross-site. An opaque {@code Origin: null} passes only with the browser's
     * {@code Sec-Fetch-Site: same-origin}: a page served with {@code Referrer-Policy: no-referrer}
     * (the acknowledgement page) posts its form with {@code Origin: null}, and no other page can
     * make the browser say same-origin.
     */
    private boolean crossSite(HttpServerRequest req) {
        String origin = req.getHeader("Origin");
        String site = req.getHeader("Sec-Fetch-Site");
        if (origin != null && !security.hosts().allowsOrigin(origin)
            && !(origin.trim().equals("null") && "same-origin".equalsIgnoreCase(site))) {
            return true;
        }
        return "cross-site".equalsIgnoreCase(site);
    }

    /** The token of {@code Bearer <token>}, or null for any other scheme. */
    private static String bearer(String authorization) {
        String a = authorization.trim();
        if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return a.substring(7).trim();
        }
        return null;
    }

    private static boolean sameToken(String presented, String expected) {
        return presented != null
            && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
