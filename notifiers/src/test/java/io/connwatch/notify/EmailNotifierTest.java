package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.config.Settings;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        Notification sent = Samples.notification("mail", Samples.alert("a1", Severity.CRITICAL));
        n.deliver(sent);
        MimeMessage[] got = smtp.getReceivedMessages();
        assertEquals(2, got.length, "one per recipient");
        MimeMessage m = got[0];
        assertEquals("[connwatch] FIRING 1 (1 new) CRITICAL \u2014 malicious-remote-ip-outbound on app-001.contoso.com", m.getSubject());
        assertEquals(sent.id(), m.getHeader("X-Connwatch-Notification-Id")[0]);
        assertEquals("a1", m.getHeader("X-Connwatch-Alert-Id")[0], "one alert: its id");
        assertEquals("connwatch@contoso.com", m.getFrom()[0].toString());
        assertEquals(2, m.getAllRecipients().length);
        assertEquals("fp-a1", m.getHeader("X-Connwatch-Fingerprint")[0]);
        assertEquals("critical", m.getHeader("X-Connwatch-Severity")[0]);
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertTrue(parts.getContentType().startsWith("multipart/alternative"), parts.getContentType());
        assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
        assertTrue(parts.getBodyPart(1).isMimeType("text/html"));
        String text = ((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n");
        String html = ((String) parts.getBodyPart(1).getContent()).replace("\r\n", "\n");
        assertTrue(text.contains("Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>"), text);
        assertTrue(text.contains("\n      remote: 192.9.135.73\n"), text);
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
        email(config.formatted(smtp.getSmtps().getPort(), "right-password"), problems)
            .deliver(Samples.notification("mail", Samples.alert("a2", Severity.HIGH)));
        assertEquals(1, smtp.getReceivedMessages().length);

        Notifier wrong = email(config.formatted(smtp.getSmtps().getPort(), "wrong-s3cret"), problems);
        DeliveryException e = assertThrows(DeliveryException.class,
            () -> wrong.deliver(Samples.notification("mail", Samples.alert("a3", Severity.HIGH))));
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
        DeliveryException e = assertThrows(DeliveryException.class,
            () -> n.deliver(Samples.notification("mail", Samples.alert("a4", Severity.LOW))));
        assertTrue(e.retryable(), e.getMessage());
    }

    @Test
    void settingsProblemsAreAllReportedByKey() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = email("{name: mail, type: email, tls: maybe, from: 'not an address', username: u, colour: red}", problems);
        assertEquals(null, n);
        assertEquals(List.of(
            "notify.receivers[mail].colour: unknown setting (expected one of from, host, name, password, password-file, port, send-resolved, ssl-trust, timeout, tls, to, type, username)",
            "notify.receivers[mail].host: missing",
            "notify.receivers[mail].tls: expected starttls, smtps or none, got 'maybe'",
            "notify.receivers[mail].password: missing (or password-file)",
            "notify.receivers[mail].from: not an email address",
            "notify.receivers[mail].to: missing: at least one recipient"), problems);
    }

    private Notifier plainMail() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = email("""
            {name: mail, type: email, host: 127.0.0.1, port: %d, tls: none, from: connwatch@contoso.com, to: soc@contoso.com}
            """.formatted(smtp.getSmtp().getPort()), problems);
        assertEquals(List.of(), problems);
        return n;
    }

    /** An alert of {@code rule} on web-01 raised from machine-minute figures, as the connection-failure rules do. */
    private static Alert failures(String id, Severity severity, String summary) {
        Map<String, Object> minute = new LinkedHashMap<>();
        minute.put("TimeGenerated", "2026-01-05T14:03:00Z");
        minute.put("Computer", "web-01.contoso.com");
        minute.put("Machine", "m-01");
        minute.put("Rows", 40);
        minute.put("LinksEstablished", 12);
        minute.put("LinksFailed", 120);
        minute.put("BytesSent", 1_234_567);
        minute.put("BytesReceived", 512);
        minute.put("AdminTargets", 0);
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("FailedInWindow", 120L);
        window.put("BaselineFailedPerWindow", 4.2);
        window.put("Window", "PT5M");
        Instant t = Instant.parse("2026-01-05T14:03:00.123456789Z");
        return new Alert(id, "connection-failure-spike", severity, "fp-" + id, t, t.plusSeconds(2), "web-01.contoso.com", "m-01", null,
            summary, Map.of("computer", "web-01.contoso.com", "scope", "machine"),
            List.of(new Evidence("MachineMinute", t, minute), new Evidence("FailureWindow", t, window)));
    }

    @Test
    void aGroupsMailSaysItsCountsSeverityAndLabelsAndListsFiringThenResolvedInWords() throws Exception {
        Notification n = Samples.withAck(Samples.group("mail", "web-01.contoso.com", List.of(
            Samples.firing(failures("f1", Severity.HIGH, "first spike"), true),
            Samples.firing(failures("f2", Severity.MEDIUM, "second spike"), true),
            Samples.firing(failures("f3", Severity.LOW, "old spike"), false)), 3, 1, 0),
            new Notification.Acknowledgement("bob", "", Instant.parse("2026-01-05T14:05:00.5Z"), null), "https://connwatch.example/ack/g1?sig=s");
        plainMail().deliver(n);
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertEquals("[connwatch] FIRING 3 (2 new) HIGH \u2014 computer=web-01.contoso.com", m.getSubject());
        assertEquals("high", m.getHeader("X-Connwatch-Severity")[0], "the worst");
        assertEquals("firing", m.getHeader("X-Connwatch-Status")[0]);
        assertEquals(null, m.getHeader("X-Connwatch-Fingerprint"), "several alerts: no single fingerprint");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        String text = ((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n");
        String html = ((String) parts.getBodyPart(1).getContent()).replace("\r\n", "\n");
        assertTrue(text.startsWith("FIRING 3 (2 new) HIGH \u2014 computer=web-01.contoso.com\n"), text);
        assertTrue(text.contains("\nAcknowledged by bob at 2026-01-05 14:05:00 UTC\n"), "no until, no comment: " + text);
        assertTrue(text.contains("Acknowledge: https://connwatch.example/ack/g1?sig=s\n"), text);
        assertTrue(text.contains("Held back since the last notification: 3 silenced, 1 inhibited\n"), text);
        assertTrue(text.indexOf("first spike (new)") < text.indexOf("second spike (new)")
            && text.indexOf("second spike") < text.indexOf("[LOW] old spike\n"), "in the notification's order: " + text);
        assertTrue(text.contains("  Since:        2026-01-05 14:03:00 UTC\n"), "readable times, no sub-second digits: " + text);
        assertTrue(text.contains("  - Machine traffic in one minute, 2026-01-05 14:03:00 UTC\n"), text);
        assertTrue(text.contains("      failed: 120\n") && text.contains("      sent: 1.2 MB\n"), text);
        assertTrue(text.contains("  - Failed connections, 2026-01-05 14:03:00 UTC\n      failed: 120\n      usual: 4.2\n"
            + "      window: 5 min\n"), text);
        for (String internal : List.of("MachineMinute", "FailureWindow", "BaselineFailedPerWindow", "123456789", "T14:03")) {
            assertFalse(text.contains(internal) || html.contains(internal), "no internal names or raw times: " + internal);
        }
        // the HTML escaper writes = as &#61;, which a browser reads back in an attribute
        assertTrue(html.contains("<a href=\"https://connwatch.example/ack/g1?sig&#61;s\""), html);
        assertTrue(html.contains("<b>Failed connections</b>, 2026-01-05 14:03:00 UTC"), html);
        assertTrue(html.contains("Held back since the last notification: 3 silenced, 1 inhibited"), html);
    }

    @Test
    void firingAlertsComeBeforeResolvedOnesAndAResolvedGroupSaysSo() throws Exception {
        Notifier mail = plainMail();
        List<NotifiedAlert> mixed = List.of(Samples.firing(failures("up", Severity.HIGH, "still failing"), false),
            Samples.resolved(failures("down", Severity.CRITICAL, "stopped failing")));
        mail.deliver(Samples.group("mail", "web-01.contoso.com", mixed, 0, 0, 0));
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertEquals("[connwatch] FIRING 1 \u00b7 1 resolved HIGH \u2014 computer=web-01.contoso.com", m.getSubject(),
            "the worst of the firing alerts");
        String text = ((String) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent()).replace("\r\n", "\n");
        int firing = text.indexOf("\nFIRING (1)\n");
        int resolved = text.indexOf("\nRESOLVED (1)\n");
        assertTrue(firing > 0 && resolved > firing && text.indexOf("still failing") > firing && text.indexOf("still failing") < resolved
            && text.indexOf("stopped failing") > resolved, text);
        assertTrue(text.contains("  Resolved at:  2026-01-05 14:08:00 UTC\n"), text);

        mail.deliver(Samples.group("mail", "web-01.contoso.com", List.of(Samples.resolved(failures("down", Severity.CRITICAL, "x")),
            Samples.resolved(failures("gone", Severity.LOW, "y"))), 0, 0, 0));
        MimeMessage over = smtp.getReceivedMessages()[1];
        assertEquals("[connwatch] RESOLVED 2 CRITICAL \u2014 computer=web-01.contoso.com", over.getSubject());
        assertEquals("resolved", over.getHeader("X-Connwatch-Status")[0]);
        assertEquals(m.getHeader("References")[0], over.getHeader("References")[0], "one thread per group");
    }

    @Test
    void aHostsLineBreaksDoNotReachTheSubject() throws Exception {
        Alert a = Samples.alert("nl", Severity.HIGH);
        Alert hostile = new Alert(a.id(), a.rule(), a.severity(), a.fingerprint(), a.evidenceTime(), a.detectedAt(),
            "evil\r\nBcc: victim@example.com\u2028" + "x".repeat(500), a.machine(), a.process(), a.summary(), a.labels(), a.evidence());
        plainMail().deliver(Samples.notification("mail", hostile));
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertTrue(m.getSubject().startsWith("[connwatch] FIRING 1 (1 new) HIGH \u2014 malicious-remote-ip-outbound on evil Bcc: victim"),
            m.getSubject());
        assertTrue(m.getSubject().length() <= 250, String.valueOf(m.getSubject().length()));
        assertEquals(null, m.getHeader("Bcc"));
        assertEquals(1, smtp.getReceivedMessages().length);
    }

    @Test
    void resolvedNotificationsAreOffByDefaultAsAlertmanagersEmail() throws Exception {
        assertFalse(plainMail().sendResolved());
        List<String> problems = new ArrayList<>();
        Notifier on = email("{name: mail, type: email, host: h, from: a@b.c, to: d@e.f, send-resolved: yes}", problems);
        assertEquals(List.of(), problems);
        assertTrue(on.sendResolved());
    }
}
