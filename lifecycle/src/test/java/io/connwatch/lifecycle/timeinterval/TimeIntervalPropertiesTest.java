package io.connwatch.lifecycle.timeinterval;

import io.connwatch.lifecycle.timeinterval.TimeInterval.Range;
import io.connwatch.lifecycle.timeinterval.TimeInterval.Spec;
import io.connwatch.lifecycle.timeinterval.TimeInterval.TimeRange;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Assertions;

/** A spec contains exactly the instants a brute-force reference (every field expanded to its set of values) says. */
class TimeIntervalPropertiesTest {
    private static final long FROM = Instant.parse("1995-01-01T00:00:00Z").getEpochSecond();
    private static final long TO = Instant.parse("2110-01-01T00:00:00Z").getEpochSecond();

    @Property(tries = 3000)
    void agreesWithTheBruteForceReference(@ForAll("specs") Spec spec, @ForAll("instants") Instant t) {
        boolean expected = reference(spec, t);
        Assertions.assertEquals(expected, spec.contains(t), () -> spec + " at " + t + " = " + t.atZone(spec.location()));
        Statistics.collect(expected ? "contained" : "not contained");
        Statistics.coverage(c -> c.check("contained").percentage(p -> p > 3));
    }

    @Property(tries = 300)
    void anIntervalIsTheUnionOfItsSpecs(@ForAll("specLists") List<Spec> specs, @ForAll("instants") Instant t) {
        boolean expected = specs.stream().anyMatch(s -> reference(s, t));
        Assertions.assertEquals(expected, new TimeInterval("x", specs).contains(t));
    }

    /** Every field as the set of values it allows, read off the local date and time in the spec's zone. */
    static boolean reference(Spec s, Instant t) {
        LocalDateTime local = LocalDateTime.ofInstant(t, s.location());
        if (!s.times().isEmpty()) {
            boolean[] minutes = new boolean[24 * 60];
            for (TimeRange r : s.times()) {
                for (int m = r.startMinute(); m < r.endMinute(); m++) {
                    minutes[m] = true;
                }
            }
            if (!minutes[local.toLocalTime().toSecondOfDay() / 60]) {
                return false;
            }
        }
        if (!s.weekdays().isEmpty()) {
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (Range r : s.weekdays()) {
                DayOfWeek d = DayOfWeek.of(r.begin());
                days.add(d);
                while (d != DayOfWeek.of(r.end())) {
                    d = d.plus(1);
                    days.add(d);
                }
            }
            if (!days.contains(local.getDayOfWeek())) {
                return false;
            }
        }
        if (!s.daysOfMonth().isEmpty()) {
            int day = local.getDayOfMonth();
            int fromEnd = day - YearMonth.from(local).lengthOfMonth() - 1;
            boolean any = false;
            for (Range r : s.daysOfMonth()) {
                boolean afterBegin = r.begin() > 0 ? day >= r.begin() : fromEnd >= r.begin();
                boolean beforeEnd = r.end() > 0 ? day <= r.end() : fromEnd <= r.end();
                any |= afterBegin && beforeEnd;
            }
            if (!any) {
                return false;
            }
        }
        if (!s.months().isEmpty()) {
            Set<Month> months = EnumSet.noneOf(Month.class);
            for (Range r : s.months()) {
                Month m = Month.of(r.begin());
                months.add(m);
                while (m != Month.of(r.end())) {
                    m = m.plus(1);
                    months.add(m);
                }
            }
            if (!months.contains(local.getMonth())) {
                return false;
            }
        }
        return s.years().isEmpty() || s.years().stream().anyMatch(r -> r.begin() <= local.getYear() && local.getYear() <= r.end());
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(FROM, TO).map(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<List<Spec>> specLists() {
        return specs().list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<Spec> specs() {
        Arbitrary<TimeRange> times = Arbitraries.integers().between(0, 1439)
            .flatMap(start -> Arbitraries.integers().between(start + 1, 1440).map(end -> new TimeRange(start, end)));
        Arbitrary<Range> weekdays = Combinators.combine(Arbitraries.integers().between(1, 7), Arbitraries.integers().between(1, 7)).as(Range::new);
        Arbitrary<Range> days = Combinators.combine(day(), day()).as(Range::new).filter(TimeIntervalPropertiesTest::validDays);
        Arbitrary<Range> months = Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 12)).as(Range::new);
        Arbitrary<Range> years = Arbitraries.integers().between(1995, 2110)
            .flatMap(b -> Arbitraries.integers().between(b, Math.min(9999, b + 30)).map(e -> new Range(b, e)));
        Arbitrary<ZoneId> zones = Arbitraries.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
            "Pacific/Chatham", "America/St_Johns", "Pacific/Kiritimati").map(ZoneId::of).injectNull(0.1);
        return Combinators.combine(times.list().ofMaxSize(3), weekdays.list().ofMaxSize(2), days.list().ofMaxSize(2), months.list().ofMaxSize(2),
            years.list().ofMaxSize(2), zones).as(Spec::new);
    }

    private static Arbitrary<Integer> day() {
        return Arbitraries.integers().between(-31, 31).filter(d -> d != 0);
    }

    private static boolean validDays(Range r) {
        try {
            Range.checkDaysOfMonth(r);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
