package io.connwatch.engine.api.auth;

import java.time.Clock;
import java.util.List;
import java.util.Set;

/** One token per role for tests that talk to the HTTP API, and a guard that knows them all. */
public final class TestTokens {
    public static final String READ = "test-read-token-0123456789abcdef";
    public static final String OPERATE = "test-operate-token-0123456789abcdef";
    public static final String INGEST = "test-ingest-token-0123456789abcdef";
    public static final String ADMIN = "test-admin-token-0123456789abcdef";

    private TestTokens() {
    }

    /** The four tokens, each with its one role, named after it. */
    public static List<ApiToken> all() {
        return List.of(ApiToken.of("reader", Set.of(Role.READ), READ), ApiToken.of("operator", Set.of(Role.OPERATE), OPERATE),
            ApiToken.of("shipper", Set.of(Role.INGEST), INGEST), ApiToken.of("admin", Set.of(Role.ADMIN), ADMIN));
    }

    /** The guard of a plain-HTTP server on loopback that knows the four tokens. */
    public static HttpSecurity security() {
        return new HttpSecurity(HttpSecurity.Settings.withTokens(all()), AccessTable.DEFAULT, Clock.systemUTC());
    }

    /** {@code Bearer <token>}. */
    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /** The same tokens as a {@code http.auth} section of the configuration, indented for {@code http:}. */
    public static String authYaml() {
        return """
              auth:
                tokens:
                  - {name: admin, roles: [admin], token: %s}
                  - {name: shipper, roles: [ingest], token: %s}
            """.formatted(ADMIN, INGEST);
    }
}
