package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fact a rule remembers with {@code @expires} is gone once the clock passes it, however far one batch moves the clock. */
class DeclaredExpiryTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    @TempDir
    Path tmp;

    private RuleHarness remembering() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("remember.drl"), """
            package custom;
            import io.connwatch.alert.Severity;
            import io.connwatch.engine.facts.Connection;
            import io.connwatch.net.IpAddress;
            global io.connwatch.engine.alert.Alerts alerts;

            declare Remembered
                @role( event )
                @expires( 24h )
                ip : IpAddress
            end

            rule "remember-4444"
            when
                Connection( destinationPort == 4444, $ip : remoteIp )
                not Remembered( ip == $ip )
            then
                insert( new Remembered( $ip ) );
            end

            rule "seen-again"
            when
                $c : Connection( destinationPort == 5555, $ip : remoteIp )
                Remembered( ip == $ip )
            then
                alerts.raise(kcontext, Severity.LOW).on($c).emit();
            end
            """);
        return RuleHarness.of(rules, 1);
    }

    private static Rows to(int port, long minutes) {
        return Rows.connection(T0.plusSeconds(60 * minutes).toString(), "m-1").set("DestinationPort", port);
    }

    @Test
    void aRememberedFactStillHoldsWithinItsExpiry() throws Exception {
        try (RuleHarness h = remembering()) {
            h.feed(to(4444, 0));
            h.feed(to(5555, 23 * 60)).drain();
            assertEquals(1, h.alerts("seen-again").size());
        }
    }

    @Test
    void aRememberedFactExpiresWhenOneBatchMovesTheClockPastIt() throws Exception {
        try (RuleHarness h = remembering()) {
            h.feed(to(4444, 0));
            h.feed(to(5555, 25 * 60)).drain();
            assertEquals(0, h.alerts("seen-again").size(), h.alerts().toString());
        }
    }

    @Test
    void aRememberedFactExpiresWithABatchInBetweenToo() throws Exception {
        try (RuleHarness h = remembering()) {
            h.feed(to(4444, 0));
            h.feed(to(443, 24 * 60 + 30));
            h.feed(to(5555, 25 * 60)).drain();
            assertEquals(0, h.alerts("seen-again").size(), h.alerts().toString());
        }
    }
}
