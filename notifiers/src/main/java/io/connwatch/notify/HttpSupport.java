package io.connwatch.notify;

import io.connwatch.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** What the HTTP channels share: the client with TLS options, and the retry decision for a status. */
public final class HttpSupport {
    private HttpSupport() {
    }

    /**
     * TLS options of an HTTP receiver.
     *
     * @param caFile             PEM file of CA certificates to trust instead of the JDK's, or null
     * @param clientKeystore     PKCS#12 file with a client certificate and key, or null
     * @param clientKeystorePass its password (secret)
     */
    public record Tls(Path caFile, Path clientKeystore, String clientKeystorePass) {
        public static final Tls DEFAULT = new Tls(null, null, null);

        @Override
        public String toString() {
            return "Tls[ca=" + caFile + ", client=" + clientKeystore + "]";
        }
    }

    public static HttpClient client(Duration connectTimeout, Tls tls) throws GeneralSecurityException, IOException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
        SSLContext ctx = sslContext(tls);
        if (ctx != null) {
            b.sslContext(ctx);
        }
        return b.build();
    }

    /**
     * The TLS context of the options, or null for the JDK's default (no CA file, no client
     * certificate); loading it also checks the files, as the configuration does when read.
     */
    public static SSLContext sslContext(Tls tls) throws GeneralSecurityException, IOException {
        if (tls.caFile() == null && tls.clientKeystore() == null) {
            return null;
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        TrustManagerFactory tmf = null;
        if (tls.caFile() != null) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(tls.caFile())) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
            }
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        KeyManagerFactory kmf = null;
        if (tls.clientKeystore() != null) {
            char[] pass = tls.clientKeystorePass() == null ? new char[0] : tls.clientKeystorePass().toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(tls.clientKeystore())) {
                keys.load(in, pass);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pass);
        }
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * The decision for a non-2xx answer: 408, 429 and 5xx are temporary (with Retry-After when
     * given), other statuses permanent. The message names the receiver and status only.
     */
    public static DeliveryException failure(String receiver, HttpResponse<String> r, String detail) {
        int s = r.statusCode();
        String message = receiver + ": HTTP " + s + (detail == null || detail.isBlank() ? "" : " " + detail);
        if (s == 408 || s == 429 || s >= 500) {
            Duration after = retryAfter(r.headers().firstValue("Retry-After").orElse(null));
            return after == null ? DeliveryException.temporary(message) : DeliveryException.temporary(message, after);
        }
        return DeliveryException.permanent(message);
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    public static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    /** Reads a receiver's (secret) http or https URL; null with a problem when missing or not a URL. */
    public static java.net.URI url(Settings s) {
        String url = s.secret("url", true);
        if (url == null) {
            return null;
        }
        try {
            java.net.URI uri = java.net.URI.create(url);
            if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) {
                return uri;
            }
            s.problem("url", "must be an http or https URL");
        } catch (IllegalArgumentException e) {
            s.problem("url", "not a URL");
        }
        return null;
    }

    /**
     * Reads a receiver's (not secret) http or https URL under {@code key}, {@code def} when absent;
     * null with a problem when not such a URL.
     */
    public static java.net.URI url(Settings s, String key, java.net.URI def) {
        String url = s.string(key, null);
        if (url == null) {
            return def;
        }
        try {
            java.net.URI uri = java.net.URI.create(url.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
            s.problem(key, "must be an http or https URL");
        } catch (IllegalArgumentException e) {
            s.problem(key, "not a URL");
        }
        return null;
    }

    /** Sends a request; transport failures become temporary delivery failures naming only the receiver. */
    public static HttpResponse<String> send(HttpClient http, java.net.http.HttpRequest request, String receiver)
        throws DeliveryException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ioFailure(receiver, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.temporary(receiver + ": interrupted");
        }
    }

    /** An I/O failure as a temporary delivery failure, named by its kind only (messages can hold URLs). */
    public static DeliveryException ioFailure(String receiver, Exception e) {
        String kind = e instanceof java.net.http.HttpTimeoutException ? "timed out"
            : e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
        return DeliveryException.temporary(receiver + ": " + kind);
    }
}
