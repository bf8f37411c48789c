package io.connwatch.notify.email;

import io.connwatch.config.Settings;
import io.connwatch.notify.ReceiverConfig;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An email receiver's settings, checked when read; the password appears in no {@link #toString()}.
 *
 * @param name     the receiver's name
 * @param host     SMTP server
 * @param port     its port
 * @param tls      STARTTLS (required), SMTPS (TLS from the start) or NONE
 * @param username login, or null for none
 * @param password password (secret), or null
 * @param sslTrust hosts whose certificates are trusted without a CA ("*" for tests only), or null
 * @param from     sender address
 * @param to       recipients
 * @param timeout  connect, read and write timeout
 * @param sendResolved whether resolved notifications are mailed ({@code send-resolved}, off by default)
 */
public record EmailConfig(String name, String host, int port, Tls tls, String username, String password, String sslTrust,
                          InternetAddress from, List<InternetAddress> to, Duration timeout, boolean sendResolved)
    implements ReceiverConfig {
    public static final String TYPE = "email";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Off, as Alertmanager's email: a mail that something stopped is noise in an inbox. */
    public static final boolean DEFAULT_SEND_RESOLVED = false;

    /** Connection security. */
    public enum Tls { STARTTLS, SMTPS, NONE }

    private static final Set<String> KEYS = Set.of("type", "name", "host", "port", "tls", "username", "password", "password-file",
        "ssl-trust", "from", "to", "timeout", SEND_RESOLVED);

    public EmailConfig {
        to = List.copyOf(to);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads an email receiver's settings; null when they have problems (each added to the settings). */
    public static EmailConfig read(String name, Settings s) {
        s.only(KEYS);
        String host = s.required("host");
        Tls tls = Tls.valueOf(s.choice("tls", "starttls", List.of("starttls", "smtps", "none")).toUpperCase(Locale.ROOT));
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
        Duration timeout = s.duration("timeout", DEFAULT_TIMEOUT);
        boolean sendResolved = s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED);
        if (host == null || from == null || to.isEmpty() || (username != null && password == null)) {
            return null;
        }
        return new EmailConfig(name, host, port, tls, username, password, s.string("ssl-trust", null), from, to, timeout,
            sendResolved);
    }

    @Override
    public String toString() {
        return "EmailConfig[" + name + ", " + host + ":" + port + ", " + tls + ", to " + to + "]";
    }
}
