package io.connwatch.engine.config;

import io.connwatch.config.Settings;
import io.connwatch.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code kafka:} section: where {@code connwatch run} consumes facts from.
 *
 * @param enabled         consume at all (off by default: the embedded default needs no broker)
 * @param client          bootstrap servers, TLS and SASL, shared by every client
 * @param groupId         the consumer group; instances with the same group split the partitions
 * @param topics          the topics and the table each carries ({@code auto}: the decoder tells)
 * @param deadLetterTopic where undecodable records go, with the reasons in headers; null = none
 * @param episodeTopic    the compacted topic of alert episodes shared by the group, so a replayed or
 *                        handed-over record raises no second notification; null = dedup in memory only
 * @param startFrom       where a group without committed offsets starts: earliest or latest
 * @param rewind          on assignment, re-read this much (by record timestamp) before the committed
 *                        offset to rebuild window state; alerts it raises again are deduplicated
 * @param maxPollRecords  records per poll
 * @param maxSkew         how far (event time) a partition may run ahead of the slowest one with
 *                        records left before it is paused; 0 = no alignment
 */
public record KafkaSettings(boolean enabled, KafkaClientConfig client, String groupId, List<Topic> topics,
                            String deadLetterTopic, String episodeTopic, String startFrom, Duration rewind, int maxPollRecords,
                            Duration maxSkew, String lifecycleTopic) {
    /** Without a lifecycle topic (tests and tools that consume without notifying). */
    public KafkaSettings(boolean enabled, KafkaClientConfig client, String groupId, List<Topic> topics, String deadLetterTopic,
                         String episodeTopic, String startFrom, Duration rewind, int maxPollRecords, Duration maxSkew) {
        this(enabled, client, groupId, topics, deadLetterTopic, episodeTopic, startFrom, rewind, maxPollRecords, maxSkew, null);
    }

    /** A topic and the table its records are from. */
    public record Topic(String name, String table) {
    }

    public static final KafkaSettings DISABLED = new KafkaSettings(false, null, "connwatch", List.of(), null, null, "earliest",
        Duration.ofMinutes(15), 2000, Duration.ofMinutes(1));

    private static final Set<String> OWN = Set.of("enabled", "group-id", "topics", "dead-letter-topic", "episode-topic", "lifecycle-topic",
        "start-from", "rewind", "max-poll-records", "max-skew");

    /** The {@code kafka} section of the root; {@link #DISABLED} when there is none. */
    static KafkaSettings read(Settings root) {
        Settings s = root.optionalChild("kafka").orElse(null);
        if (s == null) {
            return DISABLED;
        }
        Set<String> keys = new HashSet<>(OWN);
        keys.addAll(KafkaClientConfig.KEYS);
        s.only(keys);
        boolean enabled = s.bool("enabled", true);
        if (!enabled) {
            return DISABLED;
        }
        KafkaClientConfig client = KafkaClientConfig.read(s);
        List<Topic> topics = new ArrayList<>();
        int before = s.problemCount();
        List<Settings> listed = s.list("topics", "name");
        if (listed.isEmpty() && s.problemCount() == before) {
            s.problem("topics", "give at least one topic, e.g. [{name: vm-connections}]");
        }
        for (Settings ts : listed) {
            ts.only(Set.of("name", "table"));
            String name = ts.required("name");
            List<String> tables = new ArrayList<>(List.of("auto"));
            for (io.connwatch.engine.facts.Table t : io.connwatch.engine.facts.Table.values()) {
                tables.add(t.azureName());
            }
            String table = ts.choice("table", "auto", tables);
            if (name != null) {
                topics.add(new Topic(name, table));
            }
        }
        String startFrom = s.choice("start-from", "earliest", List.of("earliest", "latest"));
        String dlt = s.string("dead-letter-topic", "connwatch-dead-letters");
        String episodes = s.string("episode-topic", "connwatch-episodes");
        String lifecycle = s.string("lifecycle-topic", "connwatch-lifecycle");
        return new KafkaSettings(true, client, s.string("group-id", "connwatch"), List.copyOf(topics),
            dlt.equals("none") ? null : dlt, episodes.equals("none") ? null : episodes, startFrom,
            s.duration("rewind", Duration.ofMinutes(15)), s.integer("max-poll-records", 2000, 1, 100_000),
            s.duration("max-skew", Duration.ofMinutes(1)), lifecycle.equals("none") ? null : lifecycle);
    }
}
