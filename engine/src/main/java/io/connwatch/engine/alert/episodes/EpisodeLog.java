package io.connwatch.engine.alert.episodes;

import io.connwatch.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert episodes shared by every instance of a consumer group, kept on a compacted topic keyed
 * by fingerprint (value {@code first,last} evidence time in epoch millis). Each instance reads the
 * whole topic at start and follows it; before an instance judges a partition it was just given,
 * it waits until it has read everything written so far ({@link #caughtUp()}). An alert whose
 * fingerprint is in a known episode is a repeat: this is what keeps a batch replayed after a
 * restart, a rewind or a rebalance from notifying twice.
 *
 * <p>Order of writes: an alert is first handed to the outputs (the outbox is synced before that
 * returns), then its episode is written here and acknowledged, then the offsets of the records
 * that raised it are committed. A crash between the first two steps can repeat a notification;
 * no order of failures loses one.
 */
public final class EpisodeLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EpisodeLog.class);
    /** Episodes this far (event time) behind the newest evidence are forgotten. */
    private static final long KEEP_MILLIS = Duration.ofHours(24).toMillis();
    /** How long an alert's episode write waits for the broker's acknowledgement (past the producer's 30 s delivery timeout). */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(35);

    private final String topic;
    private final long gapMillis;
    private final EpisodeDeduplicator episodes;
    private final Producer<String, String> producer;
    private final Consumer<String, String> reader;
    private final Admin admin;
    private final Duration ackTimeout;
    private final Thread readerThread;
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> lastWritten = new HashMap<>();
    private volatile boolean closed;
    private long newest = Long.MIN_VALUE;
    public final LongAdder suppressed = new LongAdder();
    public final LongAdder written = new LongAdder();
    public final LongAdder read = new LongAdder();
    public final LongAdder writeFailures = new LongAdder();

    private record Waiter(Map<TopicPartition, Long> ends, CompletableFuture<Void> done) {
    }

    public EpisodeLog(KafkaClientConfig client, String topic, Duration gap, String clientId) {
        this(topic, gap, Admin.create(client.with(Map.of("client.id", clientId + "-admin"))),
            new KafkaProducer<>(client.with(Map.of("acks", "all", "enable.idempotence", "true", "linger.ms", "0",
                "client.id", clientId + "-episodes", "delivery.timeout.ms", "30000", "request.timeout.ms", "10000",
                "max.block.ms", "30000")), new StringSerializer(), new StringSerializer()),
            new KafkaConsumer<>(client.with(Map.of("client.id", clientId + "-episode-reader",
                "enable.auto.commit", "false", "auto.offset.reset", "earliest")), new StringDeserializer(), new StringDeserializer()),
            ACK_TIMEOUT);
    }

    /** With the clients given, which it then owns and closes; tests use it for failures a real broker does not easily produce. */
    EpisodeLog(String topic, Duration gap, Admin admin, Producer<String, String> producer, Consumer<String, String> reader,
               Duration ackTimeout) {
        this.topic = topic;
        this.gapMillis = gap.toMillis();
        this.episodes = new EpisodeDeduplicator(gap);
        this.admin = admin;
        this.producer = producer;
        this.reader = reader;
        this.ackTimeout = ackTimeout;
        this.readerThread = new Thread(this::follow, "connwatch-episode-log");
        this.readerThread.setDaemon(true);
    }

    /**
     * The topic's partitions. Right after the topic was created (or a broker restarted) the
     * metadata may not list them yet: ask again until it does, within {@code timeout}.
     */
    private List<PartitionInfo> partitions(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 50;
        while (true) {
            List<PartitionInfo> parts = reader.partitionsFor(topic, timeout);
            if (parts != null && !parts.isEmpty()) {
                return parts;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
                throw new IllegalStateException("the episode topic " + topic + " has no partitions in Kafka's metadata after " + timeout);
            }
            try {
                // a metadata refresh, not a test wait: the broker has nothing to wake us with
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            pause = Math.min(1000, pause * 2);
        }
    }

    /**
     * Creates the topic when missing (compacted, a week's retention), then reads it to its end.
     *
     * @throws IllegalStateException when Kafka does not answer within {@code timeout}
     */
    public void start(Duration timeout) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                "cleanup.policy", "compact,delete", "retention.ms", String.valueOf(Duration.ofDays(7).toMillis())))))
                .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created the episode topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                // Not allowed to create topics, or a broker that refuses these settings (Event
                // Hubs without compaction): go on if the topic is there, say what to do if not.
                List<PartitionInfo> there = reader.partitionsFor(topic, timeout);
                if (there == null || there.isEmpty()) {
                    throw new IllegalStateException("cannot create the episode topic " + topic + " (" + e.getCause().getMessage()
                        + "): create it yourself (1 partition, cleanup.policy=compact, or retention of at least a day)", e.getCause());
                }
                LOG.warn("could not create {} ({}), but it exists: using it", topic, e.getCause().getMessage());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout + " when creating the episode topic " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<PartitionInfo> parts = partitions(timeout);
        List<TopicPartition> tps = parts.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        reader.assign(tps);
        reader.seekToBeginning(tps);
        readerThread.start();
        try {
            caughtUp().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the episode topic " + topic + " within " + timeout + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        LOG.info("episode log {}: {} episodes known", topic, size());
    }

    /** Completes once everything written to the topic before this call has been read. */
    public CompletableFuture<Void> caughtUp() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiters.add(new Waiter(null, done));
        reader.wakeup();
        return done;
    }

    private void follow() {
        Map<TopicPartition, Long> positions = new HashMap<>();
        while (!closed) {
            try {
                Waiter w = waiters.peek();
                if (w != null && w.ends() == null) {
                    // end offsets are read on this thread: the consumer is not thread-safe
                    Map<TopicPartition, Long> ends = reader.endOffsets(reader.assignment(), Duration.ofSeconds(30));
                    waiters.poll();
                    waiters.add(new Waiter(ends, w.done()));
                    continue;
                }
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
                    merge(r.key(), r.value());
                }
                for (TopicPartition tp : reader.assignment()) {
                    positions.put(tp, reader.position(tp, Duration.ofSeconds(30)));
                }
                for (Waiter x : waiters) {
                    if (x.ends() != null && x.ends().entrySet().stream()
                        .allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                        waiters.remove(x);
                        x.done().complete(null);
                    }
                }
            } catch (WakeupException e) {
                // a waiter arrived, or closing
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("episode log {}: Kafka did not answer ({}); retrying", topic, e.getMessage());
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("the episode log reader stopped: {}", e.toString());
                    waiters.forEach(x -> x.done().completeExceptionally(e));
                }
                return;
            }
        }
    }

    private synchronized void merge(String fingerprint, String value) {
        read.increment();
        if (fingerprint == null || value == null) {
            return;
        }
        int comma = value.indexOf(',');
        try {
            long first = Long.parseLong(value.substring(0, comma));
            long last = Long.parseLong(value.substring(comma + 1));
            episodes.merge(fingerprint, first, last);
            newest = Math.max(newest, last);
        } catch (RuntimeException e) {
            LOG.warn("episode log {}: unreadable entry for {} ignored", topic, fingerprint);
        }
    }

    /** True when evidence at {@code eventMillis} starts a new episode of the fingerprint (the alert should go out). */
    public synchronized boolean admit(String fingerprint, long eventMillis) {
        boolean admitted = episodes.admit(fingerprint, eventMillis);
        if (!admitted) {
            suppressed.increment();
        }
        if (eventMillis > newest) {
            newest = eventMillis;
            episodes.expire(newest - KEEP_MILLIS);
            lastWritten.keySet().removeIf(fp -> episodes.episode(fp) == null);
        }
        return admitted;
    }

    /** Writes the episode of an alert that went out and waits for the broker's acknowledgement. */
    public void written(String fingerprint, long eventMillis) {
        long[] e;
        synchronized (this) {
            e = episodes.episode(fingerprint);
            lastWritten.put(fingerprint, eventMillis);
        }
        write(fingerprint, e == null ? new long[] {eventMillis, eventMillis} : e, true);
    }

    /**
     * A repeat held back by a partition: the episode goes on. Written (without waiting) when the
     * log's copy is more than half a gap behind, so another instance still knows it is open.
     */
    public void extended(String fingerprint, long eventMillis) {
        long[] e;
        synchronized (this) {
            episodes.merge(fingerprint, eventMillis, eventMillis);
            Long w = lastWritten.get(fingerprint);
            if (w != null && eventMillis - w < gapMillis / 2) {
                return;
            }
            lastWritten.put(fingerprint, eventMillis);
            e = episodes.episode(fingerprint);
        }
        write(fingerprint, e, false);
    }

    private void write(String fingerprint, long[] e, boolean await) {
        var f = producer.send(new ProducerRecord<>(topic, fingerprint, e[0] + "," + e[1]), (md, ex) -> {
            if (ex != null) {
                writeFailures.increment();
                LOG.warn("episode of {} not written to {}: {} (a replay may notify it again)", fingerprint, topic, ex.toString());
            } else {
                written.increment();
            }
        });
        if (await) {
            try {
                f.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException ex) {
                // counted and logged by the callback (or the timeout below)
                if (ex instanceof TimeoutException) {
                    writeFailures.increment();
                    LOG.warn("episode of {} not acknowledged by {} in {} s", fingerprint, topic, ackTimeout.toSeconds());
                }
            }
        }
    }

    public synchronized int size() {
        return episodes.liveEpisodes();
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        closed = true;
        reader.wakeup();
        try {
            readerThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
        waiters.forEach(w -> w.done().completeExceptionally(new IllegalStateException("episode log closed")));
    }
}
