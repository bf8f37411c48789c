package io.connwatch.engine.alert.episodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.connwatch.engine.ingest.kafka.LocalKafka;
import io.connwatch.kafka.KafkaClientConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The episode log's failure paths: a write the broker refuses or never acknowledges, unreadable
 * entries in the topic, a topic it may not create, and the 24 h of event time after which an
 * episode is forgotten. A real broker where it can show the case, mocks where it cannot.
 */
class EpisodeLogTest {
    private static final Duration GAP = Duration.ofMinutes(30);
    private static final long T0 = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final long DAY = Duration.ofHours(24).toMillis();

    private EpisodeLog log;
    private ListAppender<ILoggingEvent> logged;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
        if (logged != null) {
            ((Logger) LoggerFactory.getLogger(EpisodeLog.class)).detachAppender(logged);
        }
    }

    private List<String> warnings() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private void captureLog() {
        logged = new ListAppender<>();
        logged.start();
        ((Logger) LoggerFactory.getLogger(EpisodeLog.class)).addAppender(logged);
    }

    @SuppressWarnings("unchecked")
    private static Consumer<String, String> noReader() {
        return mock(Consumer.class);
    }

    /** A log whose writes go to {@code producer}; no broker, not started. */
    private static EpisodeLog writingTo(Producer<String, String> producer, Duration ackTimeout) {
        return new EpisodeLog("episodes", GAP, mock(Admin.class), producer, noReader(), ackTimeout);
    }

    @SuppressWarnings("unchecked")
    private static Producer<String, String> producerAnswering(CompletableFuture<RecordMetadata> ack,
                                                             Exception callbackError) {
        Producer<String, String> producer = mock(Producer.class);
        when(producer.send(any(ProducerRecord.class), any())).thenAnswer(call -> {
            if (callbackError != null) {
                ((Callback) call.getArgument(1)).onCompletion(null, callbackError);
            }
            return ack;
        });
        return producer;
    }

    // ---- writes -------------------------------------------------------------------------------

    @Test
    void aWriteTheBrokerRefusesIsCountedAndLoggedAndDoesNotThrow() {
        captureLog();
        TopicAuthorizationException refused = new TopicAuthorizationException("Not authorized to access topics: [episodes]");
        log = writingTo(producerAnswering(CompletableFuture.failedFuture(refused), refused), Duration.ofSeconds(35));
        assertTrue(log.admit("fp-1", T0));
        log.written("fp-1", T0);
        assertEquals(1, log.writeFailures.sum());
        assertEquals(0, log.written.sum());
        assertTrue(warnings().stream().anyMatch(w -> w.startsWith("episode of fp-1 not written to episodes")
            && w.contains("a replay may notify it again")), warnings().toString());
        assertFalse(log.admit("fp-1", T0 + MINUTE), "the episode is known here all the same: a repeat");
    }

    @Test
    void aWriteNeverAcknowledgedIsGivenUpAfterTheTimeoutAndCounted() {
        captureLog();
        log = writingTo(producerAnswering(new CompletableFuture<>(), null), Duration.ofMillis(200));
        log.admit("fp-1", T0);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> log.written("fp-1", T0), "the rule partition is not held forever");
        assertEquals(1, log.writeFailures.sum());
        assertEquals(0, log.written.sum());
        assertTrue(warnings().stream().anyMatch(w -> w.startsWith("episode of fp-1 not acknowledged by episodes in ")), warnings().toString());
    }

    @Test
    void anEpisodeExtendedIsWrittenWithoutWaitingAndOnlyHalfAGapAfterTheLastWrite() {
        MockProducer<String, String> producer = new MockProducer<>(false, new StringSerializer(), new StringSerializer());
        log = writingTo(producer, Duration.ofSeconds(35));
        log.admit("fp-1", T0);
        log.extended("fp-1", T0 + 20 * MINUTE);
        assertEquals(1, producer.history().size(), "never written yet: written now, not waited for (nothing is acknowledged)");
        assertEquals(T0 + "," + (T0 + 20 * MINUTE), producer.history().get(0).value());
        log.extended("fp-1", T0 + 34 * MINUTE);
        assertEquals(1, producer.history().size(), "14 minutes after the last write: less than half a gap");
        log.extended("fp-1", T0 + 35 * MINUTE);
        assertEquals(2, producer.history().size(), "half a gap after the last write");
        assertEquals("fp-1", producer.history().get(1).key());
        assertEquals(T0 + "," + (T0 + 35 * MINUTE), producer.history().get(1).value());
    }

    // ---- memory -------------------------------------------------------------------------------

    @Test
    void anEpisodeIsForgottenADayAndAGapOfEventTimeAfterItsLastEvidence() {
        MockProducer<String, String> producer = new MockProducer<>(true, new StringSerializer(), new StringSerializer());
        log = writingTo(producer, Duration.ofSeconds(35));
        assertTrue(log.admit("a", T0));
        log.written("a", T0);
        log.extended("a", T0 + MINUTE);
        assertEquals(1, producer.history().size(), "extended a minute after it was written: not written again");

        long lastOfA = T0 + MINUTE;
        assertTrue(log.admit("b", lastOfA + DAY + GAP.toMillis()));
        assertEquals(2, log.size(), "exactly a day and a gap after a's last evidence: still known");
        assertTrue(log.admit("c", lastOfA + DAY + GAP.toMillis() + 1));
        assertEquals(2, log.size(), "a is forgotten");
        assertTrue(log.admit("a", lastOfA), "a's evidence is new again");

        log.extended("a", lastOfA + MINUTE);
        assertEquals(2, producer.history().size(), "when a was last written was forgotten with it: written again at once");
        assertEquals(lastOfA + "," + (lastOfA + MINUTE), producer.history().get(1).value());
    }

    @Test
    void evidenceOlderThanTheNewestDoesNotExpireAnything() {
        log = writingTo(new MockProducer<>(true, new StringSerializer(), new StringSerializer()), Duration.ofSeconds(35));
        log.admit("a", T0);
        log.admit("b", T0 + 2 * DAY);
        assertEquals(1, log.size());
        log.admit("c", T0);
        assertEquals(2, log.size(), "a late row expires nothing; the newest evidence is the clock");
    }

    // ---- the topic ----------------------------------------------------------------------------

    @Test
    void unreadableEntriesInTheTopicAreSkippedAndCountedAndTheReaderGoesOn() throws Exception {
        LocalKafka kafka = LocalKafka.shared();
        String topic = "episodes-unreadable";
        kafka.createTopic(topic, 1);
        try (KafkaProducer<String, String> p = kafka.producer()) {
            for (ProducerRecord<String, String> r : List.of(
                new ProducerRecord<>(topic, "fp-good", T0 + "," + (T0 + MINUTE)),
                new ProducerRecord<>(topic, "fp-garbage", "garbage"),
                new ProducerRecord<>(topic, "fp-no-comma", String.valueOf(T0)),
                new ProducerRecord<>(topic, "fp-not-a-number", T0 + ",soon"),
                new ProducerRecord<String, String>(topic, null, "1,2"),
                new ProducerRecord<String, String>(topic, "fp-tombstone", null),
                new ProducerRecord<>(topic, "fp-good-2", T0 + "," + T0))) {
                p.send(r).get(30, TimeUnit.SECONDS);
            }
        }
        captureLog();
        log = new EpisodeLog(KafkaClientConfig.plaintext(kafka.bootstrap()), topic, GAP, "episode-log-test");
        log.start(Duration.ofSeconds(60));

        assertEquals(7, log.read.sum(), "every entry was read");
        assertEquals(2, log.size(), "only the readable ones are episodes");
        List<String> unreadable = warnings().stream().filter(w -> w.contains("unreadable entry")).toList();
        assertEquals(List.of("episode log " + topic + ": unreadable entry for fp-garbage ignored",
            "episode log " + topic + ": unreadable entry for fp-no-comma ignored",
            "episode log " + topic + ": unreadable entry for fp-not-a-number ignored"), unreadable);

        kafka.produce(topic, List.of(Map.entry("fp-late", T0 + "," + T0)));
        log.caughtUp().get(30, TimeUnit.SECONDS);
        assertEquals(8, log.read.sum());
        assertEquals(3, log.size(), "the reader went on after them");
        assertFalse(log.admit("fp-good", T0 + 2 * MINUTE), "a readable episode is known");
        assertTrue(log.admit("fp-garbage", T0), "an unreadable one is not");
    }

    @SuppressWarnings("unchecked")
    private static Admin refusingToCreateTopics(Exception why) {
        Admin admin = mock(Admin.class);
        CreateTopicsResult result = mock(CreateTopicsResult.class);
        KafkaFutureImpl<Void> all = new KafkaFutureImpl<>();
        if (why != null) {
            all.completeExceptionally(why);
        }
        when(result.all()).thenReturn(all);
        when(admin.createTopics(anyCollection())).thenReturn(result);
        return admin;
    }

    @Test
    void aRefusedTopicCreationOfAMissingTopicSaysToCreateItYourself() {
        TopicAuthorizationException refused = new TopicAuthorizationException("Not authorized to create topics");
        Consumer<String, String> reader = noReader();
        when(reader.partitionsFor(eq("episodes"), any(Duration.class))).thenReturn(List.of());
        log = new EpisodeLog("episodes", GAP, refusingToCreateTopics(refused), new MockProducer<>(true, new StringSerializer(), new StringSerializer()), reader, Duration.ofSeconds(35));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.start(Duration.ofSeconds(5)));
        assertEquals("cannot create the episode topic episodes (Not authorized to create topics): create it yourself "
            + "(1 partition, cleanup.policy=compact, or retention of at least a day)", e.getMessage());
        assertSame(refused, e.getCause());
    }

    @Test
    void aRefusedTopicCreationOfATopicThatExistsIsNoObstacle() throws Exception {
        LocalKafka kafka = LocalKafka.shared();
        String topic = "episodes-made-by-hand";
        kafka.createTopic(topic, 1);
        kafka.produce(topic, List.of(Map.entry("fp-1", T0 + "," + T0)));
        Map<String, Object> client = KafkaClientConfig.plaintext(kafka.bootstrap()).with(Map.of());
        captureLog();
        log = new EpisodeLog(topic, GAP, refusingToCreateTopics(new TopicAuthorizationException("Not authorized to create topics")),
            new KafkaProducer<>(client, new StringSerializer(), new StringSerializer()),
            new KafkaConsumer<>(client, new StringDeserializer(), new StringDeserializer()), Duration.ofSeconds(35));
        log.start(Duration.ofSeconds(60));
        assertEquals(1, log.size(), "the topic was read");
        assertTrue(warnings().contains("could not create " + topic + " (Not authorized to create topics), but it exists: using it"),
            warnings().toString());
    }

    @Test
    void noAnswerWhenCreatingTheTopicIsAClearError() {
        log = new EpisodeLog("episodes", GAP, refusingToCreateTopics(null), new MockProducer<>(true, new StringSerializer(), new StringSerializer()), noReader(), Duration.ofSeconds(35));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.start(Duration.ofMillis(200)));
        assertEquals("Kafka did not answer within PT0.2S when creating the episode topic episodes", e.getMessage());
    }
}
