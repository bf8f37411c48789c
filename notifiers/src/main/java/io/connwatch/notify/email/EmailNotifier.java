package io.connwatch.notify.email;

import io.connwatch.alert.Alert;
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
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Email over SMTP with Jakarta Mail: STARTTLS, SMTPS or plain, optional authentication, several
 * recipients, and a multipart message with a plain-text and an HTML part from the templates.
 * Rejected recipients and failed authentication are permanent; connection problems, timeouts
 * and 4xx replies are temporary.
 */
public final class EmailNotifier implements Notifier {
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

    /** The recipients, then the subject and both parts of each alert's message. */
    @Override
    public Optional<String> preview(List<Alert> alerts) {
        StringBuilder sb = new StringBuilder("To: " + config.to().stream().map(Object::toString).collect(Collectors.joining(", ")));
        for (Alert a : alerts) {
            sb.append('\n').append(preview(templates, a));
        }
        return Optional.of(sb.toString());
    }

    /** The subject and the plain-text and HTML parts the templates give for an alert, as the preview command shows them. */
    public static String preview(Templates templates, Alert alert) {
        return "Subject: " + templates.render("email-subject", alert).strip() + "\n"
            + "\n--- text/plain ---\n" + templates.render("email-text", alert) + "\n"
            + "--- text/html ---\n" + templates.render("email-html", alert);
    }

    /** Builds the message for an alert. */
    public MimeMessage message(Alert alert) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(config.from());
        m.setRecipients(Message.RecipientType.TO, config.to().toArray(new Address[0]));
        m.setSubject(templates.render("email-subject", alert).strip(), "UTF-8");
        m.setSentDate(new Date());
        m.setHeader("X-Connwatch-Alert-Id", alert.id());
        m.setHeader("X-Connwatch-Fingerprint", alert.fingerprint());
        m.setHeader("X-Connwatch-Severity", alert.severity().label());
        MimeBodyPart text = new MimeBodyPart();
        text.setText(templates.render("email-text", alert), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(templates.render("email-html", alert), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        m.saveChanges();
        return m;
    }

    @Override
    public void deliver(List<Alert> alerts) throws DeliveryException {
        for (Alert a : alerts) {
            try {
                MimeMessage m = message(a);
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
