package io.connwatch.engine.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the rules directory (the DRL files and the data files rules read) and reloads the
 * engine when anything in it changes; also reloads on request (SIGHUP, HTTP, CLI). Reloads run on
 * the watcher's own thread, one at a time.
 */
public final class RulesWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RulesWatcher.class);

    private final RuleEngine engine;
    private final Path directory;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "connwatch-rules-watch");
        t.setDaemon(true);
        return t;
    });
    private String lastSeen;

    public RulesWatcher(RuleEngine engine, Path directory) {
        this.engine = engine;
        this.directory = directory;
        this.lastSeen = stamp();
    }

    /** Checks the directory every {@code interval}; zero disables watching (requests still work). */
    public void start(Duration interval) {
        if (!interval.isZero()) {
            thread.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Asks for a reload now; completes with its outcome. */
    public java.util.concurrent.Future<RuleEngine.Reload> requestReload(String why) {
        return thread.submit(() -> reload(why));
    }

    private void check() {
        try {
            String now = stamp();
            if (!now.equals(lastSeen)) {
                lastSeen = now;
                reload("a file in " + directory + " changed");
            }
        } catch (RuntimeException e) {
            LOG.error("rules watcher: {}", e.toString());
        }
    }

    private RuleEngine.Reload reload(String why) {
        lastSeen = stamp();
        RuleEngine.Reload r = engine.reload();
        if (r.problems().isEmpty()) {
            LOG.info("rules reloaded ({}): version {}, {} rules, partitions paused {} ms", why, r.version(), r.rules().size(), r.millis());
        } else {
            LOG.error("rules NOT reloaded ({}), the running rules (version {}) go on; {} problem(s):\n  {}", why, r.version(),
                r.problems().size(), r.problems().stream().map(RuleProblem::format).collect(Collectors.joining("\n  ")));
        }
        return r;
    }

    /** Names, sizes and modification times of every file under the directory. */
    private String stamp() {
        try (Stream<Path> s = Files.walk(directory)) {
            List<Path> files = s.filter(Files::isRegularFile).sorted().toList();
            StringBuilder sb = new StringBuilder();
            for (Path p : files) {
                sb.append(p).append(':').append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
            }
            return sb.toString();
        } catch (IOException | UncheckedIOException e) {
            return "unreadable: " + e;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
