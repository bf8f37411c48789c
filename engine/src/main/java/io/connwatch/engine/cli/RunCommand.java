package io.connwatch.engine.cli;

import io.connwatch.engine.service.ConnwatchService;
import io.connwatch.engine.config.ConnwatchConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The always-on service: HTTP and Kafka ingest (and optional file replay) into the rules, alerts to the outputs and receivers. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the always-on service: ingest records, judge them by the rules and deliver the alerts.",
        "Compiles the rules first and refuses to start on any error. Takes records over HTTP (POST /ingest),",
        "from Kafka topics as a member of a consumer group (the kafka section of the configuration, off by default)",
        "and from --replay files. Alerts go to the outputs (console, a JSON-lines file) and through the lifecycle to",
        "the configured receivers. Serves the API, metrics and the web console. Stops on SIGINT / SIGTERM;",
        "SIGHUP reloads the rules."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--replay", paramLabel = "FILE", arity = "1..*", description = "Replay these files once at start, then keep running.")
    List<Path> replay = List.of();

    @Override
    public Integer call() throws Exception {
        ConnwatchConfig c = config.load();
        ConnwatchService service = ConnwatchService.start(c, new PrintWriter(System.out, true));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "connwatch-shutdown"));
        if (!replay.isEmpty()) {
            service.replay(replay);
        }
        stopped.await();
        return 0;
    }
}
