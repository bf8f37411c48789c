package io.connwatch.engine.config;

import io.connwatch.config.Settings;
import io.connwatch.engine.api.auth.AllowedHosts;
import io.connwatch.engine.api.auth.ApiToken;
import io.connwatch.engine.api.auth.HttpSecurity;
import io.connwatch.engine.api.auth.Role;
import io.connwatch.engine.api.auth.TlsSettings;
import io.vertx.core.http.ClientAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the guard of the {@code http} section: {@code allowed-hosts}, {@code auth} (tokens by
 * value, file or SHA-256, with roles; sessions; failed sign-ins) and {@code tls}. A token is
 * hashed as soon as it is read and never appears in a problem.
 */
final class HttpSecuritySettings {
    static final Set<String> KEYS = Set.of("allowed-hosts", "auth", "tls");

    private HttpSecuritySettings() {
    }

    static HttpSecurity.Settings read(Settings http, String listenHost) {
        List<String> hosts = http.has("allowed-hosts") ? allowedHosts(http) : AllowedHosts.defaults(listenHost);
        Settings auth = http.section("auth", Set.of("tokens", "admin-token-file", "session-ttl", "max-sessions", "max-failures-per-minute"));
        return new HttpSecurity.Settings(hosts, tokens(auth),
            auth.file("admin-token-file", HttpSecurity.Settings.DEFAULT_ADMIN_TOKEN_FILE.toString()),
            auth.positiveDuration("session-ttl", HttpSecurity.Settings.DEFAULT_SESSION_TTL),
            auth.integer("max-sessions", HttpSecurity.Settings.DEFAULT_MAX_SESSIONS, 1, 1_000_000),
            auth.integer("max-failures-per-minute", HttpSecurity.Settings.DEFAULT_MAX_FAILURES_PER_MINUTE, 1, 1_000_000),
            http.optionalChild("tls").map(HttpSecuritySettings::tls).orElse(null));
    }

    private static List<String> allowedHosts(Settings http) {
        List<String> hosts = http.strings("allowed-hosts");
        for (String h : hosts) {
            if (!AllowedHosts.valid(h)) {
                http.problem("allowed-hosts", "'" + h + "' is not a host name, an address or *");
            }
        }
        if (hosts.isEmpty()) {
            http.problem("allowed-hosts", "empty: no request would be answered (leave it out for the loopback names and http.host)");
        }
        return hosts;
    }

    private static List<ApiToken> tokens(Settings auth) {
        List<ApiToken> tokens = new ArrayList<>();
        List<String> where = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Settings t : auth.list("tokens")) {
            t.only(Set.of("name", "roles", "token", "token-file", "sha256"));
            String name = t.required("name");
            if (name != null && !names.add(name)) {
                t.problem("name", "'" + name + "' names two tokens");
            }
            Set<Role> roles = roles(t);
            boolean hashed = t.has("sha256");
            if (hashed && (t.has("token") || t.has("token-file"))) {
                t.problem(null, "give token, token-file or sha256, only one");
                continue;
            }
            int before = t.problemCount();
            String token = hashed ? null : t.secret("token", false);
            if (!hashed && token == null && t.problemCount() == before) {
                t.problem(null, "missing token (or token-file, or sha256)");
            }
            if (name == null || roles.isEmpty()) {
                continue;
            }
            ApiToken parsed;
            try {
                if (hashed) {
                    parsed = ApiToken.hashed(name, roles, t.string("sha256", ""));
                } else if (token != null) {
                    parsed = ApiToken.of(name, roles, token);
                } else {
                    continue;
                }
            } catch (IllegalArgumentException e) {
                t.problem(hashed ? "sha256" : t.has("token-file") ? "token-file" : "token", e.getMessage());
                continue;
            }
            for (int i = 0; i < tokens.size(); i++) {
                if (Arrays.equals(tokens.get(i).sha256(), parsed.sha256())) {
                    t.problem(null, "the same token as " + where.get(i) + ": give each client its own");
                }
            }
            tokens.add(parsed);
            where.add(t.where());
        }
        return tokens;
    }

    private static Set<Role> roles(Settings t) {
        List<String> names = t.strings("roles");
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (names.isEmpty() && !t.has("roles")) {
            t.problem("roles", "missing (one or more of " + String.join(", ", Role.configNames()) + ")");
        }
        for (String n : names) {
            Role.named(n).ifPresentOrElse(roles::add,
                () -> t.problem("roles", "unknown role '" + n + "' (expected " + String.join(", ", Role.configNames()) + ")"));
        }
        return roles;
    }

    private static TlsSettings tls(Settings tls) {
        tls.only(Set.of("cert-file", "key-file", "client-ca-file", "client-auth"));
        Path cert = pem(tls, "cert-file", true);
        Path key = pem(tls, "key-file", true);
        Path ca = pem(tls, "client-ca-file", false);
        String auth = tls.choice("client-auth", ca == null ? "none" : "required", List.of("none", "request", "required"));
        if (!auth.equals("none") && ca == null && !tls.has("client-ca-file")) {
            tls.problem("client-auth", auth + " needs client-ca-file: the CAs client certificates must chain to");
        }
        return new TlsSettings(cert, key, ca, ClientAuth.valueOf(auth.toUpperCase(Locale.ROOT)));
    }

    /** A readable PEM file (only its form is checked: nothing of its content is ever shown). */
    private static Path pem(Settings tls, String key, boolean required) {
        String file = required ? tls.required(key) : tls.string(key, null);
        if (file == null) {
            return null;
        }
        Path p = tls.resolve(file);
        try {
            if (!new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains("-----BEGIN ")) {
                tls.problem(key, file + " is not a PEM file");
            }
        } catch (IOException e) {
            tls.problem(key, "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        return p;
    }
}
