package io.connwatch.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Values cut to a receiver's published field limits: text to a number of characters (with an
 * ellipsis, never splitting a surrogate pair), and a group key to an id field's length (the key
 * itself when it fits, else a digest of it, so the same group always gets the same id).
 */
public final class FieldLimits {
    private static final String ELLIPSIS = "\u2026";
    /** What a digested id starts with, so that a reader can tell it from a group key. */
    public static final String DIGEST_PREFIX = "sha256:";

    private FieldLimits() {
    }

    /** The text cut to at most {@code max} characters, ending with an ellipsis when cut; null stays null. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        if (max <= ELLIPSIS.length()) {
            return text.substring(0, Math.max(0, max));
        }
        int end = max - ELLIPSIS.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + ELLIPSIS;
    }

    /**
     * An id for a group in a field of at most {@code max} characters: the group key when it fits,
     * else {@value #DIGEST_PREFIX} and the hex SHA-256 of the key (71 characters).
     */
    public static String groupId(String groupKey, int max) {
        if (groupKey.length() <= max) {
            return groupKey;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(groupKey.getBytes(StandardCharsets.UTF_8));
            return DIGEST_PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** The UTF-8 length of a text, as a receiver's byte limits count it. */
    public static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
