package io.connwatch.engine.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.facts.Rejection;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A poison record's dead letter: the original key, value and timestamp; the headers saying why and whence; counted once acknowledged. */
class DeadLettersTest {
    private static final long TIMESTAMP = 1714557600000L;

    private static KafkaConsumerRecord<String, String> polled(String key, String value) {
        return new KafkaConsumerRecordImpl<>(new ConsumerRecord<>("vm-connections", 2, 41L, TIMESTAMP, TimestampType.CREATE_TIME,
            -1, -1, key, value, new RecordHeaders(), Optional.empty()));
    }

    private static Rejection rejection(int i) {
        return new Rejection("vm-connections/2@41", "record " + i, "Direction", "expected inbound or outbound, got 'sideways'");
    }

    private static String header(ProducerRecord<String, String> r, String name) {
        var all = r.headers().headers(name).iterator();
        String value = new String(all.next().value(), StandardCharsets.UTF_8);
        assertFalse(all.hasNext(), "one " + name + " header");
        return value;
    }

    @Test
    void theLetterKeepsKeyValueAndTimestampAndSaysWhyAndWhence() {
        String value = "{\"records\": [...]}";
        ProducerRecord<String, String> letter = DeadLetters.letter("dead", polled("m-4", value), List.of(rejection(0), rejection(1)), 3);
        assertEquals("dead", letter.topic());
        assertNull(letter.partition(), "the producer's partitioner picks it, by key");
        assertEquals("m-4", letter.key());
        assertEquals(value, letter.value());
        assertEquals(TIMESTAMP, letter.timestamp());
        assertEquals("vm-connections/2@41:record 0: Direction: expected inbound or outbound, got 'sideways'\n"
            + "vm-connections/2@41:record 1: Direction: expected inbound or outbound, got 'sideways'", header(letter, "connwatch-error"));
        assertEquals("2", header(letter, "connwatch-rejected"));
        assertEquals("3", header(letter, "connwatch-accepted"));
        assertEquals("vm-connections", header(letter, "connwatch-source-topic"));
        assertEquals("2", header(letter, "connwatch-source-partition"));
        assertEquals("41", header(letter, "connwatch-source-offset"));
        assertEquals(List.of("connwatch-error", "connwatch-rejected", "connwatch-accepted", "connwatch-source-topic",
            "connwatch-source-partition", "connwatch-source-offset"), Arrays.stream(letter.headers().toArray()).map(h -> h.key()).toList());
    }

    @Test
    void theErrorHeaderHoldsAtMostTwentyLinesAndTheCountAllOfThem() {
        List<Rejection> rejected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            rejected.add(rejection(i));
        }
        ProducerRecord<String, String> letter = DeadLetters.letter("dead", polled("m-4", "x"), rejected, 0);
        String[] lines = header(letter, "connwatch-error").split("\n", -1);
        assertEquals(DeadLetters.MAX_REASONS, lines.length);
        assertEquals(20, lines.length);
        assertEquals(rejected.get(0).message(), lines[0]);
        assertEquals(rejected.get(19).message(), lines[19]);
        assertEquals("25", header(letter, "connwatch-rejected"));

        ProducerRecord<String, String> twenty = DeadLetters.letter("dead", polled("m-4", "x"), rejected.subList(0, 20), 0);
        assertEquals(20, header(twenty, "connwatch-error").split("\n", -1).length);
    }

    @Test
    void anEmptyValueIsLetteredAsItCame() {
        Rejection empty = new Rejection("vm-connections/2@41", "value", null, "empty record value");
        ProducerRecord<String, String> letter = DeadLetters.letter("dead", polled(null, null), List.of(empty), 0);
        assertNull(letter.key());
        assertNull(letter.value());
        assertEquals("vm-connections/2@41:value: empty record value", header(letter, "connwatch-error"));
    }

    @Test
    void aLetterCountsOnceTheBrokerAcknowledgedIt() throws Exception {
        MockProducer<String, String> producer = new MockProducer<>(false, new StringSerializer(), new StringSerializer());
        LongAdder acknowledged = new LongAdder();
        DeadLetters letters = new DeadLetters("dead", producer, acknowledged);

        CompletableFuture<Void> sent = letters.send(polled("m-4", "x"), List.of(rejection(0)), 0);
        assertEquals(1, producer.history().size());
        assertEquals("x", producer.history().get(0).value());
        assertEquals(0, acknowledged.sum(), "not acknowledged yet");
        assertFalse(sent.isDone());
        producer.completeNext();
        sent.get();
        assertEquals(1, acknowledged.sum());

        CompletableFuture<Void> refused = letters.send(polled("m-5", "y"), List.of(rejection(0)), 0);
        RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
        producer.errorNext(tooLarge);
        ExecutionException e = assertThrows(ExecutionException.class, refused::get);
        assertSame(tooLarge, e.getCause(), "the batch fails with it: the consumer reads again from the last commit");
        assertEquals(1, acknowledged.sum(), "a refused letter does not count");
        letters.close();
        assertTrue(producer.closed());
    }
}
