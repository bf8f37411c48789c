package io.connwatch.lifecycle.timeinterval;

import io.connwatch.config.Settings;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A named time interval with Alertmanager's semantics: it contains an instant when any of its
 * specs does; a spec contains it when every field given contains it (an empty field means any).
 *
 * <p>Where we differ from Alertmanager, on purpose: a weekday or month range may wrap around
 * ({@code saturday:sunday}, {@code friday:monday}, {@code november:february}), since weeks and
 * years are cycles (Alertmanager refuses a range whose end comes before its start, so every
 * configuration it accepts reads the same here); and the zone {@code Local} is not accepted, so
 * the same configuration means the same on every machine.
 *
 * @param name  the name routes refer to
 * @param specs the alternatives; none means it never contains anything
 */
public record TimeInterval(String name, List<Spec> specs) {
    /** The configuration key {@link #map} reads. */
    public static final String KEY = "time-intervals";

    public TimeInterval {
        Objects.requireNonNull(name, "name");
        specs = List.copyOf(specs);
    }

    /** True when any spec contains {@code t}. */
    public boolean contains(Instant t) {
        for (Spec s : specs) {
            if (s.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One alternative of a time interval, all of whose non-empty fields must contain an instant
     * (seen in {@code location}).
     *
     * @param times       times of day, start inclusive and end exclusive
     * @param weekdays    1 (Monday) to 7 (Sunday); a range may wrap ({@code 6:7}, {@code 5:1})
     * @param daysOfMonth 1 to 31, or -31 to -1 counted from the month's end (-1 is the last day)
     * @param months      1 (January) to 12; a range may wrap
     * @param years       1 to 9999
     * @param location    the zone the fields are read in; UTC when null
     */
    public record Spec(List<TimeRange> times, List<Range> weekdays, List<Range> daysOfMonth, List<Range> months, List<Range> years,
                       ZoneId location) {
        public Spec {
            times = List.copyOf(times);
            weekdays = List.copyOf(weekdays);
            daysOfMonth = List.copyOf(daysOfMonth);
            months = List.copyOf(months);
            years = List.copyOf(years);
            location = location == null ? ZoneOffset.UTC : location;
            weekdays.forEach(r -> Range.checkCyclic(r, 7, "weekday"));
            daysOfMonth.forEach(Range::checkDaysOfMonth);
            months.forEach(r -> Range.checkCyclic(r, 12, "month"));
            years.forEach(Range::checkYears);
        }

        /** A spec with no fields: it contains every instant. */
        public static Spec any() {
            return new Spec(List.of(), List.of(), List.of(), List.of(), List.of(), null);
        }

        /** True when every non-empty field contains {@code t} as seen in {@link #location()}. */
        public boolean contains(Instant t) {
            ZonedDateTime z = t.atZone(location);
            if (!times.isEmpty()) {
                int minute = z.getHour() * 60 + z.getMinute();
                if (times.stream().noneMatch(r -> r.contains(minute))) {
                    return false;
                }
            }
            if (!weekdays.isEmpty()) {
                int day = z.getDayOfWeek().getValue();
                if (weekdays.stream().noneMatch(r -> r.containsCyclic(day))) {
                    return false;
                }
            }
            if (!daysOfMonth.isEmpty()) {
                int day = z.getDayOfMonth();
                int length = z.toLocalDate().lengthOfMonth();
                if (daysOfMonth.stream().noneMatch(r -> r.containsDayOfMonth(day, length))) {
                    return false;
                }
            }
            if (!months.isEmpty()) {
                int month = z.getMonthValue();
                if (months.stream().noneMatch(r -> r.containsCyclic(month))) {
                    return false;
                }
            }
            if (!years.isEmpty()) {
                int year = z.getYear();
                return years.stream().anyMatch(r -> r.begin() <= year && year <= r.end());
            }
            return true;
        }
    }

    /**
     * Minutes of a day, {@code [startMinute, endMinute)}, as Alertmanager's
     * {@code start_time}/{@code end_time}; {@code 00:00-24:00} is the whole day.
     *
     * @param startMinute minutes after midnight, inclusive
     * @param endMinute   minutes after midnight, exclusive, at most 1440 (24:00)
     */
    public record TimeRange(int startMinute, int endMinute) {
        private static final int DAY = 24 * 60;
        private static final Pattern CLOCK = Pattern.compile("[0-9]{1,2}:[0-9]{2}");

        public TimeRange {
            if (startMinute < 0 || endMinute > DAY || startMinute >= endMinute) {
                throw new IllegalArgumentException("end-time " + clock(endMinute) + " must be after start-time " + clock(startMinute)
                    + (endMinute < startMinute ? " (split a range across midnight in two: " + clock(startMinute) + "-24:00 and 00:00-"
                    + clock(endMinute) + ")" : ""));
            }
        }

        /** From {@code HH:MM} to {@code HH:MM} (24:00 allowed as the end). */
        public static TimeRange of(String startTime, String endTime) {
            return new TimeRange(minuteOfDay(startTime), minuteOfDay(endTime));
        }

        /** Reads {@code HH:MM-HH:MM}. */
        public static TimeRange parse(String text) {
            String[] parts = text.split("-", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("'" + shorten(text) + "' is not a time range (HH:MM-HH:MM, e.g. 09:00-17:00)");
            }
            return of(parts[0], parts[1]);
        }

        /** True when the minute of the day is in the range. */
        public boolean contains(int minuteOfDay) {
            return startMinute <= minuteOfDay && minuteOfDay < endMinute;
        }

        /** {@code HH:MM-HH:MM}. */
        @Override
        public String toString() {
            return clock(startMinute) + "-" + clock(endMinute);
        }

        static int minuteOfDay(String text) {
            String t = text.trim();
            if (CLOCK.matcher(t).matches()) {
                int colon = t.indexOf(':');
                int hours = Integer.parseInt(t.substring(0, colon));
                int minutes = Integer.parseInt(t.substring(colon + 1));
                if (minutes < 60 && (hours < 24 || hours == 24 && minutes == 0)) {
                    return hours * 60 + minutes;
                }
            }
            throw new IllegalArgumentException("'" + shorten(text) + "' is not a time of day (HH:MM from 00:00 to 24:00)");
        }

        private static String clock(int minute) {
            return String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
        }
    }

    /**
     * An inclusive range of weekdays, days of the month, months or years, read by the factory for
     * its field ({@code monday:friday}, {@code -3:-1}, {@code january:march}, {@code 2026}).
     *
     * @param begin the first value
     * @param end   the last value (the same as {@code begin} for a single value)
     */
    public record Range(int begin, int end) {
        private static final List<String> WEEKDAYS = List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");
        private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december");

        /** Reads {@code monday}, {@code monday:friday} or {@code saturday:sunday} (any case) as 1 (Monday) to 7. */
        public static Range weekdays(String text) {
            Range r = read(text, t -> {
                int i = WEEKDAYS.indexOf(t.toLowerCase(Locale.ROOT));
                if (i < 0) {
                    throw new IllegalArgumentException("'" + shorten(t) + "' is not a weekday (monday to sunday)");
                }
                return i + 1;
            });
            return checkCyclic(r, 7, "weekday");
        }

        /** Reads {@code 1}, {@code 1:15}, {@code -1} (the last day) or {@code -7:-1} (the last week). */
        public static Range daysOfMonth(String text) {
            return checkDaysOfMonth(read(text, t -> number(t, "a day of the month")));
        }

        /** Reads {@code january}, {@code 1}, {@code january:march} or {@code november:february} (any case, names or numbers). */
        public static Range months(String text) {
            Range r = read(text, t -> {
                int i = MONTHS.indexOf(t.toLowerCase(Locale.ROOT));
                return i >= 0 ? i + 1 : number(t, "a month (january to december, or 1 to 12)");
            });
            return checkCyclic(r, 12, "month");
        }

        /** Reads {@code 2026} or {@code 2026:2027}. */
        public static Range years(String text) {
            return checkYears(read(text, t -> number(t, "a year")));
        }

        /** True when {@code v} is in {@code begin..end}, or, when the range wraps, in {@code begin..} or {@code ..end}. */
        boolean containsCyclic(int v) {
            return begin <= end ? begin <= v && v <= end : v >= begin || v <= end;
        }

        /** Alertmanager's days_of_month: negative days count from the month's end; days past it are not there. */
        boolean containsDayOfMonth(int day, int length) {
            int first = begin < 0 ? length + begin + 1 : begin;
            int last = end < 0 ? length + end + 1 : end;
            if (first > length) {
                return false;
            }
            return Math.max(first, 1) <= day && day <= Math.min(last, length);
        }

        /** {@code begin:end}, or one value. */
        @Override
        public String toString() {
            return begin == end ? Integer.toString(begin) : begin + ":" + end;
        }

        private static Range read(String text, Function<String, Integer> value) {
            String[] parts = text.split(":", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException("'" + shorten(text) + "' is not a value or a range start:end");
            }
            int begin = value.apply(parts[0].trim());
            return new Range(begin, parts.length == 1 ? begin : value.apply(parts[1].trim()));
        }

        private static int number(String t, String what) {
            if (t.length() <= 6 && t.matches("-?[0-9]+")) {
                return Integer.parseInt(t);
            }
            throw new IllegalArgumentException("'" + shorten(t) + "' is not " + what);
        }

        static Range checkCyclic(Range r, int max, String what) {
            for (int v : new int[] {r.begin, r.end}) {
                if (v < 1 || v > max) {
                    throw new IllegalArgumentException(v + " is not a " + what + " (1 to " + max + ")");
                }
            }
            return r;
        }

        /** As Alertmanager: -31..-1 and 1..31, a negative start needs a negative end, and never always empty. */
        static Range checkDaysOfMonth(Range r) {
            for (int v : new int[] {r.begin, r.end}) {
                if (v == 0 || v < -31 || v > 31) {
                    throw new IllegalArgumentException(v + " is not a day of the month (1 to 31, or -31 to -1 counted from the month's end)");
                }
            }
            if (r.begin < 0 && r.end > 0) {
                throw new IllegalArgumentException("end day " + r.end + " must be negative too when the start day " + r.begin + " is");
            }
            // As Alertmanager: a 28-day month tells the ranges that are empty in every month.
            int first = r.begin < 0 ? 28 + r.begin : r.begin;
            int last = r.end < 0 ? 28 + r.end : r.end;
            if (first > last) {
                throw new IllegalArgumentException("end day " + r.end + " is always before start day " + r.begin);
            }
            return r;
        }

        static Range checkYears(Range r) {
            for (int v : new int[] {r.begin, r.end}) {
                if (v < 1 || v > 9999) {
                    throw new IllegalArgumentException(v + " is not a year (1 to 9999)");
                }
            }
            if (r.end < r.begin) {
                throw new IllegalArgumentException("end year " + r.end + " is before start year " + r.begin);
            }
            return r;
        }
    }

    /**
     * Reads {@code time-intervals} from a section, Alertmanager's keys with dashes:
     *
     * <pre>{@code
     * time-intervals:
     *   - name: weekend
     *     intervals:
     *       - weekdays: ['saturday:sunday']
     *         location: Europe/Berlin
     *         times: [{start-time: '00:00', end-time: '24:00'}]
     *       - days-of-month: ['-1']       # and the last day of every month
     *         months: ['january:march']
     *         years: ['2026']
     * }</pre>
     *
     * Lists may also be one comma-separated value ({@code weekdays: 'monday:friday, sunday'}).
     * Problems go to the settings as
     * {@code <section>.time-intervals[0].intervals[1].weekdays[0]: ...}; an interval with a
     * problem is left out.
     *
     * @return the intervals by name, in the order written
     */
    public static Map<String, TimeInterval> map(Settings section) {
        Map<String, TimeInterval> out = new LinkedHashMap<>();
        Map<String, String> where = new LinkedHashMap<>();
        for (Settings e : section.list(KEY)) {
            int before = e.problemCount();
            e.only(Set.of("name", "intervals"));
            String name = e.required("name");
            List<Spec> specs = new ArrayList<>();
            int beforeIntervals = e.problemCount();
            List<Settings> intervals = e.list("intervals");
            if (intervals.isEmpty() && e.problemCount() == beforeIntervals) {
                e.problem("intervals", "missing (at least one, such as {weekdays: ['saturday:sunday']})");
            }
            for (Settings i : intervals) {
                specs.add(spec(i));
            }
            if (name != null && where.containsKey(name)) {
                e.problem("name", "'" + shorten(name) + "' is already the name of " + where.get(name));
            }
            if (name != null) {
                where.putIfAbsent(name, e.where());
            }
            if (e.problemCount() == before) {
                out.put(name, new TimeInterval(name, specs));
            }
        }
        return out;
    }

    private static Spec spec(Settings s) {
        s.only(Set.of("times", "weekdays", "days-of-month", "months", "years", "location"));
        List<TimeRange> times = new ArrayList<>();
        for (Settings t : s.list("times")) {
            t.only(Set.of("start-time", "end-time"));
            Integer start = t.required("start-time") == null ? null : t.value("start-time", null, TimeRange::minuteOfDay);
            Integer end = t.required("end-time") == null ? null : t.value("end-time", null, TimeRange::minuteOfDay);
            if (start != null && end != null) {
                try {
                    times.add(new TimeRange(start, end));
                } catch (IllegalArgumentException e) {
                    t.problem(e.getMessage());
                }
            }
        }
        ZoneId location = s.value("location", ZoneOffset.UTC, TimeInterval::zone);
        return new Spec(times, ranges(s, "weekdays", Range::weekdays), ranges(s, "days-of-month", Range::daysOfMonth),
            ranges(s, "months", Range::months), ranges(s, "years", Range::years), location);
    }

    private static List<Range> ranges(Settings s, String key, Function<String, Range> parser) {
        List<String> texts = s.strings(key);
        List<Range> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(parser.apply(texts.get(i)));
            } catch (IllegalArgumentException e) {
                s.problem(key + "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    /** An IANA zone such as {@code Europe/Berlin}, or {@code UTC}. */
    static ZoneId zone(String text) {
        try {
            return ZoneId.of(text.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + shorten(text) + "' (use an IANA name such as Europe/Berlin, or UTC)", e);
        }
    }

    private static String shorten(String t) {
        return t.length() <= 60 ? t : t.substring(0, 60) + "…";
    }
}
