package io.connwatch.engine.cli;

import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.RuleSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code connwatch bench --startup}: wall times of what a user waits for at start, each in fresh
 * JVMs with this JVM's options and class path, the median of several runs: the rules compiled, the
 * service ready ({@code GET /ready} answers 200), {@code validate-rules} and {@code test-rules}.
 */
final class StartupBench {
    private static final Pattern HTTP_PORT = Pattern.compile("(?m)^(http:[ \\t]*\\n(?:(?:[ \\t]+.*|[ \\t]*)\\n)*?[ \\t]+port:[ \\t]*)\\d+");
    private final BenchCommand options;
    private final PrintWriter out;
    private final PrintWriter err;

    StartupBench(BenchCommand options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** In the child JVM: compiles the configured rules once and prints the milliseconds it took. */
    static int compileOnce(ConnwatchConfig config, PrintWriter out) throws Exception {
        long start = System.nanoTime();
        RuleSet.load(config.rules().directory(), config.rules().retention());
        out.println("compiled-ms " + (System.nanoTime() - start) / 1_000_000);
        out.flush();
        return 0;
    }

    int run() throws Exception {
        Path tmp = Files.createTempDirectory("connwatch-startup");
        int port = freePort();
        Path config = tmp.resolve("connwatch.yaml");
        Files.writeString(config, configText(tmp, port));
        int runs = Math.max(1, options.rounds);
        List<Long> compile = new ArrayList<>();
        List<Long> compileJvm = new ArrayList<>();
        List<Long> ready = new ArrayList<>();
        List<Long> validate = new ArrayList<>();
        List<Long> test = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            String printed = child(tmp, "bench", "--startup-child", "--config", config.toString());
            compileJvm.add((System.nanoTime() - t) / 1_000_000);
            Matcher m = Pattern.compile("compiled-ms (\\d+)").matcher(printed);
            if (!m.find()) {
                throw new IOException("the child printed no compile time: " + printed);
            }
            compile.add(Long.parseLong(m.group(1)));
            ready.add(untilReady(tmp, config, port));
            t = System.nanoTime();
            child(tmp, "validate-rules", "--config", config.toString());
            validate.add((System.nanoTime() - t) / 1_000_000);
            t = System.nanoTime();
            child(tmp, "test-rules", "--config", config.toString());
            test.add((System.nanoTime() - t) / 1_000_000);
            err.printf(Locale.ROOT, "run %d: compile %,d ms (JVM %,d ms), ready %,d ms, validate-rules %,d ms, test-rules %,d ms%n", i + 1,
                compile.get(i), compileJvm.get(i), ready.get(i), validate.get(i), test.get(i));
            err.flush();
        }
        out.printf(Locale.ROOT, "bench --startup (median of %d fresh JVMs each, %d cores): rules compiled %,d ms (the whole "
                + "JVM %,d ms); service ready (/ready 200) %,d ms after launch; validate-rules %,d ms; test-rules %,d ms%n", runs,
            Runtime.getRuntime().availableProcessors(), median(compile), median(compileJvm), median(ready), median(validate),
            median(test));
        out.flush();
        return 0;
    }

    /** The user's configuration with the HTTP port and every data/ path moved out of the way (a fresh start, no clash). */
    String configText(Path tmp, int port) throws IOException {
        Path source = options.config.file != null ? options.config.file
            : Files.exists(ConnwatchConfig.DEFAULT_PATH) ? ConnwatchConfig.DEFAULT_PATH : null;
        if (source == null) {
            return "http:\n  port: " + port + "\n  auth:\n    admin-token-file: " + tmp.resolve("admin-token") + "\n";
        }
        // the copy lives in tmp: its relative paths must still come from the source's home
        Path home;
        try {
            home = ConnwatchConfig.load(source, System.getenv()).home();
        } catch (io.connwatch.engine.config.ConfigException e) {
            throw new IOException(e.getMessage(), e);
        }
        String text = Files.readString(source, StandardCharsets.UTF_8).replace(" data/", " " + tmp + "/");
        text = text.matches("(?s)(^|.*\n)home:.*") ? text.replaceFirst("(?m)^home:.*$", "home: " + home) : "home: " + home + "\n" + text;
        Matcher m = HTTP_PORT.matcher(text);
        if (!m.find()) {
            throw new IOException(source + " sets no http.port to move; add one");
        }
        return m.replaceFirst("$1" + port);
    }

    private long untilReady(Path tmp, Path config, int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).timeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();
        Process p = command(tmp, "run", "--config", config.toString()).start();
        try {
            while (true) {
                if (!p.isAlive()) {
                    throw new IOException("the service stopped before it was ready: " + tail(tmp));
                }
                try {
                    if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return (System.nanoTime() - start) / 1_000_000;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(3)) {
                    throw new IOException("the service was not ready within 3 minutes: " + tail(tmp));
                }
                Thread.sleep(10);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private String child(Path tmp, String... args) throws Exception {
        Process p = command(tmp, args).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("connwatch " + args[0] + " did not finish within 5 minutes");
        }
        String printed = tail(tmp);
        if (p.exitValue() != 0) {
            throw new IOException("connwatch " + String.join(" ", args) + " exited with " + p.exitValue() + ": " + printed);
        }
        return printed;
    }

    /** This JVM's java, options and class path, running connwatch with these arguments; output to a log in {@code tmp}. */
    private static ProcessBuilder command(Path tmp, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xlog")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ConnwatchCommand.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile());
    }

    private static String tail(Path tmp) throws IOException {
        String log = Files.readString(tmp.resolve("child.log"), StandardCharsets.UTF_8);
        return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
