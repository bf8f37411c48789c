package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reloads while records flow, with facts expiring all the time (rows kept 40 minutes, a
 * declared event type kept 24 hours): no reload may leave the sessions failing.
 */
class ReloadStressTest {
    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    private static final int RELOADS = 40;
    @TempDir
    Path tmp;

    private static String custom(int threshold) {
        return """
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

            rule "remember"
            when
                Connection( bytesSent > %d, $ip : remoteIp )
                not Remembered( ip == $ip )
            then
                insert( new Remembered( $ip ) );
            end

            rule "seen-again"
            when
                $c : Connection( destinationPort == 5555, $ip : remoteIp )
                Remembered( ip == $ip )
            then
                alerts.raise(kcontext, Severity.LOW).on($c).key($ip).emit();
            end
            """.formatted(threshold);
    }

    @Test
    void reloadsUnderIngestWithExpiringFactsRaiseNoRuleErrors() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        try (Stream<Path> s = Files.list(RuleHarness.SHIPPED_RULES)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, rules.resolve(p.getFileName()));
            }
        }
        Files.writeString(rules.resolve("remember.drl"), custom(0));
        try (RuleHarness h = RuleHarness.of(rules, 2, new EventRetention(Duration.ofMinutes(40), EventRetention.DEFAULT.rollups()))) {
            RuleEngine engine = h.engine();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Integer> ingest = CompletableFuture.supplyAsync(() -> {
                int batch = 0;
                while (!stop.get()) {
                    // ten minutes of event time per batch: rows (40 min) and remembered facts (24 h) expire all along
                    Instant t = T0.plus(Duration.ofMinutes(10L * batch));
                    Object[] rows = new Object[8];
                    for (int m = 0; m < rows.length; m++) {
                        rows[m] = Rows.connection(t.toString(), "m-" + m).set("DestinationIp", "45.77.1." + (batch % 50))
                            .set("DestinationPort", m % 2 == 0 ? 5555 : 443).set("BytesSent", 1000 * m);
                    }
                    h.feed(rows);
                    batch++;
                }
                return batch;
            });
            for (int i = 0; i < RELOADS; i++) {
                Files.writeString(rules.resolve("remember.drl"), custom(i % 2 == 0 ? 1000 : 0));
                RuleEngine.Reload r = engine.reload();
                assertEquals(List.of(), r.problems());
            }
            stop.set(true);
            int batches = ingest.get(120, TimeUnit.SECONDS);
            h.drain();
            assertEquals(0, engine.stats().ruleErrors.sum(), batches + " batches: " + engine.stats().failures.list());
        }
    }
}
