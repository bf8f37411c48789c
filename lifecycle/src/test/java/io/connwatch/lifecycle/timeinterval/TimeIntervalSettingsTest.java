package io.connwatch.lifecycle.timeinterval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.config.Settings;
import io.connwatch.lifecycle.timeinterval.TimeInterval.Range;
import io.connwatch.lifecycle.timeinterval.TimeInterval.Spec;
import io.connwatch.lifecycle.timeinterval.TimeInterval.TimeRange;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** time-intervals in the configuration: Alertmanager's keys with dashes, and every problem with its path. */
class TimeIntervalSettingsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final List<String> problems = new ArrayList<>();

    private Map<String, TimeInterval> read(String yaml) throws Exception {
        return TimeInterval.map(Settings.root(YAML.readTree(yaml), problems).child("lifecycle"));
    }

    @Test
    void readsAlertmanagersShapeWithDashes() throws Exception {
        Map<String, TimeInterval> intervals = read("""
            lifecycle:
              time-intervals:
                - name: weekend
                  intervals:
                    - weekdays: ['saturday:sunday']
                      location: Europe/Berlin
                      times: [{start-time: '00:00', end-time: '24:00'}]
                - name: month-end-close
                  intervals:
                    - days-of-month: [-3:-1, 1]
                      months: [january:march, 12]
                      years: [2026:2027]
                      times: [{start-time: 17:00, end-time: 24:00}, {start-time: 0:00, end-time: 8:30}]
                - name: always
                  intervals: [{}]
                - name: workdays
                  intervals: [{weekdays: 'monday:friday, sunday'}]
            """);
        assertEquals(List.of(), problems);
        assertEquals(List.of("weekend", "month-end-close", "always", "workdays"), List.copyOf(intervals.keySet()));
        assertEquals(new TimeInterval("weekend", List.of(new Spec(List.of(new TimeRange(0, 1440)), List.of(new Range(6, 7)), List.of(), List.of(),
            List.of(), ZoneId.of("Europe/Berlin")))), intervals.get("weekend"));
        assertEquals(new TimeInterval("month-end-close", List.of(new Spec(List.of(new TimeRange(1020, 1440), new TimeRange(0, 510)), List.of(),
            List.of(new Range(-3, -1), new Range(1, 1)), List.of(new Range(1, 3), new Range(12, 12)), List.of(new Range(2026, 2027)),
            ZoneOffset.UTC))), intervals.get("month-end-close"));
        assertEquals(new TimeInterval("always", List.of(Spec.any())), intervals.get("always"));
        assertEquals(List.of(new Range(1, 5), new Range(7, 7)), intervals.get("workdays").specs().get(0).weekdays());
        assertTrue(intervals.get("weekend").contains(Instant.parse("2026-03-06T23:00:00Z")), "Saturday 00:00 in Berlin");
    }

    @Test
    void noneConfiguredIsNone() throws Exception {
        assertEquals(Map.of(), read("lifecycle: {}"));
        assertEquals(List.of(), problems);
    }

    @Test
    void everyProblemWithItsPath() throws Exception {
        Map<String, TimeInterval> intervals = read("""
            lifecycle:
              time-intervals:
                - name: broken
                  intervals:
                    - weekdays: [monday, funday]
                      days-of-month: ['5:3']
                      months: [smarch]
                      years: ['2027:2026']
                      location: Mars/Olympus_Mons
                      times: [{start-time: '17:00', end-time: '09:00'}, {start-time: '25:00', end-time: '26:00'}, {start-time: '09:00'}]
                      colour: blue
                - name: weekend
                  intervals: [{weekdays: [saturday]}]
                - name: weekend
                  intervals: [{weekdays: [sunday]}]
                - intervals: [{}]
                - name: empty
                - name: fine
                  time_intervals: []
            """);
        assertEquals(List.of(
            "lifecycle.time-intervals[0].intervals[0].colour: unknown setting (expected one of days-of-month, location, months, times, weekdays, years)",
            "lifecycle.time-intervals[0].intervals[0].times[0]: end-time 09:00 must be after start-time 17:00"
                + " (split a range across midnight in two: 17:00-24:00 and 00:00-09:00)",
            "lifecycle.time-intervals[0].intervals[0].times[1].start-time: '25:00' is not a time of day (HH:MM from 00:00 to 24:00)",
            "lifecycle.time-intervals[0].intervals[0].times[1].end-time: '26:00' is not a time of day (HH:MM from 00:00 to 24:00)",
            "lifecycle.time-intervals[0].intervals[0].times[2].end-time: missing",
            "lifecycle.time-intervals[0].intervals[0].location: unknown time zone 'Mars/Olympus_Mons' (use an IANA name such as Europe/Berlin, or UTC)",
            "lifecycle.time-intervals[0].intervals[0].weekdays[1]: 'funday' is not a weekday (monday to sunday)",
            "lifecycle.time-intervals[0].intervals[0].days-of-month[0]: end day 3 is always before start day 5",
            "lifecycle.time-intervals[0].intervals[0].months[0]: 'smarch' is not a month (january to december, or 1 to 12)",
            "lifecycle.time-intervals[0].intervals[0].years[0]: end year 2026 is before start year 2027",
            "lifecycle.time-intervals[2].name: 'weekend' is already the name of lifecycle.time-intervals[1]",
            "lifecycle.time-intervals[3].name: missing",
            "lifecycle.time-intervals[4].intervals: missing (at least one, such as {weekdays: ['saturday:sunday']})",
            "lifecycle.time-intervals[5].time_intervals: unknown setting (expected one of intervals, name)",
            "lifecycle.time-intervals[5].intervals: missing (at least one, such as {weekdays: ['saturday:sunday']})"), problems);
        assertEquals(List.of("weekend"), List.copyOf(intervals.keySet()), "intervals with problems are left out");
        assertEquals(List.of(new Range(6, 6)), intervals.get("weekend").specs().get(0).weekdays(), "the first of a name stays");
    }
}
