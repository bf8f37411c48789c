package io.connwatch.engine.facts;

import java.time.Instant;

/**
 * Parses the one timestamp shape Azure writes, {@code 2019-03-27T10:00:00[.fraction]Z}, without
 * the allocation-heavy general formatter; anything else returns null for the general path.
 */
final class FastTime {
    private FastTime() {
    }

    static Instant parseIsoUtc(CharSequence s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
            || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23
            || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        int i = 19;
        if (i < n - 1) {
            if (s.charAt(i) != '.') {
                return null;
            }
            i++;
            int scale = 100_000_000;
            int fractionDigits = 0;
            while (i < n - 1) {
                char ch = s.charAt(i++);
                if (ch < '0' || ch > '9' || ++fractionDigits > 9) {
                    return null;
                }
                nanos += (ch - '0') * scale;
                scale /= 10;
            }
            if (fractionDigits == 0) {
                return null;
            }
        }
        long days = epochDay(year, month, day);
        return Instant.ofEpochSecond(days * 86_400L + hour * 3600L + minute * 60L + second, nanos);
    }

    private static int digits(CharSequence s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static boolean leap(int y) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    }

    private static int daysIn(int y, int m) {
        return switch (m) {
            case 2 -> leap(y) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 (the algorithm java.time.LocalDate.toEpochDay uses). */
    private static long epochDay(int year, int month, int day) {
        long y = year;
        long total = 365 * y;
        if (y >= 0) {
            total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        } else {
            total -= y / -4 - y / -100 + y / -400;
        }
        total += (367L * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!leap(year)) {
                total--;
            }
        }
        return total - 719_528L;
    }
}
