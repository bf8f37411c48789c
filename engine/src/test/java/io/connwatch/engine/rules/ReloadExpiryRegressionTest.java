package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hot reload must leave no session with tuples of the rules it removed. Drools 10.2's
 * {@code KieContainer.updateToVersion} cleans up a removed rule whose only pattern is a fact type
 * (an {@code AlphaTerminalNode}) in the first session of the knowledge base only
 * ({@code EagerPhreakBuilder.processLeftTuples} returns inside its loop over the sessions). In every
 * other partition the retained rows keep a tuple whose terminal node was detached, and when they
 * expire {@code ObjectTypeNode.retractLeftTuples} throws a NullPointerException from
 * {@code DefaultAgenda.flushExpirations} on every fire, forever. With two partitions holding rows,
 * exactly one partition fails whatever the order of the sessions, so each case is deterministic.
 */
class ReloadExpiryRegressionTest {
    private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    /** Rows are kept 40 minutes, as in the report; the declared type 24 hours. */
    private static final EventRetention RETENTION = new EventRetention(Duration.ofMinutes(40), EventRetention.DEFAULT.rollups());
    private static final String WATCHED = "watched-port";

    @TempDir
    Path tmp;
    private Path rules;

    /** The custom file: a declared expiring type, a rule remembering into it, and a one-pattern rule over rows. */
    private static String custom(String watchedSummary, String rememberedFields, String retain) {
        return """
            package custom;
            import io.connwatch.alert.Severity;
            import io.connwatch.engine.facts.Connection;
            global io.connwatch.engine.alert.Alerts alerts;

            declare Remembered
                @role( event )
                @expires( 24h )
            %s
            end

            rule "remember"
            when
                $c : Connection( destinationPort == 22 )
                not Remembered( machine == $c.machine )
            then
                Remembered r = new Remembered();
                r.setMachine( $c.getMachine() );
                insert( r );
            end

            rule "%s" %s
            when
                $c : Connection( destinationPort == 5555 )
            then
                alerts.raise(kcontext, Severity.LOW).on($c).summary("%s").emit();
            end
            """.formatted(rememberedFields, WATCHED, retain, watchedSummary);
    }

    private static final String FIELDS = "    machine : String";

    @BeforeEach
    void writeRules() throws IOException {
        rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("parameters.yaml"), rules.resolve("parameters.yaml"),
            StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(rules.resolve("custom.drl"), custom("port 5555", FIELDS, ""));
    }

    /** One machine per partition, so every session holds rows when the rules change. */
    private static List<String> machineOnEachPartition(RuleEngine engine) {
        String[] chosen = new String[engine.partitionCount()];
        int found = 0;
        for (int i = 0; found < chosen.length; i++) {
            String m = "m-" + i;
            int p = engine.partitionOf(m);
            if (chosen[p] == null) {
                chosen[p] = m;
                found++;
            }
        }
        return List.of(chosen);
    }

    private static void batch(RuleHarness h, List<String> machines, Instant at) {
        List<Object> rows = new ArrayList<>();
        for (String m : machines) {
            rows.add(Rows.connection(at.toString(), m).set("DestinationPort", 22));
            rows.add(Rows.connection(at.toString(), m).set("DestinationPort", 5555));
        }
        h.feed(rows.toArray());
    }

    /**
     * Rows in both partitions, a reload with {@code edited} as the custom file, then rows
     * {@code later} (past the rows' expiry): no engine error, and the rule alerts on both batches.
     */
    private void reloadThenExpire(String edited, Duration later) throws Exception {
        try (RuleHarness h = RuleHarness.of(rules, 2, RETENTION)) {
            RuleEngine engine = h.engine();
            List<String> machines = machineOnEachPartition(engine);
            batch(h, machines, T0);
            assertEquals(machines.size(), h.alerts(WATCHED).size(), "before the reload: " + h.alerts());

            Files.writeString(rules.resolve("custom.drl"), edited);
            RuleEngine.Reload r = engine.reload();
            assertEquals(List.of(), r.problems());
            assertEquals("2", r.version());

            // The rows of T0 expire while the clock moves to this batch's watermark.
            batch(h, machines, T0.plus(later));
            h.drain();
            assertAll(
                () -> assertEquals(0, engine.stats().ruleErrors.sum(), "engine errors after the reload: " + engine.stats().failures.list()),
                () -> assertEquals(2 * machines.size(), h.alerts(WATCHED).size(), "the rule still alerts after the reload: " + h.alerts()));
        }
    }

    /** The report's case: the custom file is edited (here only the one-pattern rule's summary) and the rows kept 40 minutes expire. */
    @Test
    void changingAOnePatternRuleOverRetainedRowsKeepsEveryPartitionWorking() throws Exception {
        reloadThenExpire(custom("port 5555 again", FIELDS, ""), Duration.ofMinutes(50));
    }

    /**
     * A field added to the declared type: Drools then rebuilds every rule of the knowledge base
     * (the class changed), so the unchanged one-pattern rule over rows is removed and added again.
     */
    @Test
    void addingAFieldToTheDeclaredTypeKeepsEveryPartitionWorking() throws Exception {
        reloadThenExpire(custom("port 5555", FIELDS + "\n    seen : int", ""), Duration.ofMinutes(50));
    }

    /**
     * An {@code @retain} raising how long rows are kept changes the generated declaration of
     * Connection ({@code @expires}), which rebuilds the rules over it, unchanged as they are.
     */
    @Test
    void raisingTheRowRetentionKeepsEveryPartitionWorking() throws Exception {
        reloadThenExpire(custom("port 5555", FIELDS, "@retain(\"50m\")"), Duration.ofMinutes(60));
    }
}
