package io.connwatch.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one glob syntax of the configuration and rule data ({@code *} any run, {@code ?} one
 * character, everything else literal), matched case-insensitively against the whole text.
 */
public final class Glob {
    private Glob() {
    }

    /** The glob as a case-insensitive pattern that must match the whole input. */
    public static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
    }
}
