package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A rule that fails at run time loses only its own matches, and is named with its file and line. */
class RuleFailureTest {
    @TempDir
    Path tmp;

    /** Conditions that throw at run time, and the line of the DRL file below where they are. */
    static Stream<Arguments> failingConditions() {
        return Stream.of(
            // a literal of the wrong type (destinationPort == "ssh") is refused at compile time now; a
            // method call in a simple constraint throws at run time the same way
            Arguments.of("a constraint", "Connection( processName.substring(100) == \"x\" )", 8),
            Arguments.of("an eval", "$c : Connection( )\n    eval( $c.getProcessName().substring(100) != null )", 9),
            Arguments.of("a join", "$b : BoundPort( )\n    Connection( destinationPort == $b.getProcessName().substring(100).length() )", 9),
            // an indexed (hashed) join: the bound value it hashes the tuple by throws when read
            Arguments.of("an indexed join", "$c : Connection( $n : processName.substring(100) )\n    BoundPort( processName == $n )", 9),
            Arguments.of("an accumulate function's argument",
                "Number( ) from accumulate( Connection( $p : destinationPort ), sum( 100 / ($p - $p) ) )", 8),
            Arguments.of("accumulate functions bound without a result pattern",
                "accumulate( Connection( $p : destinationPort ); $s : sum( 100 / ($p - $p) ), $n : count( 1 ) )", 8),
            Arguments.of("an inline accumulate",
                "Number( ) from accumulate( Connection( $n : processName ), init( int n = 0; ), "
                    + "action( n += $n.substring(100).length(); ), result( n ) )", 8),
            Arguments.of("an accumulate result's constraint",
                "Number( intValue > \"x\".substring(5).length() ) from accumulate( Connection( ), count( 1 ) )", 8),
            Arguments.of("an accumulate result's join",
                "$b : BoundPort( )\n    Number( intValue > $b.getProcessName().substring(100).length() ) from accumulate( Connection( ), count( 1 ) )",
                9),
            Arguments.of("a from collect's result",
                "java.util.List( size > \"x\".substring(5).length() ) from collect( Connection( ) )", 8),
            Arguments.of("a from", "$b : BoundPort( )\n    String( ) from $b.getProcessName().substring(100)", 9),
            // a from that fails gives nothing, so an accumulate over it alone would still match (a count of 0)
            Arguments.of("a from inside an accumulate",
                "$b : BoundPort( )\n    Number( intValue > 0 ) from accumulate( String( ) from $b.getProcessName().substring(100), count( 1 ) )", 9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failingConditions")
    void aConditionThatThrowsLosesOnlyItsOwnMatchesAndIsNamedWithItsFileAndLine(String what, String condition, int line)
        throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("wildcard-bind.drl"), rules.resolve("wildcard-bind.drl"));
        Path drl = rules.resolve("ssh.drl");
        Files.writeString(drl, """
            package t;
            import io.connwatch.engine.facts.Connection;
            import io.connwatch.engine.facts.BoundPort;

            rule "ssh-by-name"
            when
                BoundPort( )
                %s
            then
            end
            """.formatted(condition));
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            // the failing rule's facts first: a failure used to drop every insert after it
            h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0"),
                Rows.connection("2024-05-01T10:00:00Z", "m-2"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-2").set("Ip", "0.0.0.0").set("Port", 8080)).drain();
            assertEquals(2, h.alerts("unexpected-wildcard-bind").size(), "the other rule saw the whole batch: " + h.alerts());
            EngineStats s = h.engine().stats();
            assertEquals(Set.of("ssh-by-name"), s.errorsByRule.keySet());
            assertTrue(s.ruleErrors.sum() >= 1);
            assertEquals(null, s.firesByRule.get("ssh-by-name"), "the failing rule lost its matches");
            List<RuleFailures.Failure> failures = s.failures.list();
            assertEquals(1, failures.size(), failures.toString());
            RuleFailures.Failure f = failures.get(0);
            assertEquals("ssh-by-name", f.rule());
            assertEquals(drl + ":" + line, f.where());
            assertEquals("condition", f.part());
            assertEquals(s.ruleErrors.sum(), f.count());
            assertTrue(f.message().contains("Exception"), f.message());
        }
    }

    @org.junit.jupiter.api.Test
    void aFactWhoseGetterThrowsIsHashedByAnIndexedJoinAsMatchingNothing() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("wildcard-bind.drl"), rules.resolve("wildcard-bind.drl"));
        Path drl = rules.resolve("getter.drl");
        Files.writeString(drl, """
            package t;
            import io.connwatch.engine.facts.Connection;
            import io.connwatch.engine.rules.ThrowingFact;

            rule "make-broken-fact"
            when
                Connection( )
            then
                insert(new ThrowingFact());
            end

            rule "by-name"
            when
                Connection( $n : processName )
                ThrowingFact( name == $n )
            then
            end
            """);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0"),
                Rows.connection("2024-05-01T10:00:00Z", "m-2"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-2").set("Ip", "0.0.0.0").set("Port", 8080)).drain();
            assertEquals(2, h.alerts("unexpected-wildcard-bind").size(), "the other rule saw the whole batch: " + h.alerts());
            EngineStats s = h.engine().stats();
            assertEquals(Set.of("by-name"), s.errorsByRule.keySet());
            assertEquals(null, s.firesByRule.get("by-name"), "the failing rule lost its matches");
            List<RuleFailures.Failure> failures = s.failures.list();
            assertEquals(1, failures.size(), failures.toString());
            RuleFailures.Failure f = failures.get(0);
            assertEquals(drl + ":15", f.where());
            assertEquals("condition", f.part());
            assertTrue(f.message().contains("getName is broken"), f.message());
        }
    }

    @org.junit.jupiter.api.Test
    void anAccumulationThatFailedStartsOverWhenTheFactThatThrewIsGone() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("sum.drl"), """
            package t;
            import io.connwatch.engine.facts.Connection;
            import io.connwatch.engine.facts.BoundPort;

            rule "sum" salience 10
            when
                BoundPort( )
                Number( ) from accumulate( Connection( $p : destinationPort ), sum( 100 / ($p - 22) ) )
            then
            end

            rule "drop-ssh"
            when
                $c : Connection( destinationPort == 22 )
            then
                delete($c);
            end
            """);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            // "sum" is judged first (salience): the port-22 row throws; "drop-ssh" then deletes it
            h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationPort", 22),
                Rows.connection("2024-05-01T10:00:00Z", "m-1"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-1")).drain();
            EngineStats s = h.engine().stats();
            assertEquals(Set.of("sum"), s.errorsByRule.keySet());
            assertEquals(1, s.firesByRule.get("sum").sum(), "matched once the row that threw was gone");
        }
    }

    /** The one condition not contained: Drools sorts a range join's values in a tree that cannot hold a failed one. */
    @org.junit.jupiter.api.Test
    void aRangeIndexedJoinThatThrowsIsNamedButStillEscapes() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Path drl = rules.resolve("range.drl");
        Files.writeString(drl, """
            package t;
            import io.connwatch.engine.facts.Connection;
            import io.connwatch.engine.facts.BoundPort;

            rule "range"
            when
                BoundPort( $x : processName.substring(100).length() )
                not Connection( destinationPort > $x )
            then
            end
            """);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1"), Rows.boundPort("2024-05-01T10:00:00Z", "m-1")).drain();
            EngineStats s = h.engine().stats();
            assertEquals(Set.of("range", ""), s.errorsByRule.keySet(), "named, and then failed as the engine's");
            assertTrue(s.failures.list().stream().anyMatch(f -> f.where().equals(drl + ":8")), s.failures.list().toString());
        }
    }

    @org.junit.jupiter.api.Test
    void rulesAReloadAddsAreGuardedToo() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("wildcard-bind.drl"), rules.resolve("wildcard-bind.drl"));
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(Rows.connection("2024-05-01T10:00:00Z", "m-1"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0")).drain();
            Path drl = rules.resolve("added.drl");
            Files.writeString(drl, """
                package t;
                import io.connwatch.engine.facts.Connection;
                import io.connwatch.engine.facts.BoundPort;

                rule "added-sum"
                when
                    BoundPort( )
                    Number( ) from accumulate( Connection( $p : destinationPort ), sum( 100 / ($p - $p) ) )
                then
                end

                rule "added-join"
                when
                    $c : Connection( $n : processName.substring(100) )
                    BoundPort( processName == $n )
                then
                end
                """);
            assertEquals(List.of(), h.engine().reload().problems());
            h.feed(Rows.connection("2024-05-01T10:01:00Z", "m-2"),
                Rows.boundPort("2024-05-01T10:01:00Z", "m-2").set("Ip", "0.0.0.0").set("Port", 8080)).drain();
            assertEquals(2, h.alerts("unexpected-wildcard-bind").size(), h.alerts().toString());
            EngineStats s = h.engine().stats();
            assertEquals(Set.of("added-sum", "added-join"), s.errorsByRule.keySet());
            assertEquals(Set.of(drl + ":8", drl + ":15"),
                s.failures.list().stream().map(RuleFailures.Failure::where).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @org.junit.jupiter.api.Test
    void aFailingConsequenceIsNamedWithItsFileAndLine() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("wildcard-bind.drl"), rules.resolve("wildcard-bind.drl"));
        Path drl = rules.resolve("throws.drl");
        Files.writeString(drl, """
            package t;
            import io.connwatch.engine.facts.BoundPort;

            rule "throws"
            when
                BoundPort( port == 6379 )
            then
                throw new IllegalStateException("boom");
            end
            """);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-2").set("Ip", "0.0.0.0").set("Port", 8080)).drain();
            assertEquals(2, h.alerts("unexpected-wildcard-bind").size(), h.alerts().toString());
            RuleFailures.Failure f = h.engine().stats().failures.list().get(0);
            assertEquals("throws", f.rule());
            assertEquals(drl + ":4", f.where());
            assertEquals("consequence", f.part());
            assertTrue(f.message().contains("boom"), f.message());
        }
    }
}
