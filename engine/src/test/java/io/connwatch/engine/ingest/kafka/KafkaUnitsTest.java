package io.connwatch.engine.ingest.kafka;

import io.connwatch.engine.devtools.RecordProducer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** How `connwatch kafka produce` keys records: by machine, so that one machine's rows reach one consumer. */
class KafkaUnitsTest {
    @Test
    void theKeyIsTheMachineWhereverItStandsInTheRecord() {
        assertEquals("m-1", RecordProducer.machineOf("{\"Machine\":\"m-1\",\"Type\":\"VMConnection\"}"));
        assertEquals("m-2", RecordProducer.machineOf("{\"Type\":\"VMConnection\",\"Nested\":{\"Machine\":\"no\"},\"Machine\":\"m-2\"}"));
        assertNull(RecordProducer.machineOf("{\"records\":[{\"Machine\":\"m-3\"}]}"), "an envelope has no one machine");
        assertNull(RecordProducer.machineOf("not json"));
        assertNull(RecordProducer.machineOf("{\"Machine\": 42}"));
    }
}
