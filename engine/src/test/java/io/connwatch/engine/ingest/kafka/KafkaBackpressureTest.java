package io.connwatch.engine.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.config.KafkaSettings;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.Rows;
import io.connwatch.kafka.KafkaClientConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The consumer pauses its partitions while the rule sessions are full, commits nothing unfinished, and resumes. */
class KafkaBackpressureTest {
    @Test
    void pausesWhileTheRulesAreFullCommitsOnlyWhatWasJudgedAndResumes() throws Exception {
        LocalKafka kafka = LocalKafka.shared();
        String topic = "backpressure";
        String group = "backpressure-group";
        kafka.createTopic(topic, 1);
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int m = 0; m < 300; m++) {
            records.add(Map.entry("m-" + m, Rows.connection("2024-05-01T10:00:00Z", "m-" + m)
                .set("DestinationIp", "192.9.135.73").malicious("C2", 4, 90).json()));
        }
        kafka.produce(topic, records);

        CountDownLatch release = new CountDownLatch(1);
        Set<String> alerted = ConcurrentHashMap.newKeySet();
        AlertSink stuck = new AlertSink() {
            @Override
            public void publish(Alert alert) {
                try {
                    // the first alert holds its partition until released: the sessions fall behind
                    release.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                alerted.add(alert.machine());
            }
        };
        RuleSet set = RuleSet.load(Path.of("..", "rules"), EventRetention.DEFAULT);
        RuleEngine engine = new RuleEngine(set, stuck,
            new RuleEngine.Settings(1, Duration.ofMinutes(2), Duration.ofMinutes(30), 1), Clock.systemUTC());
        KafkaSettings settings = new KafkaSettings(true, KafkaClientConfig.plaintext(kafka.bootstrap()), group,
            List.of(new KafkaSettings.Topic(topic, "auto")), null, null, "earliest", Duration.ZERO, 10, Duration.ofMinutes(1));
        KafkaIngest ingest = new KafkaIngest(settings, engine, new IngestStats(), null, "backpressure-test");
        Vertx vertx = Vertx.vertx();
        try {
            vertx.deployVerticle(ingest, KafkaIngest.DEPLOYMENT).await();
            Awaitility.await("paused").atMost(Duration.ofSeconds(60)).until(() -> ingest.stats().paused());
            assertEquals(0, kafka.committed(group), "nothing is committed while its rules have not finished");
            assertTrue(ingest.stats().records.sum() < 300, "the consumer stopped taking records: " + ingest.stats().records.sum());
            Awaitility.await("lag reported").atMost(Duration.ofSeconds(10)).until(() -> ingest.stats().lag > 0);

            release.countDown();
            Awaitility.await("all committed").atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(group) == 300);
            assertEquals(300, alerted.size());
            assertTrue(ingest.stats().pauses.sum() >= 1);
            assertTrue(ingest.stats().resumes.sum() >= 1);
            assertEquals(false, ingest.stats().paused());
            Awaitility.await("no lag left").atMost(Duration.ofSeconds(10)).until(() -> ingest.stats().lag == 0);
        } finally {
            release.countDown();
            vertx.close().await();
            engine.close();
        }
    }
}
