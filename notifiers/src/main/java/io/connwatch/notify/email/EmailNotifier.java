package io.connwatch.notify.email;

import io.connwatch.alert.Alert;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.Notifier;
import io.connwatch.config.Settings;
import io.connwatch.notify.Templates;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
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
    /** Connection security. */
    public enum Tls { STARTTLS, SMTPS, NONE }

    /**
     * @param host     SMTP server
     * @param port     its port
     * @param tls      STARTTLS (required), SMTPS (TLS from the start) or NONE
     * @param username login, or null for none
     * @param password password (secret), or null
     * @param sslTrust hosts whose certificates are trusted without a CA ("*" for tests only), or null
     * @param from     sender address
     * @param to       recipients
     * @param timeout  connect, read and write timeout
     */
    public record Config(String host, int port, Tls tls, String username, String password, String sslTrust, InternetAddress from,
                         List<InternetAddress> to, Duration timeout) {
        @Override
        public String toString() {
            return "EmailConfig[" + host + ":" + port + ", " + tls + ", to " + to + "]";
        }
    }

    private static final Set<String> KEYS = Set.of("type", "name", "host", "port", "tls", "username", "password", "password-file",
        "ssl-trust", "from", "to", "timeout");

    private final String name;
    private final Config config;
    private final Templates templates;
    private final Session session;

    public EmailNotifier(String name, Config config, Templates templates) {
        this.name = name;
        this.config = config;
        this.templates = templates;
        Properties p = new Properties();
        String ms = String.valueOf(config.timeout().toMillis());
        String proto = config.tls() == Tls.SMTPS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", config.host());
        p.put("mail." + proto + ".port", String.valueOf(config.port()));
        p.put("mail." + proto + ".connectiontimeout", ms);
        p.put("mail." + proto + ".timeout", ms);
        p.put("mail." + proto + ".writetimeout", ms);
        p.put("mail." + proto + ".auth", String.valueOf(config.username() != null));
        if (config.tls() == Tls.STARTTLS) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (config.tls() == Tls.SMTPS) {
            p.put("mail.smtps.ssl.enable", "true");
        }
        if (config.sslTrust() != null) {
            p.put("mail." + proto + ".ssl.trust", config.sslTrust());
        }
        p.put("mail." + proto + ".ssl.checkserveridentity", String.valueOf(config.sslTrust() == null));
        this.session = Session.getInstance(p);
    }

    /** Reads an email receiver's settings; null when they have problems (added to the list). */
    public static Notifier create(String name, Settings s, Templates templates) {
        s.only(KEYS);
        String host = s.required("host");
        Tls tls = Tls.STARTTLS;
        String t = s.string("tls", "starttls");
        try {
            tls = Tls.valueOf(t.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            s.problem("tls", "expected starttls, smtps or none");
        }
        int port = s.integer("port", tls == Tls.SMTPS ? 465 : tls == Tls.STARTTLS ? 587 : 25, 1, 65535);
        String username = s.string("username", null);
        String password = s.secret("password", username != null);
        InternetAddress from = null;
        List<InternetAddress> to = new ArrayList<>();
        try {
            String f = s.required("from");
            from = f == null ? null : new InternetAddress(f, true);
        } catch (AddressException e) {
            s.problem("from", "not an email address");
        }
        for (String r : s.strings("to")) {
            try {
                to.add(new InternetAddress(r, true));
            } catch (AddressException e) {
                s.problem("to", "not an email address: '" + r + "'");
            }
        }
        if (to.isEmpty() && !s.has("to")) {
            s.problem("to", "missing: at least one recipient");
        }
        Duration timeout = s.duration("timeout", Duration.ofSeconds(10));
        if (host == null || from == null || to.isEmpty() || (username != null && password == null)) {
            return null;
        }
        return new EmailNotifier(name, new Config(host, port, tls, username, password, s.string("ssl-trust", null), from, to, timeout),
            templates);
    }

    @Override
    public String name() {
        return name;
    }

    /** Builds the message for an alert (also used by the preview command). */
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
                try (Transport transport = session.getTransport(config.tls() == Tls.SMTPS ? "smtps" : "smtp")) {
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
