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

    /** The most of a receiver's answer read (an Elasticsearch bulk answer for thousands of items fits); more fails the attempt. */
    public static final int MAX_RESPONSE_BYTES = 4 << 20;
    /** How long an answer's body may take once its headers came, beyond the request's own timeout. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Sends a request; transport failures become temporary delivery failures naming only the
     * receiver. A receiver's answer is untrusted input: at most {@link #MAX_RESPONSE_BYTES} of its
     * body are kept, and the whole exchange must end within twice the request's timeout (a body
     * dribbled out byte by byte cannot hold the delivery thread).
     */
    public static HttpResponse<String> send(HttpClient http, java.net.http.HttpRequest request, String receiver)
        throws DeliveryException {
        return send(http, request, receiver, MAX_RESPONSE_BYTES);
    }

    static HttpResponse<String> send(HttpClient http, java.net.http.HttpRequest request, String receiver, int maxBytes)
        throws DeliveryException {
        Duration deadline = request.timeout().orElse(DEFAULT_TIMEOUT).multipliedBy(2);
        java.util.concurrent.CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, info -> new BoundedBody(maxBytes));
        try {
            return answer.get(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            answer.cancel(true);
            throw DeliveryException.temporary(receiver + ": timed out (no complete answer within " + deadline.toSeconds() + " s)");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof IOException && e.getCause().getCause() instanceof ResponseTooLarge
                ? e.getCause().getCause() : e.getCause();
            if (cause instanceof ResponseTooLarge) {
                throw DeliveryException.temporary(receiver + ": " + cause.getMessage());
            }
            throw ioFailure(receiver, cause instanceof Exception ex ? ex : new IOException(cause));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw DeliveryException.temporary(receiver + ": interrupted");
        }
    }

    /** A receiver answered with more than the bytes connwatch reads. */
    static final class ResponseTooLarge extends IOException {
        ResponseTooLarge(int maxBytes) {
            super("answer larger than " + maxBytes + " bytes (not read further)");
        }
    }

    /** A body read as UTF-8 text, refused (and its stream cancelled) past a byte limit. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<String> {
        private final int maxBytes;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<String> body = new java.util.concurrent.CompletableFuture<>();
        private java.util.concurrent.Flow.Subscription subscription;

        BoundedBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public java.util.concurrent.CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(java.util.List<java.nio.ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (java.nio.ByteBuffer b : buffers) {
                if (bytes.size() + b.remaining() > maxBytes) {
                    subscription.cancel();
                    body.completeExceptionally(new ResponseTooLarge(maxBytes));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** An I/O failure as a temporary delivery failure, named by its kind only (messages can hold URLs). */
    public static DeliveryException ioFailure(String receiver, Exception e) {
        String kind = e instanceof java.net.http.HttpTimeoutException ? "timed out"
            : e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
        return DeliveryException.temporary(receiver + ": " + kind);
    }
}
