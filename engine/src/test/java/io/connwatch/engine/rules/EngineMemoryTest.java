package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.devtools.DataGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An always-on engine must hold what it keeps to a bound that does not grow with time: rows are
 * dropped once judged, rollups at their retention, dedup episodes after their gap.
 */
class EngineMemoryTest {
    @Test
    void factsAndEpisodesStayBoundedOverHoursOfData() throws Exception {
        RuleSet set = RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT);
        CollectingSink sink = new CollectingSink();
        ObjectMapper json = new ObjectMapper();
        RecordDecoder decoder = new RecordDecoder();
        List<Long> factsPerHour = new ArrayList<>();
        List<Long> episodesPerHour = new ArrayList<>();
        try (RuleEngine engine = new RuleEngine(set, sink, RuleEngine.Settings.defaults(2), Clock.systemUTC())) {
            DataGenerator gen = new DataGenerator(new DataGenerator.Settings(10, 5, Instant.parse("2024-04-01T00:00:00Z"), 3, true));
            List<MachineRecord> batch = new ArrayList<>();
            long[] hour = {-1};
            gen.generate(row -> {
                long h = Instant.parse((String) row.get("TimeGenerated")).getEpochSecond() / 3600;
                if (h != hour[0] && !batch.isEmpty()) {
                    engine.submit(new ArrayList<>(batch)).join();
                    batch.clear();
                    if (hour[0] >= 0) {
                        factsPerHour.add(engine.factCount() + engine.windowRollups());
                        episodesPerHour.add(engine.liveEpisodes());
                    }
                }
                hour[0] = h;
                try {
                    decoder.decode("gen", json.writeValueAsString(row), new RecordDecoder.Sink() {
                        @Override
                        public void record(MachineRecord record) {
                            batch.add(record);
                        }

                        @Override
                        public void rejected(Rejection rejection) {
                            throw new AssertionError(rejection.message());
                        }
                    });
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        assertEquals(4, factsPerHour.size(), factsPerHour.toString());
        // Rollups are kept 90 minutes (in the session while a rule holds them, and in the window sums):
        // from the second hour on the count no longer grows.
        long settled = factsPerHour.get(1);
        for (int i = 2; i < factsPerHour.size(); i++) {
            assertTrue(factsPerHour.get(i) <= settled * 1.05, "facts and window rollups per hour: " + factsPerHour);
        }
        for (long episodes : episodesPerHour) {
            assertTrue(episodes < 40, "live episodes per hour: " + episodesPerHour);
        }
        assertTrue(sink.alerts().size() >= 5 * 5, "incidents in each hour alert: " + sink.alerts().size());
    }
}
