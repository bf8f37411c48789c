package io.connwatch.engine.ingest.kafka;

import io.connwatch.engine.devtools.RecordProducer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The small pure parts of the Kafka path. */
class KafkaUnitsTest {
    @Test
    void theCommitMetadataCarriesTheLastRecordTimestampAndAnythingElseMeansNone() {
        assertEquals(1714557600000L, KafkaIngest.timestampOf("kts=1714557600000"));
        assertEquals(-1, KafkaIngest.timestampOf(null));
        assertEquals(-1, KafkaIngest.timestampOf(""));
        assertEquals(-1, KafkaIngest.timestampOf("kts=soon"));
        assertEquals(-1, KafkaIngest.timestampOf("written by another tool"));
    }

    @Test
    void theKeyIsTheMachineWhereverItStandsInTheRecord() {
        assertEquals("m-1", RecordProducer.machineOf("{\"Machine\":\"m-1\",\"Type\":\"VMConnection\"}"));
        assertEquals("m-2", RecordProducer.machineOf("{\"Type\":\"VMConnection\",\"Nested\":{\"Machine\":\"no\"},\"Machine\":\"m-2\"}"));
        assertNull(RecordProducer.machineOf("{\"records\":[{\"Machine\":\"m-3\"}]}"), "an envelope has no one machine");
        assertNull(RecordProducer.machineOf("not json"));
        assertNull(RecordProducer.machineOf("{\"Machine\": 42}"));
    }
}
