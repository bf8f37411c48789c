package io.connwatch.notify.email;

import io.connwatch.alert.Notification;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.Notifier;
import io.connwatch.notify.Templates;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Email over SMTP with Jakarta Mail: one mail per notification (one alert group), STARTTLS, SMTPS
 * or plain, optional authentication, several recipients, and a multipart message with a
 * plain-text and an HTML part from the templates: a subject with the group's status, counts,
 * worst severity and labels ({@code [connwatch] FIRING 3 (2 new) HIGH — computer=web-01}), and
 * bodies listing the firing, then the resolved alerts with their evidence in words. Mails of one
 * group share a {@code References} header so that mail readers thread them. Rejected recipients
 * and failed authentication are permanent; connection problems, timeouts and 4xx replies are
 * temporary.
 */
public final class EmailNotifier implements Notifier {
    /** The longest subject: a group's labels come from hosts and can be long. */
    static final int MAX_SUBJECT = 250;

    private final String name;
    private final EmailConfig config;
    private final Templates templates;
    private final Session session;

    public EmailNotifier(EmailConfig config, Templates templates) {
        this.name = config.name();
        this.config = config;
        this.templates = templates;
        Properties p = new Properties();
        String ms = String.valueOf(config.timeout().toMillis());
        String proto = config.tls() == EmailConfig.Tls.SMTPS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", config.host());
        p.put("mail." + proto + ".port", String.valueOf(config.port()));
        p.put("mail." + proto + ".connectiontimeout", ms);
        p.put("mail." + proto + ".timeout", ms);
        p.put("mail." + proto + ".writetimeout", ms);
        p.put("mail." + proto + ".auth", String.valueOf(config.username() != null));
        if (config.tls() == EmailConfig.Tls.STARTTLS) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (config.tls() == EmailConfig.Tls.SMTPS) {
            p.put("mail.smtps.ssl.enable", "true");
        }
        if (config.sslTrust() != null) {
            p.put("mail." + proto + ".ssl.trust", config.sslTrust());
        }
        p.put("mail." + proto + ".ssl.checkserveridentity", String.valueOf(config.sslTrust() == null));
        this.session = Session.getInstance(p);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    /** The recipients, then the subject and both parts of the message. */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of("To: " + config.to().stream().map(Object::toString).collect(Collectors.joining(", ")) + "\n"
            + preview(templates, n));
    }

    /** The subject and the plain-text and HTML parts the templates give for a notification, as the preview command shows them. */
    public static String preview(Templates templates, Notification n) {
        return "Subject: " + subject(templates, n) + "\n"
            + "\n--- text/plain ---\n" + templates.render("email-text", n) + "\n"
            + "--- text/html ---\n" + templates.render("email-html", n);
    }

    /** The subject on one line (a host's line breaks and control characters become spaces), at most {@value #MAX_SUBJECT} characters. */
    static String subject(Templates templates, Notification n) {
        String s = templates.render("email-subject", n).strip().replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ");
        return s.length() <= MAX_SUBJECT ? s : s.substring(0, MAX_SUBJECT - 1) + "\u2026";
    }

    /** Builds the message for a notification. */
    public MimeMessage message(Notification n) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(config.from());
        m.setRecipients(Message.RecipientType.TO, config.to().toArray(new Address[0]));
        m.setSubject(subject(templates, n), "UTF-8");
        m.setSentDate(new Date());
        m.setHeader("X-Connwatch-Notification-Id", n.id());
        m.setHeader("X-Connwatch-Status", n.status().label());
        m.setHeader("X-Connwatch-Severity", n.worstSeverity().label());
        if (n.alerts().size() == 1) {
            m.setHeader("X-Connwatch-Alert-Id", n.alerts().get(0).alert().id());
            m.setHeader("X-Connwatch-Fingerprint", n.alerts().get(0).alert().fingerprint());
        }
        m.setHeader("References", groupReference(n));
        MimeBodyPart text = new MimeBodyPart();
        text.setText(templates.render("email-text", n), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(templates.render("email-html", n), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        m.saveChanges();
        return m;
    }

    /** A message id shared by every mail about the group (to this receiver), that mail readers thread on. */
    static String groupReference(Notification n) {
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256").digest((n.receiver() + "\n" + n.groupKey())
                .getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
        return "<group-" + HexFormat.of().formatHex(digest, 0, 16) + "@connwatch>";
    }

    @Override
    public void deliver(Notification n) throws DeliveryException {
        try {
            MimeMessage m = message(n);
            try (Transport transport = session.getTransport(config.tls() == EmailConfig.Tls.SMTPS ? "smtps" : "smtp")) {
                transport.connect(config.host(), config.port(), config.username(), config.password());
                transport.sendMessage(m, m.getAllRecipients());
            }
        } catch (AuthenticationFailedException e) {
            throw DeliveryException.permanent(name + ": SMTP authentication failed for user " + config.username());
        } catch (SendFailedException e) {
            throw classify(e);
        } catch (MessagingException e) {
            throw DeliveryException.temporary(name + ": cannot send through " + config.host() + ":" + config.port() + ": "
                + rootCause(e));
        }
    }

    private DeliveryException classify(SendFailedException e) {
        Address[] invalid = e.getInvalidAddresses();
        if (invalid != null && invalid.length > 0) {
            boolean temporary = e.getNextException() instanceof SMTPAddressFailedException f && f.getReturnCode() / 100 == 4;
            String list = Arrays.stream(invalid).map(Address::toString).collect(Collectors.joining(", "));
            return temporary ? DeliveryException.temporary(name + ": recipients temporarily refused: " + list)
                : DeliveryException.permanent(name + ": recipients rejected: " + list);
        }
        if (e instanceof SMTPSendFailedException f) {
            String reply = "SMTP " + f.getReturnCode();
            return f.getReturnCode() / 100 == 4 ? DeliveryException.temporary(name + ": " + reply)
                : DeliveryException.permanent(name + ": " + reply);
        }
        return DeliveryException.temporary(name + ": sending failed: " + rootCause(e));
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
