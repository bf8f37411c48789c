package io.connwatch.engine.devtools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataGeneratorTest {
    private static List<Map<String, Object>> rows(long seed, boolean incidents) {
        List<Map<String, Object>> rows = new ArrayList<>();
        new DataGenerator(new DataGenerator.Settings(5, 1, Instant.parse("2024-04-01T08:00:00Z"), seed, incidents)).generate(rows::add);
        return rows;
    }

    @Test
    void isDeterministicForASeedAndDiffersAcrossSeeds() {
        assertEquals(rows(1, true), rows(1, true));
        assertNotEquals(rows(1, true), rows(2, true));
    }

    @Test
    void injectsIncidentsOnlyWhenAskedAndKeepsEveryRowInTheHour() {
        List<Map<String, Object>> with = rows(1, true);
        List<Map<String, Object>> without = rows(1, false);
        assertTrue(with.stream().anyMatch(r -> r.containsKey("MaliciousIp")));
        assertTrue(without.stream().noneMatch(r -> r.containsKey("MaliciousIp")));
        assertTrue(with.size() > without.size());
        for (Map<String, Object> r : with) {
            Instant t = Instant.parse((String) r.get("TimeGenerated"));
            assertTrue(!t.isBefore(Instant.parse("2024-04-01T08:00:00Z")) && t.isBefore(Instant.parse("2024-04-01T09:00:00Z")), t.toString());
            assertEquals(0L, t.getEpochSecond() % 60, "rows are per minute");
        }
    }

    @Test
    void linksFailedAppearsOnlyOnOutboundRowsAsAzureReportsIt() {
        for (Map<String, Object> r : rows(3, true)) {
            if ("inbound".equals(r.get("Direction"))) {
                assertEquals(0L, ((Number) r.get("LinksFailed")).longValue());
            }
        }
    }
}
