package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warnings validate-rules prints for rules that compile but would hurt an always-on engine. */
class RuleLintTest {
    private static final EventRetention ROWS_KEPT = new EventRetention(Duration.ofMinutes(15), Duration.ofMinutes(90));

    @TempDir
    Path tmp;

    /** Lints one rule whose left-hand side is {@code lhs} (each line indented by four spaces, starting on line 5). */
    private List<RuleProblem> lint(String lhs, EventRetention retention) throws IOException {
        Path f = tmp.resolve("r.drl");
        Files.writeString(f, "package t;\nimport io.connwatch.engine.facts.*;\nrule \"r\"\nwhen\n"
            + lhs.indent(4) + "then\nend\n");
        return RuleLint.check(List.of(f), retention);
    }

    private List<RuleProblem> lint(String lhs) throws IOException {
        return lint(lhs, EventRetention.DEFAULT);
    }

    private static void assertOneWarning(List<RuleProblem> warnings, int line, int column, String text) {
        assertEquals(1, warnings.size(), warnings.toString());
        RuleProblem w = warnings.get(0);
        assertEquals(line + ":" + column, w.line() + ":" + w.column(), w.format());
        assertTrue(w.message().startsWith("warning: rule \"r\": "), w.message());
        assertTrue(w.message().contains(text), w.message());
    }

    @Test
    void anUnboundedCollectIsAWarning() throws IOException {
        assertOneWarning(lint("""
            $m : MachineMinute( current == true, $machine : machine )
            $all : java.util.List() from collect( ProcessMinute( machine == $machine ) )"""),
            6, 33, "collect over ProcessMinute with no window and no timestamp bound");
    }

    @Test
    void aCollectBoundedByTimestampOrWindowIsNot() throws IOException {
        assertEquals(List.of(), lint("""
            $m : MachineMinute( current == true, $machine : machine, $ts : timestamp )
            $all : java.util.List() from collect( ProcessMinute( machine == $machine, timestamp > ($ts - 600000) ) )"""));
        assertEquals(List.of(), lint("""
            $m : MachineMinute( current == true, $machine : machine )
            $all : java.util.List() from collect( ProcessMinute( machine == $machine ) over window:time( 10m ) )"""));
    }

    @Test
    void anUnboundedAccumulateIsAWarningABoundedOneIsNot() throws IOException {
        assertOneWarning(lint("""
            $m : MachineMinute( $machine : machine )
            accumulate( MachineMinute( machine == $machine, $f : linksFailed ); $total : sum( $f ) )"""),
            6, 4, "accumulate over MachineMinute with no window and no timestamp bound");
        assertEquals(List.of(), lint("""
            $m : MachineMinute( $machine : machine, $ts : timestamp )
            accumulate( MachineMinute( machine == $machine, timestamp > ($ts - 600000), $f : linksFailed ); $total : sum( $f ) )"""));
    }

    @Test
    void anUnboundedExistsIsAWarning() throws IOException {
        assertOneWarning(lint("""
            $b : BoundPort( $machine : machine )
            exists MachineMinute( machine == $machine, linksFailed > 0 )"""),
            6, 4, "`exists MachineMinute` with no time bound");
        assertOneWarning(lint("""
            $b : BoundPort( $machine : machine )
            exists( AdminMinute( machine == $machine ) )"""),
            6, 4, "`exists AdminMinute` with no time bound");
    }

    @Test
    void anExistsOrNotBoundedByTimestampOrATemporalOperatorIsNot() throws IOException {
        assertEquals(List.of(), lint("""
            $m : MachineMinute( current == true, $machine : machine, $ts : timestamp )
            exists AdminMinute( machine == $machine, timestamp > ($ts - 600000) )"""));
        assertEquals(List.of(), lint("""
            $m : MachineMinute( current == true, $machine : machine )
            not AdminMinute( machine == $machine ) over window:time( 10m )"""), "a sliding window bounds it too");
        for (String operator : List.of("after[0, 10m]", "before[0, 10m]", "during", "coincides")) {
            assertEquals(List.of(), lint("""
                $m : MachineMinute( current == true, $machine : machine )
                not MachineMinute( machine == $machine, this %s $m )""".formatted(operator)), operator);
        }
    }

    @Test
    void anUnboundedNotIsAWarning() throws IOException {
        assertOneWarning(lint("""
            $b : BoundPort( )
            not Connection( machine == $b.machine )"""),
            6, 4, "`not Connection` with no time bound");
        assertOneWarning(lint("""
            $m : MachineMinute( $machine : machine )
            not ( FanOutMinute( machine == $machine ) )"""),
            6, 4, "`not FanOutMinute` with no time bound");
    }

    @Test
    void aTemporalOperatorOverRawRowsIsAWarningWhileRowsAreDropped() throws IOException {
        String lhs = """
            $b : BoundPort( port == 22 )
            $c : Connection( machine == $b.machine, this after[0, 10m] $b )""";
        assertOneWarning(lint(lhs), 6, 9, "a window or temporal operator over raw rows");
        assertEquals(List.of(), lint(lhs, ROWS_KEPT), "rows kept long enough: no warning");
        for (String operator : List.of("before", "meets", "metby", "overlaps", "overlappedby", "during", "includes", "coincides",
            "starts", "startedby", "finishes", "finishedby")) {
            assertOneWarning(lint("""
                $b : BoundPort( port == 22 )
                $c : Connection( this %s $b )""".formatted(operator)), 6, 9, "a window or temporal operator over raw rows");
        }
    }

    @Test
    void aWindowOverRawRowsIsAWarningWhileRowsAreDropped() throws IOException {
        String lhs = """
            $c : Connection( )
            accumulate( Connection( machine == $c.machine ) over window:time( 10m ); $n : count() )""";
        assertOneWarning(lint(lhs), 6, 16, "a window or temporal operator over raw rows");
        assertEquals(List.of(), lint(lhs, ROWS_KEPT));
        assertOneWarning(lint("""
            $c : Connection( )
            accumulate( Connection( machine == $c.getMachine(), remoteIp.isPrivate() == false ) over window:time( 10m );
                        $n : count() )"""), 6, 16, "a window or temporal operator over raw rows");
    }

    @Test
    void aTemporalOperatorBetweenRollupsIsNoWarningInARuleThatAlsoMatchesARow() throws IOException {
        assertEquals(List.of(), lint("""
            $c : Connection( destinationPort == 22 )
            $a : MachineMinute( machine == $c.machine, current == true )
            $b : MachineMinute( machine == $c.machine, this before[0, 5m] $a )"""));
    }

    @Test
    void theShippedRulesGiveNoWarning() throws IOException {
        List<Path> drl;
        try (Stream<Path> files = Files.walk(RuleHarness.SHIPPED_RULES)) {
            drl = files.filter(p -> p.toString().endsWith(".drl")).sorted().toList();
        }
        assertTrue(drl.size() >= 6, drl.toString());
        assertEquals(List.of(), RuleLint.check(drl, EventRetention.DEFAULT));
    }
}
