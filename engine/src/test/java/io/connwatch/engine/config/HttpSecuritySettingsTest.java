package io.connwatch.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.connwatch.engine.api.auth.ApiToken;
import io.connwatch.engine.api.auth.HttpSecurity;
import io.connwatch.engine.api.auth.Role;
import io.connwatch.engine.api.auth.TlsSettings;
import io.connwatch.engine.api.auth.TokenVerifier;
import io.vertx.core.http.ClientAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code http} section's guard: tokens by value, environment, file or hash; hosts; TLS; every problem named, no token shown. */
class HttpSecuritySettingsTest {
    private static final String OPS = "ops-token-from-the-environment-0123";
    private static final String CI = "ci-token-from-a-secret-file-4567";
    private static final String READER = "grafana-reads-with-this-token-89ab";

    @TempDir
    Path tmp;

    @Test
    void tokensAreReadByValueEnvironmentFileOrHashAndKeptOnlyAsHashes() throws Exception {
        Path secret = Files.writeString(tmp.resolve("ci-token"), CI + "\n");
        HttpSecurity.Settings s = ConnwatchConfig.parse("t", """
            http:
              host: 10.0.0.5
              max-reloads-per-minute: 2
              auth:
                tokens:
                  - {name: ops, roles: [operate], token: ${OPS_TOKEN}}
                  - {name: ci, roles: [ingest], token-file: %s}
                  - {name: grafana, roles: read, sha256: %s}
                  - {name: root, roles: [read, admin], token: ${ROOT_TOKEN}}
                admin-token-file: %s
                session-ttl: 8h
                max-sessions: 50
                max-failures-per-minute: 5
            """.formatted(secret, ApiToken.hashHex(READER), tmp.resolve("admin")),
            Map.of("OPS_TOKEN", OPS, "ROOT_TOKEN", "root-token-abcdefghijklmnopqrstu")).http().security();
        assertEquals(List.of("ops", "ci", "grafana", "root"), s.tokens().stream().map(ApiToken::name).toList());
        assertEquals(Set.of(Role.READ, Role.ADMIN), s.tokens().get(3).roles());
        TokenVerifier v = new TokenVerifier(s.tokens());
        assertEquals("ops", v.verify(OPS).orElseThrow().name());
        assertEquals("ci", v.verify(CI).orElseThrow().name());
        assertEquals("grafana", v.verify(READER).orElseThrow().name());
        assertEquals(true, v.verify(ApiToken.hashHex(READER)).isEmpty(), "the hash itself is no token");
        assertFalse(s.tokens().toString().contains(OPS), s.tokens().toString());
        assertEquals(List.of("localhost", "127.0.0.1", "[::1]", "10.0.0.5"), s.allowedHosts(), "the loopback names and http.host");
        assertEquals(tmp.resolve("admin"), s.adminTokenFile());
        assertEquals(Duration.ofHours(8), s.sessionTtl());
        assertEquals(50, s.maxSessions());
        assertEquals(5, s.maxFailuresPerMinute());
        assertNull(s.tls());
    }

    @Test
    void theDefaultsGenerateAnAdminTokenAndAllowOnlyLoopbackNames() {
        ConnwatchConfig.Http http = ConnwatchConfig.defaults().http();
        assertEquals(List.of(), http.security().tokens());
        assertEquals(Path.of("data", "admin-token"), http.security().adminTokenFile());
        assertEquals(List.of("localhost", "127.0.0.1", "[::1]"), http.security().allowedHosts());
        assertEquals(6, http.maxReloadsPerMinute());
        assertEquals(List.of("localhost", "127.0.0.1", "[::1]"),
            parse("http:\n  host: 0.0.0.0\n").http().security().allowedHosts(), "a wildcard address names no host");
        assertEquals(List.of("*"), parse("http:\n  allowed-hosts: '*'\n").http().security().allowedHosts());
    }

