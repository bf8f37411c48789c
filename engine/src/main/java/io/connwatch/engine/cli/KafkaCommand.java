package io.connwatch.engine.cli;

import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.devtools.RecordProducer;
import io.connwatch.kafka.KafkaClientConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import java.io.PrintWriter;

/** Kafka tools: {@code connwatch kafka produce} loads JSON-lines files into a topic, keyed by Machine. */
@Command(name = "kafka", mixinStandardHelpOptions = true, description = "Kafka tools: send record files to a topic.",
    subcommands = {KafkaCommand.Produce.class})
final class KafkaCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give a subcommand: produce");
    }

    @Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send record files to a Kafka topic, one message per record keyed by its Machine.",
            "Reads JSON-lines files (gzip too; - for stdin) and keys each record by its Machine, as producers for connwatch",
            "should. Connection and security settings come from the kafka section of the configuration unless --bootstrap",
            "is given."})
    static final class Produce implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Spec
        CommandSpec spec;

        @Option(names = "--bootstrap", description = "Bootstrap servers (PLAINTEXT); default: kafka.bootstrap-servers of the configuration.")
        String bootstrap;

        @Option(names = "--topic", description = "Topic (default: the first of kafka.topics).")
        String topic;

        @Option(names = "--partitions", defaultValue = "0",
            description = "Create the topic with this many partitions when it does not exist (0: leave it to the broker).")
        int partitions;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "JSON-lines files; .gz is decompressed; - reads stdin.")
        List<String> files;

        @Override
        public Integer call() throws Exception {
            ConnwatchConfig c = config.load();
            PrintWriter err = spec.commandLine().getErr();
            KafkaClientConfig client = bootstrap != null ? KafkaClientConfig.plaintext(bootstrap)
                : c.kafka().enabled() ? c.kafka().client() : null;
            if (client == null) {
                err.println("connwatch kafka produce: give --bootstrap or enable the kafka section of the configuration");
                return ConnwatchCommand.INVALID;
            }
            String t = topic != null ? topic : c.kafka().topics().isEmpty() ? null : c.kafka().topics().get(0).name();
            if (t == null) {
                err.println("connwatch kafka produce: give --topic");
                return ConnwatchCommand.INVALID;
            }
            if (partitions > 0 && RecordProducer.createTopic(client, t, partitions)) {
                err.printf(Locale.ROOT, "created topic %s with %d partitions%n", t, partitions);
            }
            long start = System.nanoTime();
            try (RecordProducer producer = new RecordProducer(client, t)) {
                for (String f : files) {
                    InputStream in = f.equals("-") ? System.in : Files.newInputStream(Path.of(f));
                    if (f.endsWith(".gz")) {
                        in = new GZIPInputStream(in, 1 << 16);
                    }
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            producer.send(line);
                        }
                    }
                }
                producer.flush();
                double secs = (System.nanoTime() - start) / 1e9;
                err.printf(Locale.ROOT, "sent %,d records to %s in %.2f s (%,.0f records/s)%s%n", producer.sent(), t, secs,
                    producer.sent() / secs, producer.unkeyed() == 0 ? "" : "; " + producer.unkeyed() + " had no Machine and went unkeyed");
            }
            return 0;
        }
    }
}
