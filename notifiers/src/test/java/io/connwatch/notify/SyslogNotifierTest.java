package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import io.connwatch.notify.standin.SelfSignedCert;
import io.connwatch.notify.standin.SyslogStandIn;
import io.connwatch.notify.syslog.CefFormat;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Syslog delivery to real TLS, TCP and UDP collectors on loopback, and the CEF body's escaping. */
class SyslogNotifierTest {
    @TempDir
    static Path certs;
    /** Valid for 127.0.0.1 and localhost. */
    static SelfSignedCert loopback;
    /** Valid for other.example only. */
    static SelfSignedCert other;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        loopback = SelfSignedCert.make(certs, "loopback", "ip:127.0.0.1,dns:localhost");
        other = SelfSignedCert.make(certs, "other", "dns:other.example");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T opened(T t) {
        open.add(t);
        return t;
    }

    static Notifier syslog(String yamlFields) throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: siem, type: syslog, hostname: connwatch-01.contoso.com, " + yamlFields + "}",
            problems);
        assertEquals(List.of(), problems);
        return n;
    }

    @ParameterizedTest(name = "header {0} -> {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "a|b; a\\|b",
        "back\\slash; back\\\\slash",
        "a=b; a=b",
        "\\|; \\\\\\|",
        "plain text; plain text"})
    void headerFieldsEscapePipeAndBackslash(String in, String out) {
        assertEquals(out, CefFormat.header(in));
    }

    @ParameterizedTest(name = "value {0} -> {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "a=b; a\\=b",
        "back\\slash; back\\\\slash",
        "a|b; a|b",
        "\\=; \\\\\\=",
        "k=v=w; k\\=v\\=w"})
    void extensionValuesEscapeEqualsAndBackslash(String in, String out) {
        assertEquals(out, CefFormat.value(in));
    }

    @Test
    void lineBreaksAreEscapedInValuesAndSpacesInTheHeader() {
        assertEquals("one\\ntwo\\r\\nthree", CefFormat.value("one\ntwo\r\nthree"));
        assertEquals("one two  three", CefFormat.header("one\ntwo\r\nthree"));
    }

    @Test
    void theMessagesAreTheGoldenOnes() throws Exception {
        Notifier n = new io.connwatch.notify.syslog.SyslogNotifier(new io.connwatch.notify.syslog.SyslogConfig("siem", "127.0.0.1", 514,
            "udp", null, null, null, 16, "connwatch-01.contoso.com", "connwatch", 8192, Duration.ofSeconds(1), true), "1.2.3");
        assertEquals(SiemSamples.golden("syslog-messages.txt"), n.preview(SiemSamples.twoAlerts()).orElseThrow() + "\n");
    }

    @Test
    void overTlsEachAlertIsAnOctetCountedFrameFiringAndResolved() throws Exception {
        SyslogStandIn collector = opened(SyslogStandIn.tls(loopback));
        Notifier n = syslog("host: 127.0.0.1, port: " + collector.port() + ", ca-file: '" + loopback.pem() + "'");
        Notification sent = SiemSamples.twoAlerts();
        n.deliver(sent);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> collector.messages().size() == 2);
        assertEquals(List.of(), collector.errors());
        List<String> expected = List.of(n.preview(sent).orElseThrow().split("\n"));
        assertEquals(expected, collector.messages());
        assertTrue(collector.messages().get(0).startsWith("<131>1 2024-04-01T08:20:00.000Z connwatch-01.contoso.com connwatch - firing - "
            + "CEF:0|connwatch|connwatch|"), collector.messages().get(0));
        assertTrue(collector.messages().get(1).contains(" resolved - CEF:0|") && collector.messages().get(1).contains(" act=resolved "));
    }

    @Test
    void aTrustStoreWorksAsTheCaFileDoes() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(loopback.pem())) {
            trust.setCertificateEntry("collector", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        Path store = certs.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            trust.store(out, "trustpw".toCharArray());
        }
        SyslogStandIn collector = opened(SyslogStandIn.tls(loopback));
        syslog("host: 127.0.0.1, port: " + collector.port() + ", trust-store: '" + store + "', trust-store-password: trustpw")
            .deliver(SiemSamples.twoAlerts());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> collector.messages().size() == 2);
    }

    @Test
    void aCertificateForAnotherHostOrFromAnUntrustedIssuerIsPermanent() throws Exception {
        SyslogStandIn wrongName = opened(SyslogStandIn.tls(other));
        DeliveryException e = assertThrows(DeliveryException.class, () -> syslog("host: 127.0.0.1, port: " + wrongName.port()
            + ", ca-file: '" + other.pem() + "'").deliver(SiemSamples.twoAlerts()));
        assertFalse(e.retryable(), "the certificate is trusted but names other.example: hostname verification refuses it");
        assertEquals("siem: the server's certificate is not trusted or not for 127.0.0.1", e.getMessage());

        SyslogStandIn untrusted = opened(SyslogStandIn.tls(loopback));
        DeliveryException u = assertThrows(DeliveryException.class, () -> syslog("host: 127.0.0.1, port: " + untrusted.port())
            .deliver(SiemSamples.twoAlerts()));
        assertFalse(u.retryable(), "the JDK's CAs do not know a self-signed certificate");
        assertEquals(List.of(), untrusted.messages());
    }

    @Test
    void plainTcpUsesTheSameFraming() throws Exception {
        SyslogStandIn collector = opened(SyslogStandIn.tcp());
        syslog("host: 127.0.0.1, transport: tcp, port: " + collector.port()).deliver(SiemSamples.twoAlerts());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> collector.messages().size() == 2);
        assertEquals(List.of(), collector.errors());
    }

    @Test
    void overUdpEachMessageIsOneDatagramWithinTheSizeLimit() throws Exception {
        SyslogStandIn collector = opened(SyslogStandIn.udp(1024));
        Alert a = Samples.alert("long", Severity.CRITICAL);
        String summary = "\u00e9=\\".repeat(300);
        Alert longOne = new Alert(a.id(), a.rule(), a.severity(), a.fingerprint(), a.evidenceTime(), a.detectedAt(), a.computer(),
            a.machine(), a.process(), summary, a.labels(), a.evidence());
        syslog("host: 127.0.0.1, transport: udp, max-message-size: 1024, port: " + collector.port())
            .deliver(Samples.notification("siem", longOne, Samples.alert("short", Severity.LOW)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> collector.messages().size() == 2);
        assertEquals(List.of(), collector.errors(), "no datagram beyond 1024 bytes");
        String cut = collector.messages().get(0);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 1024);
        assertTrue(cut.startsWith("<130>1 "), "local0 (16) * 8 + critical (2): " + cut);
        assertTrue(cut.contains(" cs1Label=fingerprint cs1=fp-long "), "every field kept, the summary cut: " + cut);
        String msg = cut.substring(cut.indexOf(" msg=") + 5);
        assertFalse(msg.isEmpty());
        assertTrue(msg.matches("(\u00e9\\\\=\\\\\\\\)*(\u00e9(\\\\=)?)?"), "cut between escapes: " + msg);
        String second = collector.messages().get(1);
        assertTrue(second.endsWith(" msg=Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>"), "fits whole: "
            + second);
    }

    @Test
    void aRefusedOrDroppedConnectionIsTemporary() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        DeliveryException e = assertThrows(DeliveryException.class, () -> syslog("host: 127.0.0.1, transport: tcp, port: " + port)
            .deliver(SiemSamples.twoAlerts()));
        assertTrue(e.retryable());
        assertEquals("siem: connection refused", e.getMessage());
    }

    @Test
    void theConfigurationIsChecked() throws Exception {
        List<String> problems = new ArrayList<>();
        assertNull(EmailNotifierTest.email("{name: s, type: syslog, transport: udp, ca-file: /x.pem, facility: local9, "
            + "app-name: 'con watch', max-message-size: 100000}", problems));
        assertEquals(List.of(
            "notify.receivers[mail].host: missing",
            "notify.receivers[mail].ca-file: only with transport tls",
            "notify.receivers[mail].facility: expected a facility name (kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, "
                + "authpriv, ftp, ntp, audit, alert, clock, local0, local1, local2, local3, local4, local5, local6, local7) or 0..23, "
                + "got 'local9'",
            "notify.receivers[mail].app-name: printable ASCII without spaces, at most 48 characters",
            "notify.receivers[mail].max-message-size: 100000 is outside 480..65507"), problems);
        problems.clear();
        assertNull(EmailNotifierTest.email("{name: s, type: syslog, host: h, ca-file: " + certs.resolve("missing.pem") + "}", problems));
        assertEquals(List.of("notify.receivers[mail].ca-file: cannot set up TLS: NoSuchFileException"), problems);
    }
}
