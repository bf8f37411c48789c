package io.connwatch.engine.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.api.AdminRoutes;
import io.connwatch.engine.api.HttpApiVerticle;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.ingest.http.HttpIngest;
import io.connwatch.engine.rules.CollectingSink;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleHarness;
import io.connwatch.engine.rules.RuleSet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS from PEM files on a real server on loopback, with the test certificates in
 * src/test/resources/tls: HTTPS is served and plain HTTP is not, both key formats load, session
 * cookies are Secure, and a required client certificate is required.
 */
class TlsTest {
    private static final Path TLS = Path.of("src", "test", "resources", "tls");
    private static final Path SERVER_CERT = TLS.resolve("server-cert.pem");
    private static final Path CLIENT_CERT = TLS.resolve("client-cert.pem");

    private static RuleEngine engine;
    private Vertx vertx;
    private WebClient client;
    private int port;

    @BeforeAll
    static void engine() throws Exception {
        engine = new RuleEngine(RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT), new CollectingSink(),
            RuleEngine.Settings.defaults(1), Clock.systemUTC());
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @AfterEach
    void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private void start(TlsSettings tls) {
        IngestStats stats = new IngestStats();
        vertx = Vertx.vertx();
        HttpSecurity security = new HttpSecurity(HttpSecurity.Settings.withTokens(TestTokens.all()).withTls(tls), AccessTable.DEFAULT,
            Clock.systemUTC());
        HttpApiVerticle verticle = new HttpApiVerticle(new HttpApiVerticle.Settings("127.0.0.1", 0, new HttpIngest(engine, stats, 1 << 20),
            new AdminRoutes(AdminRoutes.Sources.of(engine, stats)), security));
        vertx.deployVerticle(verticle).await();
        port = verticle.actualPort();
    }

    /** A client that trusts the test server's certificate (and checks that it names 127.0.0.1). */
    private WebClient https(PemKeyCertOptions clientCert) {
        WebClientOptions o = new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setSsl(true).setVerifyHost(true)
            .setTrustOptions(new PemTrustOptions().addCertPath(SERVER_CERT.toString()));
        if (clientCert != null) {
            o.setKeyCertOptions(clientCert);
        }
        client = WebClient.create(vertx, o);
        return client;
    }

    @Test
    void httpsIsServedPlainHttpIsNotAndTheSessionCookieIsSecure() {
        start(new TlsSettings(SERVER_CERT, TLS.resolve("server-key.pem"), null, ClientAuth.NONE));
        WebClient https = https(null);
        assertEquals(200, https.get("/health").send().await().statusCode());
        assertEquals(401, https.get("/stats").send().await().statusCode());
        HttpResponse<Buffer> signIn = https.post("/api/v1/session").putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(new JsonObject().put("token", TestTokens.READ).encode())).await();
        assertEquals(200, signIn.statusCode());
        String cookie = signIn.getHeader("Set-Cookie");
        assertTrue(cookie.contains("; Secure;"), cookie);

        WebClient plain = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
        assertThrows(Exception.class, () -> plain.get("/health").send().await(), "no answer to plain HTTP");
        plain.close();
    }

    @Test
    void aPkcs1KeyLoadsLikeAPkcs8One() {
        start(new TlsSettings(SERVER_CERT, TLS.resolve("server-key-pkcs1.pem"), null, ClientAuth.NONE));
        assertEquals(200, https(null).get("/stats").putHeader("Authorization", TestTokens.bearer(TestTokens.READ)).send().await()
            .statusCode());
    }

    @Test
    void aRequiredClientCertificateIsRequiredAndStillNeedsAToken() {
        start(new TlsSettings(SERVER_CERT, TLS.resolve("server-key.pem"), CLIENT_CERT, ClientAuth.REQUIRED));
        WebClient anonymous = https(null);
        assertThrows(Exception.class, () -> anonymous.get("/health").send().await(), "no certificate, no connection");
        anonymous.close();
        WebClient withCert = https(new PemKeyCertOptions().setCertPath(CLIENT_CERT.toString())
            .setKeyPath(TLS.resolve("client-key.pem").toString()));
        assertEquals(200, withCert.get("/health").send().await().statusCode());
        assertEquals(401, withCert.get("/stats").send().await().statusCode(), "a certificate admits the connection, not the request");
        assertEquals(200, withCert.get("/stats").putHeader("Authorization", TestTokens.bearer(TestTokens.READ)).send().await().statusCode());
    }
}
