package io.connwatch.engine.alert.episodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.Rows;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink in front of the outputs: an alert goes out first, then its episode is written; a
 * repeat is held back and extends the episode; and what a failed episode write does to the batch.
 */
class EpisodeLogSinkTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private EpisodeLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    /** Keeps what reached the outputs, and how many episode writes had been sent when each alert arrived. */
    private static final class Outputs implements AlertSink {
        final List<Alert> published = new CopyOnWriteArrayList<>();
        final List<Integer> writesBefore = new CopyOnWriteArrayList<>();
        final List<String> repeated = new CopyOnWriteArrayList<>();
        private final MockProducer<String, String> producer;

        Outputs(MockProducer<String, String> producer) {
            this.producer = producer;
        }

        @Override
        public void publish(Alert alert) {
            published.add(alert);
            writesBefore.add(producer == null ? -1 : producer.history().size());
        }

        @Override
        public void repeated(String fingerprint, long evidenceMillis) {
            repeated.add(fingerprint + "@" + evidenceMillis);
        }
    }

    private static Alert alert(String fingerprint, Instant evidence) {
        return new Alert("id-" + evidence.toEpochMilli(), "malicious-remote-ip-outbound", Severity.HIGH, fingerprint, evidence, evidence,
            "m-1.contoso.com", "m-1", "curl", "m-1 talked to a C2 address", Map.of(), List.of());
    }

    @SuppressWarnings("unchecked")
    private static EpisodeLog logWritingTo(Producer<String, String> producer) {
        return new EpisodeLog("episodes", Duration.ofMinutes(30), mock(Admin.class), producer, mock(Consumer.class), Duration.ofSeconds(35));
    }

    @Test
    void anAlertGoesToTheOutputsFirstThenItsEpisodeIsWrittenAndAcknowledged() {
        MockProducer<String, String> producer = new MockProducer<>(true, new StringSerializer(), new StringSerializer());
        log = logWritingTo(producer);
        Outputs outputs = new Outputs(producer);
        new EpisodeLogSink(outputs, log).publish(alert("fp-1", T0));

        assertEquals(1, outputs.published.size());
        assertEquals(List.of(0), outputs.writesBefore, "nothing was written to the episode log before the outputs had it");
        assertEquals(1, producer.history().size());
        ProducerRecord<String, String> episode = producer.history().get(0);
        assertEquals("episodes", episode.topic());
        assertEquals("fp-1", episode.key());
        assertEquals(T0.toEpochMilli() + "," + T0.toEpochMilli(), episode.value());
        assertEquals(1, log.written.sum());
    }

    @Test
    void aRepeatWithinTheEpisodeIsHeldBackAndTheEpisodeGoesOn() {
        MockProducer<String, String> producer = new MockProducer<>(true, new StringSerializer(), new StringSerializer());
        log = logWritingTo(producer);
        Outputs outputs = new Outputs(producer);
        EpisodeLogSink sink = new EpisodeLogSink(outputs, log);
        sink.publish(alert("fp-1", T0));
        sink.publish(alert("fp-1", T0.plusSeconds(300)));
        assertEquals(1, outputs.published.size(), "the second is a repeat");
        assertEquals(1, log.suppressed.sum());
        assertEquals(1, producer.history().size(), "a repeat held back here writes nothing");

        long later = T0.plusSeconds(20 * 60).toEpochMilli();
        sink.repeated("fp-1", later);
        assertEquals(List.of("fp-1@" + later), outputs.repeated, "the outputs hear of it too");
        assertEquals(2, producer.history().size(), "a partition's repeat extends the logged episode");
        assertEquals(T0.toEpochMilli() + "," + later, producer.history().get(1).value());
    }

    /**
     * What happens today when the episode of an alert cannot be written: the alert has already
     * gone to the outputs (outbox), the failure is counted and logged, and nothing fails, so the
     * batch that raised the alert finishes normally and its offsets are committed. A replay of
     * those records after a restart may then notify the alert again (never lose it). A sink
     * cannot fail the batch at all: the rule partitions count an exception thrown from a rule
     * consequence as a rule error and go on.
     */
    @Test
    void aFailedEpisodeWriteDoesNotFailTheBatchThatRaisedTheAlert() throws Exception {
        @SuppressWarnings("unchecked")
        Producer<String, String> producer = mock(Producer.class);
        TimeoutException notAcked = new TimeoutException("Expiring 1 record(s) for episodes-0: 30001 ms has passed since batch creation");
        when(producer.send(any(), any())).thenAnswer(call -> {
            ((Callback) call.getArgument(1)).onCompletion(null, notAcked);
            return CompletableFuture.failedFuture(notAcked);
        });
        log = logWritingTo(producer);
        Outputs outputs = new Outputs(null);
        RuleSet set = RuleSet.load(Path.of("..", "rules"), EventRetention.DEFAULT);
        RuleEngine engine = new RuleEngine(set, new EpisodeLogSink(outputs, log),
            new RuleEngine.Settings(1, Duration.ofMinutes(2), Duration.ofMinutes(30), 1), Clock.systemUTC());
        try {
            List<MachineRecord> facts = new ArrayList<>();
            new RecordDecoder().decode("test", Rows.connection(T0.toString(), "m-1").set("DestinationIp", "192.9.135.73")
                .malicious("C2", 4, 90).json(), RecordDecoder.Sink.of(facts::add, r -> {
                    throw new AssertionError(r.message());
                }));
            CompletableFuture<Void> batch = engine.offer(facts);
            batch.get(60, TimeUnit.SECONDS);

            assertTrue(batch.isDone() && !batch.isCompletedExceptionally(), "the batch finished normally: it would be committed");
            assertEquals(1, outputs.published.size(), "the alert went out");
            assertEquals(1, log.writeFailures.sum(), "its episode was not written");
            assertEquals(0, log.written.sum());
            assertEquals(0, engine.stats().ruleErrors.sum(), "and no rule failed");
        } finally {
            engine.close();
        }
    }
}
