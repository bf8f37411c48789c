package io.connwatch.notify.syslog;

import io.connwatch.config.Settings;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.ReceiverConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A syslog receiver's settings, checked when read (its trust material too); the trust store's
 * password appears in no {@link #toString()}.
 *
 * @param name               the receiver's name
 * @param host               the collector's host name or address (the name its certificate must carry, with TLS)
 * @param port               its port
 * @param transport          {@code tls} (RFC 5425), {@code tcp} (RFC 6587, octet counting) or {@code udp} (RFC 5426)
 * @param caFile             PEM file of CA certificates to trust instead of the JDK's, or null
 * @param trustStore         a PKCS#12 or JKS trust store instead, or null
 * @param trustStorePassword its password (secret), or null
 * @param facility           the syslog facility (0-23)
 * @param hostname           the HOSTNAME field: this machine's name by default
 * @param appName            the APP-NAME field
 * @param maxMessageSize     the most bytes of one syslog message (framing excluded): longer ones are cut, the end of
 *                           the summary first
 * @param timeout            connect and write timeout
 * @param sendResolved       whether resolved alerts are sent ({@code send-resolved}, on by default)
 */
public record SyslogConfig(String name, String host, int port, String transport, Path caFile, Path trustStore, String trustStorePassword,
                           int facility, String hostname, String appName, int maxMessageSize, Duration timeout, boolean sendResolved)
    implements ReceiverConfig {
    public static final String TYPE = "syslog";
    public static final String TLS = "tls";
    public static final String TCP = "tcp";
    public static final String UDP = "udp";
    /** RFC 5425's port for syslog over TLS. */
    public static final int DEFAULT_TLS_PORT = 6514;
    /** The port syslog over TCP and UDP listens on. */
    public static final int DEFAULT_PORT = 514;
    /** RFC 5426: a receiver SHOULD take 2048 octets over UDP. */
    public static final int DEFAULT_UDP_MAX_MESSAGE = 2048;
    /** RFC 5425: a receiver SHOULD take 8192 octets over TLS. */
    public static final int DEFAULT_STREAM_MAX_MESSAGE = 8192;
    /** The largest UDP payload over IPv4. */
    public static final int MAX_UDP_MESSAGE = 65_507;
    public static final String DEFAULT_FACILITY = "local0";
    public static final String DEFAULT_APP_NAME = "connwatch";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** On: a SIEM wants to see an alert end. */
    public static final boolean DEFAULT_SEND_RESOLVED = true;
    /** Facility names in code order (RFC 5424, table 1). */
    static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
        "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
        "local7");

    private static final Set<String> KEYS = Set.of("type", "name", "host", "port", "transport", "ca-file", "trust-store",
        "trust-store-password", "trust-store-password-file", "facility", "hostname", "app-name", "max-message-size", "timeout",
        SEND_RESOLVED);

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads a syslog receiver's settings; null when they have problems (each added to the settings). */
    public static SyslogConfig read(String name, Settings s) {
        int before = s.problemCount();
        s.only(KEYS);
        String host = s.required("host");
        String transport = s.choice("transport", TLS, List.of(TLS, TCP, UDP));
        int port = s.integer("port", TLS.equals(transport) ? DEFAULT_TLS_PORT : DEFAULT_PORT, 1, 65535);
        String ca = s.string("ca-file", null);
        String store = s.string("trust-store", null);
        if (!TLS.equals(transport) && (ca != null || store != null)) {
            s.problem(ca != null ? "ca-file" : "trust-store", "only with transport tls");
        }
        if (ca != null && store != null) {
            s.problem("ca-file", "give ca-file or trust-store, not both");
        }
        String facility = s.string("facility", DEFAULT_FACILITY).trim().toLowerCase(Locale.ROOT);
        int code = FACILITIES.indexOf(facility);
        if (code < 0 && facility.matches("\\d{1,2}") && Integer.parseInt(facility) < FACILITIES.size()) {
            code = Integer.parseInt(facility);
        }
        if (code < 0) {
            s.problem("facility", "expected a facility name (" + String.join(", ", FACILITIES) + ") or 0..23, got '" + facility + "'");
        }
        String hostname = s.string("hostname", null);
        if (hostname != null && !hostname.matches("[!-~]{1,255}")) {
            s.problem("hostname", "printable ASCII without spaces, at most 255 characters");
        }
        String appName = s.string("app-name", DEFAULT_APP_NAME);
        if (!appName.matches("[!-~]{1,48}")) {
            s.problem("app-name", "printable ASCII without spaces, at most 48 characters");
        }
        int maxMessage = s.integer("max-message-size", UDP.equals(transport) ? DEFAULT_UDP_MAX_MESSAGE : DEFAULT_STREAM_MAX_MESSAGE, 480,
            UDP.equals(transport) ? MAX_UDP_MESSAGE : Integer.MAX_VALUE);
        SyslogConfig c = new SyslogConfig(name, host, port, transport, ca == null ? null : s.resolve(ca), store == null ? null
            : s.resolve(store), s.secret("trust-store-password", false), Math.max(code, 0), hostname == null ? localHostname() : hostname,
            appName, maxMessage, s.positiveDuration("timeout", DEFAULT_TIMEOUT), s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED));
        if (host == null) {
            return null;
        }
        if (TLS.equals(transport)) {
            try {
                c.sslContext();
            } catch (GeneralSecurityException | IOException e) {
                s.problem(ca != null ? "ca-file" : "trust-store", "cannot set up TLS: " + e.getClass().getSimpleName());
            }
        }
        return s.problemCount() > before ? null : c;
    }

    /** This machine's name, as the HOSTNAME field carries it; {@code -} (nil) when unknown. */
    static String localHostname() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return h.matches("[!-~]{1,255}") ? h : "-";
        } catch (UnknownHostException e) {
            return "-";
        }
    }

    /** The TLS context trusting the CA file, the trust store, or the JDK's CAs. */
    SSLContext sslContext() throws GeneralSecurityException, IOException {
        if (trustStore == null) {
            SSLContext ctx = HttpSupport.sslContext(new HttpSupport.Tls(caFile, null, null));
            return ctx != null ? ctx : SSLContext.getDefault();
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(trustStore)) {
            ks.load(in, trustStorePassword == null ? null : trustStorePassword.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public String toString() {
        return "SyslogConfig[" + name + ", " + transport + "://" + host + ":" + port + ", facility " + facility + "]";
    }
}
