package io.connwatch.engine.ingest.kafka;

import io.connwatch.engine.alert.episodes.EpisodeLog;
import io.connwatch.engine.config.KafkaSettings;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.rules.RuleEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes VMConnection / VMBoundPort records from Kafka into the rule engine, as one member of a
 * consumer group.
 *
 * <p><b>At-least-once.</b> A polled batch is decoded, handed to the rule partitions and, once every
 * partition has fired its rules on it (alerts raised are then in the outbox and in the episode
 * log), its offsets are committed, batches strictly in order. Undecodable records are first
 * written to the dead-letter topic and acknowledged. Anything that fails on the way makes the
 * consumer go back to the last committed offsets and read again; the episode log keeps the
 * alerts of a re-read batch from notifying twice.
 *
 * <p><b>Backpressure.</b> When a rule partition's queue is full, every assigned Kafka partition is
 * paused and the batch in hand is offered again until it is taken; then they resume. Polling goes
 * on meanwhile (it returns nothing for paused partitions), so the group does not think the
 * instance died. At most one polled batch waits outside the engine.
 *
 * <p><b>Assignment.</b> The partitions given to this instance are first sought back: to the
 * committed offset minus {@code rewind} of record time (window state for their machines is
 * rebuilt from what was read before), or to the start/end of the partition when the group has no
 * offset. Before that the episode log is read up to date, so alerts the previous owner raised are
 * known. Records fetched before the seek are dropped (they are read again after it).
 *
 * <p>The verticle wires the parts that each keep one of these promises: {@link Rewind} (where an
 * assigned partition starts), {@link PartitionAlignment} (event-time alignment across partitions),
 * {@link DeadLetters} (poison records) and {@link CommitTracker} (ordered commits); backpressure and
 * recovery are its own.
 *
 * <p>Deploy it with {@link #DEPLOYMENT} (a worker verticle): decoding a poll of records is CPU
 * work that has no place on an event loop. Everything here runs on that one worker context, in
 * order, except the rules (partition threads) and Kafka I/O (the consumer's own thread).
 */
public final class KafkaIngest extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngest.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How to deploy it: on a worker context, since it decodes. */
    public static final io.vertx.core.DeploymentOptions DEPLOYMENT =
        new io.vertx.core.DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER);

    /** Counters shown on GET /stats and by tests. */
    public static final class Stats {
        public final LongAdder records = new LongAdder();
        /** Records whose batch finished in the rules (committed, or about to be). */
        public final LongAdder judged = new LongAdder();
        public final LongAdder replayed = new LongAdder();
        public final LongAdder deadLettered = new LongAdder();
        public final LongAdder commits = new LongAdder();
        public final LongAdder commitFailures = new LongAdder();
        public final LongAdder pauses = new LongAdder();
        public final LongAdder resumes = new LongAdder();
        public final LongAdder dropped = new LongAdder();
        public final LongAdder recoveries = new LongAdder();
        /** Times a partition was paused for running ahead of the slowest one in event time. */
        public final LongAdder alignmentPauses = new LongAdder();
        volatile Set<String> assigned = Set.of();
        /** Records behind the end of the assigned partitions, as of the last end-offset check (about every second). */
        volatile long lag;
        volatile boolean paused;

        public Set<String> assigned() {
            return assigned;
        }

        public boolean paused() {
            return paused;
        }

        /** Records behind the end of the assigned partitions, as of the last end-offset check. */
        public long lag() {
            return lag;
        }
    }

    private final KafkaSettings settings;
    private final RuleEngine engine;
    private final IngestStats ingest;
    private final EpisodeLog episodes;
    private final String clientId;
    private final Stats stats = new Stats();
    private final PartitionAlignment<Decoded> alignment;
    private final Rewind rewind;
    private final CommitTracker commits = new CommitTracker();
    private final Map<String, RecordDecoder> decoders = new HashMap<>();
    private final Map<String, String> tables = new HashMap<>();
    private KafkaConsumer<String, String> consumer;
    private DeadLetters deadLetters;
    private Held held;
    private boolean stopping;
    private boolean recovering;
    private Promise<Void> stopped;
    private Future<?> lastCommit = Future.succeededFuture();
    private long endsTimer = -1;

    /** A batch decoded and released, not yet taken by the engine (backpressure): at most one. */
    private record Held(List<MachineRecord> facts, CommitTracker.Batch batch, List<CompletableFuture<Void>> deadLetterSends) {
    }

    /** One polled record decoded: its facts, rejections and newest TimeGenerated. */
    private record Decoded(KafkaConsumerRecord<String, String> record, TopicPartition tp, List<MachineRecord> facts,
                           List<Rejection> rejected, long eventTime) implements PartitionAlignment.Timed {
        @Override
        public long offset() {
            return record.offset();
        }
    }

    /**
     * @param episodes the group's episode log; null when there is none (dedup is then per process)
     * @param clientId names this instance's clients in the broker's logs and metrics
     */
    public KafkaIngest(KafkaSettings settings, RuleEngine engine, IngestStats ingest, EpisodeLog episodes, String clientId) {
        this.settings = settings;
        this.engine = engine;
        this.ingest = ingest;
        this.episodes = episodes;
        this.clientId = clientId;
        this.alignment = new PartitionAlignment<>(settings.maxSkew());
        this.rewind = new Rewind(settings.rewind());
        for (KafkaSettings.Topic t : settings.topics()) {
            tables.put(t.name(), t.table());
        }
    }

    public Stats stats() {
        return stats;
    }

    @Override
    public Future<?> start() {
        Map<String, Object> props = settings.client().with(Map.of(
            "group.id", settings.groupId(),
            "client.id", clientId,
            "enable.auto.commit", "false",
            // a missing topic is waited for, not created with the broker's default partition count
            "allow.auto.create.topics", "false",
            "auto.offset.reset", settings.startFrom(),
            "max.poll.records", String.valueOf(settings.maxPollRecords()),
            "partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
            "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
            "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
        Map<String, String> config = new LinkedHashMap<>();
        props.forEach((k, v) -> config.put(k, String.valueOf(v)));
        consumer = KafkaConsumer.create(vertx, config);
        if (settings.deadLetterTopic() != null) {
            deadLetters = DeadLetters.create(settings.client(), settings.deadLetterTopic(), clientId, stats.deadLettered);
        }
        consumer.exceptionHandler(t -> LOG.warn("Kafka consumer: {}", t.toString()));
        consumer.partitionsAssignedHandler(this::assigned);
        consumer.partitionsRevokedHandler(this::revoked);
        List<String> topics = settings.topics().stream().map(KafkaSettings.Topic::name).toList();
        endsTimer = vertx.setPeriodic(1000, id -> refreshEnds());
        return consumer.subscribe(new HashSet<>(topics)).onSuccess(v -> {
            LOG.info("consuming {} from {} as group {}", topics, settings.client().bootstrapServers(), settings.groupId());
            poll();
        });
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        vertx.cancelTimer(endsTimer);
        stopped = Promise.promise();
        finishStop();
        // the last commit is awaited before closing: it covers the batches that just finished
        return stopped.future().compose(v -> lastCommit.transform(ar -> Future.succeededFuture()))
            .eventually(() -> consumer.close()).onComplete(ar -> {
            if (deadLetters != null) {
                deadLetters.close();
            }
        });
    }

    private void finishStop() {
        if (stopping && stopped != null && (commits.idle() || recovering)) {
            stopped.tryComplete();
        }
    }

    // ---- assignment -------------------------------------------------------------------------

    private void assigned(Set<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            alignment.assigned(tp);
            rewind.assigned(tp);
        }
        publishAssignment();
        if (held != null) {
            consumer.pause(partitions);
        }
        Future<Void> known = episodes == null ? Future.succeededFuture()
            : Future.fromCompletionStage(episodes.caughtUp(), context);
        known.onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("episode log not read up to date before judging {}: {}", partitions, ar.cause().toString());
            }
            for (TopicPartition tp : partitions) {
                position(tp);
            }
        });
    }

    /** Seeks a newly assigned partition back by the rewind from its committed offset, then lets its records in. */
    private void position(TopicPartition tp) {
        consumer.committed(tp).compose(committed -> {
            if (!alignment.owns(tp)) {
                return Future.succeededFuture();
            }
            if (committed == null) {
                return seekToStart(tp).map(v -> describe(tp, "no committed offset: from the "
                    + (settings.startFrom().equals("latest") ? "end" : "beginning")));
            }
            rewind.committedAt(tp, committed.getOffset());
            OptionalLong lookup = rewind.lookupTime(committed.getMetadata());
            if (lookup.isEmpty()) {
                return consumer.seek(tp, committed.getOffset()).map(v -> describe(tp, "from committed offset " + committed.getOffset()));
            }
            return consumer.offsetsForTimes(tp, lookup.getAsLong()).compose(at -> {
                long start = Rewind.start(committed.getOffset(), at);
                return consumer.seek(tp, start).map(v -> describe(tp, "from offset " + start + " (committed " + committed.getOffset()
                    + ", " + (committed.getOffset() - start) + " records re-read to rebuild windows)"));
            });
        }).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("cannot position {}: {}; retrying", tp, ar.cause().toString());
                if (alignment.owns(tp) && !stopping) {
                    vertx.setTimer(1000, id -> position(tp));
                }
                return;
            }
            if (alignment.owns(tp)) {
                alignment.ready(tp);
                learnPosition(tp);
                if (ar.result() != null) {
                    LOG.info("assigned {}", ar.result());
                }
            }
        });
    }

    /** Seeks a partition without a committed offset to where the group starts: its beginning or its end. */
    private Future<Void> seekToStart(TopicPartition tp) {
        return settings.startFrom().equals("latest") ? consumer.seekToEnd(tp) : consumer.seekToBeginning(tp);
    }

    private static String describe(TopicPartition tp, String how) {
        return tp.getTopic() + "-" + tp.getPartition() + " " + how;
    }

    private void revoked(Set<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            alignment.revoked(tp);
            rewind.revoked(tp);
        }
        publishAssignment();
        LOG.info("revoked {}", partitions.stream().map(tp -> tp.getTopic() + "-" + tp.getPartition()).sorted().toList());
    }

    private void publishAssignment() {
        Set<String> names = new java.util.TreeSet<>();
        alignment.partitions().forEach(tp -> names.add(tp.getTopic() + "-" + tp.getPartition()));
        stats.assigned = Set.copyOf(names);
    }

    // ---- the poll loop ----------------------------------------------------------------------

    private void poll() {
        if (stopping) {
            finishStop();
            return;
        }
        consumer.poll(POLL).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("poll failed: {}", ar.cause().toString());
                vertx.setTimer(1000, id -> poll());
                return;
            }
            try {
                handle(ar.result());
            } catch (RuntimeException e) {
                LOG.error("a polled batch could not be handled: {}", e.toString(), e);
                recover();
            }
            poll();
        });
    }

    private void handle(KafkaConsumerRecords<String, String> records) {
        if (recovering) {
            // Fetched before the seek back to the committed offsets: read again after it.
            stats.dropped.add(records.size());
            return;
        }
        // Decode what came and park it behind what is already parked, partition by partition.
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, String> r = records.recordAt(i);
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (!alignment.accepts(tp)) {
                stats.dropped.increment();
                continue;
            }
            alignment.park(tp, decode(r, tp));
        }
        if (held != null) {
            pauseParked();
            retryHeld();
            return;
        }
        dispatchParked();
    }

    /**
     * Hands parked records to the engine in event-time alignment (see {@link PartitionAlignment});
     * what is left stays parked, and its partition paused, until the slowest catches up.
     */
    private void dispatchParked() {
        if (held != null || recovering) {
            return;
        }
        List<Decoded> out = alignment.release();
        pauseParked();
        if (!stats.paused) {
            alignment.toResume().forEach(consumer::resume);
        }
        if (out.isEmpty()) {
            return;
        }
        List<MachineRecord> facts = new ArrayList<>(out.size() * 2);
        CommitTracker.Batch batch = new CommitTracker.Batch();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (Decoded d : out) {
            stats.records.increment();
            if (rewind.replays(d.tp, d.record.offset())) {
                stats.replayed.increment();
            }
            batch.add(d.tp, d.record.offset(), d.record.timestamp());
            facts.addAll(d.facts);
            ingest.accepted(IngestStats.Source.KAFKA, d.facts);
            if (!d.rejected.isEmpty()) {
                d.rejected.forEach(r -> ingest.rejected(IngestStats.Source.KAFKA, r));
                LOG.warn("rejected {}{}", d.rejected.get(0).message(),
                    d.rejected.size() > 1 ? " (and " + (d.rejected.size() - 1) + " more)" : "");
                if (deadLetters != null) {
                    sends.add(deadLetters.send(d.record, d.rejected, d.facts.size()));
                }
            }
        }
        held = new Held(facts, batch, sends);
        retryHeld();
    }

    /** Pauses, in the consumer, the partitions that have records parked. */
    private void pauseParked() {
        for (TopicPartition tp : alignment.toPause()) {
            stats.alignmentPauses.increment();
            consumer.pause(tp);
        }
    }

    private void learnPosition(TopicPartition tp) {
        consumer.position(tp).onSuccess(p -> alignment.learnedPosition(tp, p));
    }

    /** Learns the partitions' end offsets, so that a partition with nothing left to read holds nobody back. */
    private void refreshEnds() {
        if (stopping) {
            return;
        }
        Set<TopicPartition> tps = alignment.partitions();
        if (tps.isEmpty()) {
            return;
        }
        // positions again first (local to the consumer): a partition whose last offsets are
        // transaction markers is at its end only once its position has moved past them
        for (TopicPartition tp : alignment.readyWithNothingParked()) {
            consumer.position(tp).onSuccess(p -> alignment.positionNow(tp, p));
        }
        consumer.endOffsets(tps).onSuccess(ends -> {
            stats.lag = alignment.ends(ends);
            dispatchParked();
        });
    }

    private Decoded decode(KafkaConsumerRecord<String, String> r, TopicPartition tp) {
        String source = r.topic() + "/" + r.partition() + "@" + r.offset();
        List<Rejection> rejected = new ArrayList<>(0);
        List<MachineRecord> facts = new ArrayList<>(1);
        if (r.value() == null || r.value().isBlank()) {
            rejected.add(new Rejection(source, "value", null, "empty record value"));
        } else {
            try {
                decode(source, r, facts, rejected);
            } catch (RuntimeException e) {
                // A decoder failure must cost this record only: re-reading it would fail again forever.
                facts.clear();
                rejected.add(new Rejection(source, "value", null, "cannot be decoded: " + e));
            }
        }
        long newest = Long.MIN_VALUE;
        for (MachineRecord f : facts) {
            newest = Math.max(newest, f.getTimestamp());
        }
        return new Decoded(r, tp, facts, rejected, newest);
    }

    private void decode(String source, KafkaConsumerRecord<String, String> r, List<MachineRecord> facts, List<Rejection> rejected) {
        // a live source: a record from the future is refused (and dead-lettered) before it can move any clock
        decoder(r.topic()).decode(source, r.value(), engine.admitting(source, RecordDecoder.Sink.of(facts::add, rejected::add)));
    }

    private RecordDecoder decoder(String topic) {
        String table = tables.getOrDefault(topic, "auto");
        return decoders.computeIfAbsent(table, t -> new RecordDecoder(t.equals("auto") ? null : t));
    }

    // ---- backpressure, commits, recovery ----------------------------------------------------

    /** Offers the batch in hand to the engine; pauses the partitions while the engine is full. */
    private void retryHeld() {
        if (held == null) {
            return;
        }
        CompletableFuture<Void> rules = engine.offer(held.facts());
        if (rules == null) {
            if (!stats.paused) {
                stats.paused = true;
                stats.pauses.increment();
                Set<TopicPartition> all = alignment.partitions();
                consumer.pause(all);
                LOG.debug("rule partitions full: paused {}", all);
            }
            return;
        }
        CommitTracker.Batch batch = held.batch();
        List<CompletableFuture<Void>> all = new ArrayList<>(held.deadLetterSends());
        all.add(rules);
        held = null;
        commits.handedOver(batch);
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).whenComplete((v, t) -> context.runOnContext(x -> commitDone(batch, t)));
        if (stats.paused) {
            stats.paused = false;
            stats.resumes.increment();
            consumer.resume(alignment.withNothingParked());
            LOG.debug("rule partitions caught up: resumed {}", alignment.partitions());
        }
    }

    /** A batch finished: commits the offsets of the finished batches at the head of the queue, or recovers from a failure. */
    private void commitDone(CommitTracker.Batch batch, Throwable failure) {
        CommitTracker.Outcome done = commits.finished(batch, failure, alignment::owns);
        stats.judged.add(done.judged());
        if (done.failed()) {
            LOG.error("a batch failed in the rules or the dead-letter topic: {}; reading again from the last commit",
                done.failure().toString());
            recover();
            return;
        }
        if (!done.commit().isEmpty()) {
            lastCommit = consumer.commit(done.commit()).onComplete(ar -> {
                if (ar.succeeded()) {
                    stats.commits.increment();
                } else {
                    // The next commit covers these offsets; a rebalance meanwhile re-reads them.
                    stats.commitFailures.increment();
                    LOG.warn("commit failed: {}", ar.cause().toString());
                }
            });
        }
        finishStop();
    }

    /** Drops what is in flight and reads every owned partition again from its last committed offset. */
    private void recover() {
        if (recovering) {
            return;
        }
        recovering = true;
        stats.recoveries.increment();
        held = null;
        int dropped = commits.dropAll();
        alignment.reset();
        List<Future<Void>> seeks = new ArrayList<>();
        for (TopicPartition tp : alignment.partitions()) {
            seeks.add(consumer.committed(tp).compose(om -> om == null ? seekToStart(tp) : consumer.seek(tp, om.getOffset())));
        }
        Future.all(seeks).onComplete(ar -> {
            recovering = false;
            if (ar.failed()) {
                LOG.warn("cannot seek back after a failure: {}; retrying", ar.cause().toString());
                vertx.setTimer(1000, id -> recover());
                return;
            }
            alignment.allReady();
            Set<TopicPartition> all = alignment.partitions();
            all.forEach(this::learnPosition);
            stats.paused = false;
            consumer.resume(all);
            LOG.info("reading {} again from the committed offsets ({} batches dropped)", all.size(), dropped);
            finishStop();
        });
    }

    /** The counters and assignment as JSON for GET /stats. */
    public JsonObject statsJson() {
        return new JsonObject()
            .put("group", settings.groupId())
            .put("assigned", new io.vertx.core.json.JsonArray(new ArrayList<>(stats.assigned)))
            .put("paused", stats.paused)
            .put("lag", stats.lag)
            .put("records", stats.records.sum())
            .put("replayed", stats.replayed.sum())
            .put("deadLettered", stats.deadLettered.sum())
            .put("commits", stats.commits.sum())
            .put("commitFailures", stats.commitFailures.sum())
            .put("pauses", stats.pauses.sum())
            .put("recoveries", stats.recoveries.sum())
            .put("alignmentPauses", stats.alignmentPauses.sum())
            .put("episodesKnown", episodes == null ? 0 : episodes.size())
            .put("repeatsHeldBack", episodes == null ? 0 : episodes.suppressed.sum());
    }
}
