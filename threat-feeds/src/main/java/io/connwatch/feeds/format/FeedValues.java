package io.connwatch.feeds.format;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads the values feeds write in many ways: times as ISO, {@code yyyy-MM-dd HH:mm:ss}, dates, or epoch seconds. */
final class FeedValues {
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private FeedValues() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    static Instant time(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (t.chars().allMatch(Character::isDigit) && t.length() <= 12) {
            return Instant.ofEpochSecond(Long.parseLong(t));
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return java.time.OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDateTime.parse(t, SPACED).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time: '" + Lines.abbreviate(t) + "'");
        }
    }

    /** A whole number within bounds. @throws IllegalArgumentException when it is not */
    static int bounded(String text, int min, int max) {
        String t = text.trim();
        int v;
        try {
            v = (int) Math.round(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + Lines.abbreviate(t) + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
        }
        return v;
    }
}
