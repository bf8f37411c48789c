package io.connwatch.engine.alert.lifecycle;

import io.connwatch.engine.config.LifecycleSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring links that acknowledge an alert group, put into notifications: {@code
 * <external-url>/ack?g=<group key, base64url>&exp=<epoch seconds>&sig=<HMAC-SHA256, base64url>}.
 * Opening one (GET) shows a confirmation page and changes nothing; the page's POST acknowledges.
 * Whoever holds the link can acknowledge that one group until it expires, nothing else.
 */
public final class AckLinks implements Function<String, String> {
    private final String base;
    private final byte[] key;
    private final Duration ttl;
    private final Clock clock;

    public AckLinks(String externalUrl, String secret, Duration ttl, Clock clock) {
        this.base = externalUrl.replaceAll("/+$", "");
        this.key = secret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The links from the configuration, or null when they are off. */
    public static AckLinks from(LifecycleSettings.AckLinks settings) {
        return settings == null ? null : new AckLinks(settings.externalUrl(), settings.secret(), settings.ttl(), Clock.systemUTC());
    }

    @Override
    public String apply(String groupKey) {
        String g = Base64.getUrlEncoder().withoutPadding().encodeToString(groupKey.getBytes(StandardCharsets.UTF_8));
        long exp = clock.instant().plus(ttl).getEpochSecond();
        return base + "/ack?g=" + g + "&exp=" + exp + "&sig=" + URLEncoder.encode(sign(g, exp), StandardCharsets.UTF_8);
    }

    /**
     * The group key a link's parameters acknowledge, when the signature holds and it has not expired.
     */
    public Optional<String> verify(String g, String exp, String sig) {
        if (g == null || exp == null || sig == null || g.length() > 8192 || sig.length() > 128) {
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(exp);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        byte[] expected = sign(g, expires).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        if (Instant.ofEpochSecond(expires).isBefore(clock.instant())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(g), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String sign(String g, long exp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(("connwatch-ack\n" + g + "\n" + exp).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
