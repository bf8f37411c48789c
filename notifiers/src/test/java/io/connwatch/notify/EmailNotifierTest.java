package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.connwatch.alert.Severity;
import io.connwatch.config.Settings;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Email through a real SMTP server (GreenMail) on loopback. */
class EmailNotifierTest {
    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new com.icegreen.greenmail.util.ServerSetup[] {
        ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()});

    private static final ObjectMapper YAML = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    /** Reads a receiver as the configuration does and builds its notifier; null when it has problems. */
    static Notifier email(String yaml, List<String> problems) throws Exception {
        ReceiverConfig c = Channels.read(new Settings(YAML.readTree(yaml), "notify.receivers[mail]", problems));
        return c == null ? null : Channels.create(c, new Templates(null));
    }

    @Test
    void sendsAWellFormedMultipartMailToSeveralRecipients() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = email("""
            name: mail
            type: email
            host: 127.0.0.1
            port: %d
            tls: none
            from: connwatch@contoso.com
            to: [soc@contoso.com, oncall@contoso.com]
            """.formatted(smtp.getSmtp().getPort()), problems);
        assertEquals(List.of(), problems);
        n.deliver(List.of(Samples.alert("a1", Severity.CRITICAL)));
        MimeMessage[] got = smtp.getReceivedMessages();
        assertEquals(2, got.length, "one per recipient");
        MimeMessage m = got[0];
        assertEquals("[connwatch] CRITICAL malicious-remote-ip-outbound on app-001.contoso.com", m.getSubject());
        assertEquals("connwatch@contoso.com", m.getFrom()[0].toString());
        assertEquals(2, m.getAllRecipients().length);
        assertEquals("fp-a1", m.getHeader("X-Connwatch-Fingerprint")[0]);
        assertEquals("critical", m.getHeader("X-Connwatch-Severity")[0]);
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertTrue(parts.getContentType().startsWith("multipart/alternative"), parts.getContentType());
        assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
        assertTrue(parts.getBodyPart(1).isMimeType("text/html"));
        String text = (String) parts.getBodyPart(0).getContent();
        String html = (String) parts.getBodyPart(1).getContent();
        assertTrue(text.contains("Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>"), text);
        assertTrue(text.contains("    RemoteIp: 192.9.135.73"), text);
        assertTrue(html.contains("192.9.135.73:1194 &lt;b&gt;&amp; co&lt;/b&gt;"), "HTML escapes values: " + html);
        assertTrue(html.contains("<td>python3 &lt;&amp;&gt;</td>"), html);
    }

    @Test
    void authenticatesOverSmtpsAndReportsBadCredentialsWithoutThePassword() throws Exception {
        smtp.setUser("connwatch@contoso.com", "connwatch", "right-password");
        String config = """
            name: mail
            type: email
            host: 127.0.0.1
            port: %d
            tls: smtps
            ssl-trust: "*"
            username: connwatch
            password: %s
            from: connwatch@contoso.com
            to: soc@contoso.com
            """;
        List<String> problems = new ArrayList<>();
        email(config.formatted(smtp.getSmtps().getPort(), "right-password"), problems).deliver(List.of(Samples.alert("a2", Severity.HIGH)));
        assertEquals(1, smtp.getReceivedMessages().length);

        Notifier wrong = email(config.formatted(smtp.getSmtps().getPort(), "wrong-s3cret"), problems);
        DeliveryException e = assertThrows(DeliveryException.class, () -> wrong.deliver(List.of(Samples.alert("a3", Severity.HIGH))));
        assertFalse(e.retryable(), "bad credentials will not get better by retrying");
        assertFalse(e.getMessage().contains("wrong-s3cret"), e.getMessage());
        assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
    }

    @Test
    void anUnreachableServerIsATemporaryFailure() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Notifier n = email("""
            {name: mail, type: email, host: 127.0.0.1, port: %d, tls: none, from: a@b.c, to: d@e.f, timeout: 2s}
            """.formatted(port), new ArrayList<>());
        DeliveryException e = assertThrows(DeliveryException.class, () -> n.deliver(List.of(Samples.alert("a4", Severity.LOW))));
        assertTrue(e.retryable(), e.getMessage());
    }

    @Test
    void settingsProblemsAreAllReportedByKey() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = email("{name: mail, type: email, tls: maybe, from: 'not an address', username: u, colour: red}", problems);
        assertEquals(null, n);
        assertEquals(List.of(
            "notify.receivers[mail].colour: unknown setting (expected one of from, host, name, password, password-file, port, ssl-trust, timeout, tls, to, type, username)",
            "notify.receivers[mail].host: missing",
            "notify.receivers[mail].tls: expected starttls, smtps or none, got 'maybe'",
            "notify.receivers[mail].password: missing (or password-file)",
            "notify.receivers[mail].from: not an email address",
            "notify.receivers[mail].to: missing: at least one recipient"), problems);
    }
}
