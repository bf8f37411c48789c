package io.connwatch.engine.api.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The console's browser sessions, kept in memory: each a random cookie value, the principal it
 * signed in as, its CSRF token and an absolute expiry. Sessions are found by the SHA-256 of the
 * cookie value; at most {@code maxSessions} are kept (the one closest to expiry goes first).
 */
public final class SessionStore {
    /** A live session. */
    public record Session(Principal principal, String csrfToken, Instant expires) {
        @Override
        public String toString() {
            return "Session[" + principal.name() + " until " + expires + "]";
        }
    }

    /** A session just created, with the cookie value that names it (given to the browser only). */
    public record Created(String cookieValue, Session session) {
        @Override
        public String toString() {
            return session.toString();
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration ttl;
    private final int maxSessions;
    private final Clock clock;
    private final Map<String, Session> byHash = new HashMap<>();

    public SessionStore(Duration ttl, int maxSessions, Clock clock) {
        this.ttl = ttl;
        this.maxSessions = maxSessions;
        this.clock = clock;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Starts a session for {@code principal}. */
    public synchronized Created create(Principal principal) {
        Instant now = clock.instant();
        if (byHash.size() >= maxSessions) {
            byHash.values().removeIf(s -> !s.expires().isAfter(now));
        }
        while (byHash.size() >= maxSessions) {
            Iterator<Map.Entry<String, Session>> it = byHash.entrySet().iterator();
            Map.Entry<String, Session> soonest = it.next();
            while (it.hasNext()) {
                Map.Entry<String, Session> e = it.next();
                if (e.getValue().expires().isBefore(soonest.getValue().expires())) {
                    soonest = e;
                }
            }
            byHash.remove(soonest.getKey());
        }
        String cookie = random();
        Session s = new Session(principal, random(), now.plus(ttl));
        byHash.put(key(cookie), s);
        return new Created(cookie, s);
    }

    /** The live session a cookie value names; an expired one is forgotten. */
    public synchronized Optional<Session> find(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty()) {
            return Optional.empty();
        }
        String k = key(cookieValue);
        Session s = byHash.get(k);
        if (s == null) {
            return Optional.empty();
        }
        if (!s.expires().isAfter(clock.instant())) {
            byHash.remove(k);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Ends the session a cookie value names, if any. */
    public synchronized void remove(String cookieValue) {
        if (cookieValue != null) {
            byHash.remove(key(cookieValue));
        }
    }

    /** Sessions held now (expired ones included until they are looked up or crowded out). */
    public synchronized int size() {
        return byHash.size();
    }

    private static String key(String cookieValue) {
        return HexFormat.of().formatHex(ApiToken.hash(cookieValue));
    }

    /** 32 random bytes, URL-safe Base64 (43 characters). */
    static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
