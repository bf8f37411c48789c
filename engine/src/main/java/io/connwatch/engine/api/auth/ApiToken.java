package io.connwatch.engine.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * A configured API token as the service keeps it: a name, roles and the SHA-256 of the token,
 * never the token itself (not even in {@link #toString()}).
 */
public record ApiToken(String name, Set<Role> roles, byte[] sha256) {
    /** A token given in clear (by value, file or environment) must be at least this long. */
    public static final int MIN_LENGTH = 24;

    public ApiToken {
        roles = Set.copyOf(roles);
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 has 32 bytes");
        }
        sha256 = sha256.clone();
    }

    /** A token given in clear; throws (naming the token's name, not the token) when it is shorter than {@link #MIN_LENGTH}. */
    public static ApiToken of(String name, Set<Role> roles, String token) {
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the token of '" + name + "' is shorter than " + MIN_LENGTH + " characters");
        }
        return new ApiToken(name, roles, hash(token));
    }

    /** A token given by its SHA-256 as 64 hex digits. */
    public static ApiToken hashed(String name, Set<Role> roles, String sha256Hex) {
        String hex = sha256Hex.trim();
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("sha256 of '" + name + "' must be 64 hex digits");
        }
        return new ApiToken(name, roles, HexFormat.of().parseHex(hex));
    }

    /** The SHA-256 of a token's UTF-8 bytes. */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The SHA-256 as hex (for {@code sha256:} in the configuration). */
    public static String hashHex(String token) {
        return HexFormat.of().formatHex(hash(token));
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** Whether {@code presentedHash} is this token's hash, in time that does not depend on where they differ. */
    boolean matches(byte[] presentedHash) {
        return MessageDigest.isEqual(sha256, presentedHash);
    }

    /** The principal this token signs in as. */
    public Principal principal() {
        return new Principal(name, roles);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiToken t && t.name.equals(name) && t.roles.equals(roles) && Arrays.equals(t.sha256, sha256);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return "ApiToken[" + name + " " + roles + "]";
    }
}
