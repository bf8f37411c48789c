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

/** The always-on service: HTTP ingest (and optional file replay) into the rules, alerts to console and file. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the always-on service: compile the rules (refusing to start on any error), ingest over",
        "HTTP (POST /ingest) and from --replay files, and write alerts to the console and a JSON-lines file.",
        "Stops on SIGINT / SIGTERM."})
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
