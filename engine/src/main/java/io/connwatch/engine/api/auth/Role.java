package io.connwatch.engine.api.auth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a token may do: {@code read} every GET, {@code operate} read plus silences and acks,
 * {@code ingest} only POST /ingest, {@code admin} everything.
 */
public enum Role {
    READ, OPERATE, INGEST, ADMIN;

    /** Whether a holder of this role may do what {@code needed} allows. */
    public boolean grants(Role needed) {
        return this == needed || this == ADMIN || (this == OPERATE && needed == READ);
    }

    /** The role's name in the configuration and in answers: {@code read}, {@code operate}, {@code ingest}, {@code admin}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role written as in the configuration (any case). */
    public static Optional<Role> named(String name) {
        return Stream.of(values()).filter(r -> r.configName().equalsIgnoreCase(name.trim())).findFirst();
    }

    /** The names, as the configuration spells them. */
    public static List<String> configNames() {
        return Stream.of(values()).map(Role::configName).toList();
    }
}