    private static ConnwatchConfig parse(String yaml) {
        try {
            return ConnwatchConfig.parse("t", yaml, Map.of());
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void everyTokenProblemIsReportedWithoutTheToken() {
        String shortToken = "short-secret-x";
        Path missing = tmp.resolve("nowhere");
        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("t", """
            http:
              allowed-hosts: [localhost, "evil example"]
              auth:
                tokens:
                  - {name: a, roles: [operate], token: %s}
                  - {name: b, roles: [root], token: %s}
                  - {roles: [read], token: %s}
                  - {name: c, roles: [read]}
                  - {name: d, roles: [read], token: %s, sha256: abc}
                  - {name: e, roles: [read], sha256: 1234}
                  - {name: f, roles: [read], token-file: %s}
                  - {name: g, roles: [ingest], token: %s}
                  - {name: g, roles: [read], token: %s}
                  - {name: h, token: ${UNSET_TOKEN}}
                  - {name: i, roles: [read], tokn: x}
            """.formatted(shortToken, OPS, CI, READER, missing, OPS, OPS), Map.of()));
        assertEquals(List.of(
            "line 14: environment variable UNSET_TOKEN is not set and has no default",
            "http.allowed-hosts: 'evil example' is not a host name, an address or *",
            "http.auth.tokens[0].token: the token of 'a' is shorter than 24 characters",
            "http.auth.tokens[1].roles: unknown role 'root' (expected read, operate, ingest, admin)",
            "http.auth.tokens[2].name: missing",
            "http.auth.tokens[3]: missing token (or token-file, or sha256)",
            "http.auth.tokens[4]: give token, token-file or sha256, only one",
            "http.auth.tokens[5].sha256: sha256 of 'e' must be 64 hex digits",
            "http.auth.tokens[6].token-file: cannot read " + missing + ": NoSuchFileException",
            "http.auth.tokens[8].name: 'g' names two tokens",
            "http.auth.tokens[8]: the same token as http.auth.tokens[7]: give each client its own",
            "http.auth.tokens[9].roles: missing (one or more of read, operate, ingest, admin)",
            "http.auth.tokens[9]: missing token (or token-file, or sha256)",
            "http.auth.tokens[10].tokn: unknown setting (expected one of name, roles, sha256, token, token-file)",
            "http.auth.tokens[10]: missing token (or token-file, or sha256)"), e.problems());
        for (String secret : List.of(shortToken, OPS, CI, READER)) {
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
    }

    @Test
    void tlsNeedsReadablePemFilesAndACaForClientCertificates() throws Exception {
        Path pems = Path.of("src", "test", "resources", "tls");
        TlsSettings tls = parse("""
            http:
              tls: {cert-file: %s, key-file: %s, client-ca-file: %s}
            """.formatted(pems.resolve("server-cert.pem"), pems.resolve("server-key.pem"), pems.resolve("client-cert.pem")))
            .http().security().tls();
        assertEquals(pems.resolve("server-cert.pem"), tls.certFile());
        assertEquals(ClientAuth.REQUIRED, tls.clientAuth(), "a client CA means certificates are required unless said otherwise");
        assertEquals(ClientAuth.REQUEST, parse("""
            http:
              tls: {cert-file: %s, key-file: %s, client-ca-file: %s, client-auth: request}
            """.formatted(pems.resolve("server-cert.pem"), pems.resolve("server-key.pem"), pems.resolve("client-cert.pem")))
            .http().security().tls().clientAuth());

        Path notPem = Files.writeString(tmp.resolve("key.der"), "binary");
        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("t", """
            http:
              tls: {cert-file: %s, key-file: %s, client-auth: required, ciphers: all}
            """.formatted(tmp.resolve("absent.pem"), notPem), Map.of()));
        assertEquals(List.of(
            "http.tls.ciphers: unknown setting (expected one of cert-file, client-auth, client-ca-file, key-file)",
            "http.tls.cert-file: cannot read " + tmp.resolve("absent.pem") + ": NoSuchFileException",
            "http.tls.key-file: " + notPem + " is not a PEM file",
            "http.tls.client-auth: required needs client-ca-file: the CAs client certificates must chain to"), e.problems());
    }
}
