package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.engine.ingest.kafka.LocalKafka;
import io.connwatch.engine.rules.Rows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `connwatch kafka produce` against the real broker: one message per record, keyed by Machine. */
class KafkaProduceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void sendsEachRecordKeyedByItsMachineSoAMachineStaysOnOnePartition() throws Exception {
        LocalKafka kafka = LocalKafka.shared();
        Path file = tmp.resolve("rows.jsonl");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            rows.append(Rows.connection("2024-05-01T10:%02d:00Z".formatted(i), "m-" + (i % 3)).json()).append('\n');
        }
        rows.append("\n");
        Files.writeString(file, rows);
        CliTest.Result r = CliTest.run("kafka", "produce", "--bootstrap", kafka.bootstrap(), "--topic", "produced",
            "--partitions", "3", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("created topic produced with 3 partitions"), r.err());
        assertTrue(r.err().contains("sent 30 records to produced"), r.err());

        List<ConsumerRecord<String, String>> got = kafka.readAll("produced");
        assertEquals(30, got.size());
        for (ConsumerRecord<String, String> c : got) {
            assertEquals(JSON.readTree(c.value()).get("Machine").asText(), c.key());
        }
        Map<String, Set<Integer>> partitions = got.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
            Collectors.mapping(ConsumerRecord::partition, Collectors.toSet())));
        assertEquals(3, partitions.size());
        partitions.values().forEach(p -> assertEquals(1, p.size(), "one machine, one partition: " + partitions));
    }

    @Test
    void withoutBootstrapOrAKafkaSectionItSaysWhatIsMissing() throws Exception {
        Path config = Files.writeString(tmp.resolve("connwatch.yaml"), "http: {port: 0}\n");
        CliTest.Result r = CliTest.run("kafka", "produce", "--config", config.toString(), "x.jsonl");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("give --bootstrap or enable the kafka section"), r.err());
    }
}
