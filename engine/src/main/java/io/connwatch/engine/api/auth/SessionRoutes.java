package io.connwatch.engine.api.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.Optional;

/**
 * The console's sign-in: {@code POST /api/v1/session} with {@code {"token": "..."}} (JSON or a
 * form) sets the session cookie and answers {@code {"csrfToken", "name", "roles"}};
 * {@code GET} answers the same for a live session; {@code DELETE} ends it.
 */
final class SessionRoutes {
    /** A sign-in body at most: a token and some JSON around it. */
    private static final long MAX_BODY = 4096;

    private final HttpSecurity security;

    SessionRoutes(HttpSecurity security) {
        this.security = security;
    }

    void mount(Router router) {
        router.post(HttpSecurity.SESSION_PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(this::signIn);
        router.get(HttpSecurity.SESSION_PATH).handler(this::whoAmI);
        router.delete(HttpSecurity.SESSION_PATH).handler(this::signOut);
    }

    private void signIn(RoutingContext ctx) {
        String address = HttpSecurity.remote(ctx.request());
        long wait = security.failures().retryAfterSeconds(address);
        if (wait > 0) {
            HttpSecurity.tooManyFailures(ctx, wait);
            return;
        }
        String type = Optional.ofNullable(ctx.request().getHeader("Content-Type")).orElse("").toLowerCase(Locale.ROOT);
        String token;
        if (type.startsWith("application/json")) {
            try {
                JsonObject body = ctx.body().asJsonObject();
                token = body == null || !(body.getValue("token") instanceof String s) ? null : s;
            } catch (DecodeException | ClassCastException e) {
                token = null;
            }
        } else if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
            token = ctx.request().getFormAttribute("token");
        } else {
            HttpSecurity.refuse(ctx, 415, "send {\"token\": \"...\"} as application/json, or token=... as a form");
            return;
        }
        if (token == null || token.isEmpty()) {
            HttpSecurity.refuse(ctx, 400, "send {\"token\": \"...\"} as application/json, or token=... as a form");
            return;
        }
        Optional<Principal> p = security.tokens().verify(token);
        if (p.isEmpty()) {
            security.failures().failed(address);
            HttpSecurity.unauthorized(ctx, true);
            return;
        }
        SessionStore.Created created = security.sessions().create(p.get());
        ctx.response().addCookie(cookie(created.cookieValue(), security.sessions().ttl().toSeconds()));
        HttpSecurity.json(ctx, 200, sessionJson(p.get(), created.session()));
    }

    private void whoAmI(RoutingContext ctx) {
        Principal p = HttpSecurity.principal(ctx).orElseThrow();
        HttpSecurity.json(ctx, 200, sessionJson(p, ctx.get(HttpSecurity.SESSION_KEY)));
    }

    private void signOut(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(HttpSecurity.SESSION_COOKIE);
        if (c != null) {
            security.sessions().remove(c.getValue());
            ctx.response().addCookie(cookie("", 0));
        }
        ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
    }

    private Cookie cookie(String value, long maxAgeSeconds) {
        return Cookie.cookie(HttpSecurity.SESSION_COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
            .setSecure(security.tls()).setMaxAge(maxAgeSeconds);
    }

    /** The principal, and with a session its CSRF token and expiry (a bearer token needs no CSRF token). */
    private static JsonObject sessionJson(Principal p, SessionStore.Session s) {
        JsonObject o = new JsonObject();
        if (s != null) {
            o.put("csrfToken", s.csrfToken());
        }
        o.put("name", p.name()).put("roles", new JsonArray(p.roleNames()));
        if (s != null) {
            o.put("expires", s.expires().toString());
        }
        return o;
    }
}
