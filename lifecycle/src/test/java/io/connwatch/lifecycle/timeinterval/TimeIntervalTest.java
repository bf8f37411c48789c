package io.connwatch.lifecycle.timeinterval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.lifecycle.timeinterval.TimeInterval.Range;
import io.connwatch.lifecycle.timeinterval.TimeInterval.Spec;
import io.connwatch.lifecycle.timeinterval.TimeInterval.TimeRange;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Time intervals with Alertmanager's semantics: each field, negative days, zones, and the values each field reads. */
class TimeIntervalTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Instant utc(String local) {
        return LocalDateTime.parse(local).toInstant(ZoneOffset.UTC);
    }

    private static Instant berlin(String local) {
        return LocalDateTime.parse(local).atZone(BERLIN).toInstant();
    }

    private static Spec spec(List<TimeRange> times, List<Range> weekdays, List<Range> days, List<Range> months, List<Range> years,
                             ZoneId zone) {
        return new Spec(times, weekdays, days, months, years, zone);
    }

    @Test
    void anEmptySpecContainsEverythingAndNoSpecsContainNothing() {
        assertTrue(new TimeInterval("always", List.of(Spec.any())).contains(Instant.EPOCH));
        assertFalse(new TimeInterval("never", List.of()).contains(Instant.EPOCH));
        assertEquals(ZoneOffset.UTC, Spec.any().location(), "UTC by default");
    }

    @Test
    void businessHoursStartInclusiveEndExclusive() {
        Spec hours = spec(List.of(TimeRange.parse("09:00-17:00")), List.of(Range.weekdays("monday:friday")), List.of(), List.of(), List.of(),
            null);
        assertTrue(hours.contains(utc("2026-03-02T09:00:00")), "Monday 09:00");
        assertTrue(hours.contains(utc("2026-03-06T16:59:59.999")), "Friday just before 17:00");
        assertFalse(hours.contains(utc("2026-03-06T17:00:00")), "17:00 is out");
        assertFalse(hours.contains(utc("2026-03-02T08:59:59")));
        assertFalse(hours.contains(utc("2026-03-07T10:00:00")), "Saturday");
    }

    @Test
    void theWholeDayIsZeroToTwentyFour() {
        TimeRange day = TimeRange.of("00:00", "24:00");
        assertTrue(day.contains(0));
        assertTrue(day.contains(24 * 60 - 1));
        assertEquals("00:00-24:00", day.toString());
    }

    @Test
    void theWeekendInBerlinFollowsBerlinsClock() {
        TimeInterval weekend = new TimeInterval("weekend",
            List.of(spec(List.of(TimeRange.of("00:00", "24:00")), List.of(Range.weekdays("saturday:sunday")), List.of(), List.of(), List.of(),
                BERLIN)));
        assertTrue(weekend.contains(berlin("2026-03-07T00:00:00")));
        assertFalse(weekend.contains(utc("2026-03-06T22:59:59")), "Friday 23:59:59 in Berlin");
        assertTrue(weekend.contains(utc("2026-03-06T23:00:00")), "Friday 23:00 UTC is already Saturday in Berlin");
        assertTrue(weekend.contains(berlin("2026-03-08T23:59:59")));
        assertFalse(weekend.contains(berlin("2026-03-09T00:00:00")), "Monday in Berlin");
        assertTrue(weekend.contains(utc("2026-03-08T22:59:59")));
    }

    @Test
    void wrappingWeekdayAndMonthRanges() {
        Spec longWeekend = spec(List.of(), List.of(Range.weekdays("friday:monday")), List.of(), List.of(), List.of(), null);
        assertTrue(longWeekend.contains(utc("2026-03-06T12:00:00")), "Friday");
        assertTrue(longWeekend.contains(utc("2026-03-09T12:00:00")), "Monday");
        assertFalse(longWeekend.contains(utc("2026-03-10T12:00:00")), "Tuesday");
        Spec winter = spec(List.of(), List.of(), List.of(), List.of(Range.months("november:february")), List.of(), null);
        assertTrue(winter.contains(utc("2026-12-15T00:00:00")));
        assertTrue(winter.contains(utc("2026-01-15T00:00:00")));
        assertFalse(winter.contains(utc("2026-03-01T00:00:00")));
        assertEquals(new Range(1, 7), Range.weekdays("Monday:SUNDAY"));
    }

    @Test
    void negativeDaysCountFromTheMonthsEnd() {
        Spec lastDay = spec(List.of(), List.of(), List.of(Range.daysOfMonth("-1")), List.of(), List.of(), null);
        assertTrue(lastDay.contains(utc("2026-02-28T12:00:00")));
        assertTrue(lastDay.contains(utc("2028-02-29T12:00:00")), "leap year");
        assertFalse(lastDay.contains(utc("2028-02-28T12:00:00")));
        assertTrue(lastDay.contains(utc("2026-04-30T12:00:00")));
        Spec lastThree = spec(List.of(), List.of(), List.of(Range.daysOfMonth("-3:-1")), List.of(), List.of(), null);
        assertTrue(lastThree.contains(utc("2026-01-29T00:00:00")));
        assertFalse(lastThree.contains(utc("2026-01-28T23:59:59")));
        Spec fromTheTenthToTheEnd = spec(List.of(), List.of(), List.of(Range.daysOfMonth("10:-1")), List.of(), List.of(), null);
        assertTrue(fromTheTenthToTheEnd.contains(utc("2026-02-28T00:00:00")));
        assertFalse(fromTheTenthToTheEnd.contains(utc("2026-02-09T00:00:00")));
    }

    @Test
    void daysPastTheMonthsEndAreNotThere() {
        Spec the31st = spec(List.of(), List.of(), List.of(Range.daysOfMonth("31")), List.of(), List.of(), null);
        assertFalse(the31st.contains(utc("2026-02-28T00:00:00")), "not clamped onto the 28th");
        assertFalse(the31st.contains(utc("2026-04-30T00:00:00")));
        assertTrue(the31st.contains(utc("2026-03-31T00:00:00")));
        Spec fromThe30th = spec(List.of(), List.of(), List.of(Range.daysOfMonth("30:31")), List.of(), List.of(), null);
        assertTrue(fromThe30th.contains(utc("2026-04-30T00:00:00")));
        assertFalse(fromThe30th.contains(utc("2026-02-28T00:00:00")));
        Spec last31 = spec(List.of(), List.of(), List.of(Range.daysOfMonth("-31:-28")), List.of(), List.of(), null);
        assertTrue(last31.contains(utc("2026-02-01T00:00:00")), "clamped to the month's first day");
    }

    @Test
    void monthsByNameOrNumberAndYears() {
        assertEquals(new Range(1, 3), Range.months("january:march"));
        assertEquals(new Range(1, 3), Range.months("1:3"));
        assertEquals(new Range(12, 12), Range.months("December"));
        assertEquals(new Range(2026, 2027), Range.years("2026:2027"));
        Spec q1of2026 = spec(List.of(), List.of(), List.of(), List.of(Range.months("january:march")), List.of(Range.years("2026")), null);
        assertTrue(q1of2026.contains(utc("2026-03-31T23:59:59")));
        assertFalse(q1of2026.contains(utc("2026-04-01T00:00:00")));
        assertFalse(q1of2026.contains(utc("2027-01-01T00:00:00")));
    }

    @Test
    void anySpecOfAnIntervalMayContain() {
        TimeInterval offHours = new TimeInterval("off-hours", List.of(
            spec(List.of(TimeRange.parse("00:00-09:00"), TimeRange.parse("17:00-24:00")), List.of(Range.weekdays("monday:friday")), List.of(),
                List.of(), List.of(), null),
            spec(List.of(), List.of(Range.weekdays("saturday"), Range.weekdays("sunday")), List.of(), List.of(), List.of(), null)));
        assertTrue(offHours.contains(utc("2026-03-02T08:00:00")));
        assertFalse(offHours.contains(utc("2026-03-02T12:00:00")));
        assertTrue(offHours.contains(utc("2026-03-02T20:00:00")));
        assertTrue(offHours.contains(utc("2026-03-08T12:00:00")));
    }

    @Test
    void localTimesAcrossADaylightSavingChange() {
        Spec nightShift = spec(List.of(TimeRange.parse("02:00-03:00")), List.of(), List.of(), List.of(), List.of(), BERLIN);
        // 2026-03-29 02:00 Berlin does not exist (the clock jumps to 03:00): nothing of that day is contained.
        assertFalse(nightShift.contains(utc("2026-03-29T00:59:59")));
        assertFalse(nightShift.contains(utc("2026-03-29T01:00:00")));
        // 2026-10-25 02:00-03:00 Berlin happens twice: both hours are contained.
        assertTrue(nightShift.contains(utc("2026-10-25T00:30:00")));
        assertTrue(nightShift.contains(utc("2026-10-25T01:30:00")));
        assertFalse(nightShift.contains(utc("2026-10-25T02:00:00")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "09:00-17:00 | 540 | 1020", "0:00-24:00 | 0 | 1440", " 23:59 - 24:00 | 1439 | 1440", "7:30-8:05 | 450 | 485"})
    void timeRangesRead(String text, int start, int end) {
        assertEquals(new TimeRange(start, end), TimeRange.parse(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "17:00-09:00 | end-time 09:00 must be after start-time 17:00 (split a range across midnight in two: 17:00-24:00 and 00:00-09:00)",
        "09:00-09:00 | end-time 09:00 must be after start-time 09:00",
        "24:00-24:00 | end-time 24:00 must be after start-time 24:00",
        "09:00       | '09:00' is not a time range (HH:MM-HH:MM, e.g. 09:00-17:00)",
        "9-17        | '9' is not a time of day (HH:MM from 00:00 to 24:00)",
        "24:01-24:00 | '24:01' is not a time of day (HH:MM from 00:00 to 24:00)",
        "09:60-10:00 | '09:60' is not a time of day (HH:MM from 00:00 to 24:00)",
        "009:00-10:00 | '009:00' is not a time of day (HH:MM from 00:00 to 24:00)",
        "09:00-1O:00 | '1O:00' is not a time of day (HH:MM from 00:00 to 24:00)"})
    void timeRangeErrors(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> TimeRange.parse(text)).getMessage());
    }

    @Test
    void fieldErrorsSayWhatIsAccepted() {
        assertEquals("'funday' is not a weekday (monday to sunday)",
            assertThrows(IllegalArgumentException.class, () -> Range.weekdays("funday")).getMessage());
        assertEquals("'1' is not a weekday (monday to sunday)", assertThrows(IllegalArgumentException.class, () -> Range.weekdays("1")).getMessage());
        assertEquals("'a:b:c' is not a value or a range start:end",
            assertThrows(IllegalArgumentException.class, () -> Range.weekdays("a:b:c")).getMessage());
        assertEquals("0 is not a day of the month (1 to 31, or -31 to -1 counted from the month's end)",
            assertThrows(IllegalArgumentException.class, () -> Range.daysOfMonth("0")).getMessage());
        assertEquals("32 is not a day of the month (1 to 31, or -31 to -1 counted from the month's end)",
            assertThrows(IllegalArgumentException.class, () -> Range.daysOfMonth("1:32")).getMessage());
        assertEquals("end day 5 must be negative too when the start day -3 is",
            assertThrows(IllegalArgumentException.class, () -> Range.daysOfMonth("-3:5")).getMessage());
        assertEquals("end day 3 is always before start day 5", assertThrows(IllegalArgumentException.class, () -> Range.daysOfMonth("5:3")).getMessage());
        assertEquals("end day -10 is always before start day 20",
            assertThrows(IllegalArgumentException.class, () -> Range.daysOfMonth("20:-10")).getMessage());
        assertEquals(new Range(15, -10), Range.daysOfMonth("15:-10"), "empty in short months only, as Alertmanager allows");
        assertEquals("'first' is not a day of the month",
            assertThrows(IllegalArgumentException.class, () -> Range.daysOfMonth("first")).getMessage());
        assertEquals("'99999999999' is not a year", assertThrows(IllegalArgumentException.class, () -> Range.years("99999999999")).getMessage());
        assertEquals("end year 2025 is before start year 2026",
            assertThrows(IllegalArgumentException.class, () -> Range.years("2026:2025")).getMessage());
        assertEquals("0 is not a year (1 to 9999)", assertThrows(IllegalArgumentException.class, () -> Range.years("0")).getMessage());
        assertEquals("13 is not a month (1 to 12)", assertThrows(IllegalArgumentException.class, () -> Range.months("13")).getMessage());
        assertEquals("'smarch' is not a month (january to december, or 1 to 12)", assertThrows(IllegalArgumentException.class, () -> Range.months("smarch")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> spec(List.of(), List.of(new Range(0, 3)), List.of(), List.of(), List.of(), null),
            "a spec made directly is checked too");
    }
}
