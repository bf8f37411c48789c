package io.connwatch.notify.syslog;

import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.Notifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Syslog: each alert of a notification is one RFC 5424 message whose body is the alert in CEF
 * ({@link CefFormat}): {@code <PRI>1 <time> <hostname> connwatch - <firing|resolved> - CEF:0|...}.
 * The priority is the configured facility and a severity from the alert's (critical 2, high 3,
 * medium 4, low 5, info and resolved alerts 6); the time is the notification's, to the
 * millisecond in UTC. A message longer than {@code max-message-size} bytes has its summary cut
 * (in the CEF Name and {@code msg}) until it fits; only when the fields alone are too long is
 * the message itself cut at the limit.
 *
 * <p>Over TLS (RFC 5425, the default) and TCP each delivery opens a connection, writes its
 * messages with octet-counting framing ({@code <length> <message>}, RFC 6587) and closes it; the
 * server's certificate must be trusted (the JDK's CAs, {@code ca-file} or {@code trust-store})
 * and name {@code host}. Over UDP (RFC 5426) each message is one datagram. Refused or broken
 * connections and I/O errors are temporary; a certificate that is not trusted or not for the host
 * is permanent (another try cannot help until the configuration changes). Syslog has no
 * acknowledgement: a message is delivered once written, and a retry after a broken connection
 * sends the notification's messages again.
 */
public final class SyslogNotifier implements Notifier {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    private final String name;
    private final SyslogConfig config;
    private final String productVersion;
    private final SSLContext tls;

    /** A notifier whose CEF headers name connwatch's version ({@link #productVersion()}). */
    public SyslogNotifier(SyslogConfig config) throws GeneralSecurityException, IOException {
        this(config, productVersion());
    }

    /**
     * @param productVersion the version CEF headers name (connwatch's)
     */
    public SyslogNotifier(SyslogConfig config, String productVersion) throws GeneralSecurityException, IOException {
        this.name = config.name();
        this.config = config;
        this.productVersion = productVersion;
        this.tls = SyslogConfig.TLS.equals(config.transport()) ? config.sslContext() : null;
    }

    /** connwatch's version as the jar's manifest says, or {@code unknown} when run from classes. */
    public static String productVersion() {
        String v = SyslogNotifier.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    /** The syslog messages, one a line, as sent (without framing). */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of(String.join("\n", messages(n)));
    }

    /** The RFC 5424 message of each alert, in order, each within {@code max-message-size} bytes. */
    public List<String> messages(Notification n) {
        List<String> out = new ArrayList<>(n.alerts().size());
        for (NotifiedAlert na : n.alerts()) {
            String head = "<" + (config.facility() * 8 + severity(na)) + ">1 " + TIME.format(n.at()) + " " + config.hostname() + " "
                + config.appName() + " - " + na.status().label() + " - ";
            String m = head + CefFormat.format(n, na, productVersion);
            if (bytes(m) > config.maxMessageSize()) {
                m = shortened(head, n, na);
            }
            out.add(fit(m, config.maxMessageSize()));
        }
        return out;
    }

    /** The message with the longest summary that fits {@code max-message-size} (found by halving), or with none. */
    private String shortened(String head, Notification n, NotifiedAlert na) {
        int lo = 0;
        int hi = na.alert().summary().length();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (bytes(head + CefFormat.format(n, na, productVersion, mid)) <= config.maxMessageSize()) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return head + CefFormat.format(n, na, productVersion, lo);
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The syslog severity of an alert: critical 2, high 3 (error), medium 4 (warning), low 5 (notice), else 6 (informational). */
    static int severity(NotifiedAlert na) {
        if (na.status() == AlertStatus.RESOLVED) {
            return 6;
        }
        Severity s = na.alert().severity();
        return switch (s) {
            case CRITICAL -> 2;
            case HIGH -> 3;
            case MEDIUM -> 4;
            case LOW -> 5;
            case INFO -> 6;
        };
    }

    /** The message cut to {@code max} UTF-8 bytes, never inside a character or after half of a CEF escape. */
    static String fit(String m, int max) {
        byte[] b = m.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) {
            return m;
        }
        int end = max;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--; // b[end] continues a character: cut before the character starts
        }
        String cut = new String(Arrays.copyOf(b, end), StandardCharsets.UTF_8);
        int slashes = 0;
        while (slashes < cut.length() && cut.charAt(cut.length() - 1 - slashes) == '\\') {
            slashes++;
        }
        return slashes % 2 == 1 ? cut.substring(0, cut.length() - 1) : cut;
    }

    @Override
    public void deliver(Notification n) throws DeliveryException {
        List<String> messages = messages(n);
        try {
            if (SyslogConfig.UDP.equals(config.transport())) {
                sendUdp(messages);
            } else {
                sendStream(messages);
            }
        } catch (SSLHandshakeException e) {
            if (causedByCertificate(e)) {
                throw DeliveryException.permanent(name + ": the server's certificate is not trusted or not for " + config.host());
            }
            throw HttpSupport.ioFailure(name, e);
        } catch (IOException e) {
            throw HttpSupport.ioFailure(name, e);
        }
    }

    private static boolean causedByCertificate(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    private void sendUdp(List<String> messages) throws IOException {
        InetAddress to = InetAddress.getByName(config.host());
        try (DatagramSocket socket = new DatagramSocket()) {
            for (String m : messages) {
                byte[] b = m.getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(b, b.length, to, config.port()));
            }
        }
    }

    private void sendStream(List<String> messages) throws IOException {
        int timeout = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(config.host(), config.port()), timeout);
            plain.setSoTimeout(timeout);
            Socket socket = plain;
            if (tls != null) {
                SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, config.host(), config.port(), true);
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name host (RFC 5425 section 5.2)
                s.setSSLParameters(p);
                s.startHandshake();
                socket = s;
            }
            OutputStream out = socket.getOutputStream();
            for (String m : messages) {
                byte[] b = m.getBytes(StandardCharsets.UTF_8);
                out.write((b.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(b);
            }
            out.flush();
            socket.close();
        } finally {
            plain.close();
        }
    }
}
