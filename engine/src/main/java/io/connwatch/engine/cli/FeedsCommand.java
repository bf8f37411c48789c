package io.connwatch.engine.cli;

import io.connwatch.engine.service.EngineAssembly;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.feeds.FeedStatus;
import io.connwatch.feeds.IndexBenchmark;
import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.ThreatIntel;
import io.connwatch.feeds.format.FeedFormat;
import io.connwatch.feeds.format.FeedFormats;
import io.connwatch.feeds.format.FeedParse;
import io.connwatch.feeds.format.FeedProblem;
import io.connwatch.net.IpPrefix;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Threat-intelligence feeds: look inside a feed file, check the configured feeds, benchmark the index. */
@Command(name = "feeds", mixinStandardHelpOptions = true, description = "Threat-intelligence feeds: inspect a file, check the configured feeds, benchmark the index.",
    subcommands = {FeedsCommand.Inspect.class, FeedsCommand.Status.class, FeedsCommand.Bench.class})
final class FeedsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Read a feed file and print what it yields.",
            "Indicators by family (IPv4/IPv6, host/network), by threat type and TLP, allowlist entries, and every entry",
            "skipped or unreadable with its reason."})
    static final class Inspect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--format", required = true, description = "One of: ${COMPLETION-CANDIDATES}", completionCandidates = Formats.class)
        String format;

        @Option(names = "--csv", paramLabel = "KEY=COLUMN", description = "Column mapping of a csv feed, e.g. --csv ip=address --csv severity=sev.")
        Map<String, String> csv = Map.of();

        @Option(names = "--show", defaultValue = "50", description = "Problems to list (all are counted; default: ${DEFAULT-VALUE}).")
        int show;

        @Parameters(paramLabel = "FILE", description = "The feed file (gzip or not).")
        Path file;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            FeedFormat f = FeedFormats.byName(format, csv);
            FeedParse p;
            try (InputStream raw = Files.newInputStream(file); Reader r = reader(raw)) {
                p = f.parse(file.getFileName().toString(), r, FeedFormats.defaults(format));
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println(file + ": cannot read as " + format + ": " + e.getMessage());
                return 1;
            }
            out.printf(Locale.ROOT, "%s (%s)%n", file, format);
            out.printf(Locale.ROOT, "indicators: %,d%n", p.indicators().size());
            families(out, p.indicators().stream().map(Indicator::prefix).toList());
            if (!p.indicators().isEmpty()) {
                out.println("  by threat type: " + counts(p.indicators(), i -> i.threatType().azureName()));
                out.println("  by TLP: " + counts(p.indicators(), i -> i.tlp().toString()));
                out.println("  by severity: " + counts(p.indicators(), i -> String.valueOf(i.severity())));
                out.printf(Locale.ROOT, "  inactive: %,d%n", p.indicators().stream().filter(i -> !i.active()).count());
            }
            if (!p.allowlist().isEmpty()) {
                out.printf(Locale.ROOT, "allowlist entries: %,d%n", p.allowlist().size());
                families(out, p.allowlist());
            }
            int skipped = p.skipped().values().stream().mapToInt(Integer::intValue).sum();
            out.printf(Locale.ROOT, "skipped on purpose: %,d%s%n", skipped, skipped == 0 ? "" : " " + p.skipped());
            out.printf(Locale.ROOT, "unreadable: %,d%n", p.problems().size());
            p.problems().stream().limit(show).map(FeedProblem::message).forEach(m -> out.println("  " + m));
            out.flush();
            return p.indicators().isEmpty() && p.allowlist().isEmpty() && !p.problems().isEmpty() ? 1 : 0;
        }

        private static Reader reader(InputStream raw) throws java.io.IOException {
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(raw);
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            return new InputStreamReader(b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8);
        }

        private static void families(PrintWriter out, List<IpPrefix> prefixes) {
            long v4Host = prefixes.stream().filter(x -> x.isIpv4() && x.isHost()).count();
            long v4Net = prefixes.stream().filter(x -> x.isIpv4() && !x.isHost()).count();
            long v6Host = prefixes.stream().filter(x -> !x.isIpv4() && x.isHost()).count();
            long v6Net = prefixes.stream().filter(x -> !x.isIpv4() && !x.isHost()).count();
            out.printf(Locale.ROOT, "  IPv4: %,d hosts, %,d networks; IPv6: %,d hosts, %,d networks%n", v4Host, v4Net, v6Host, v6Net);
        }

        private static String counts(List<Indicator> list, Function<Indicator, String> key) {
            return list.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting())).toString();
        }
    }

    /** The format names, for picocli's help. */
    static final class Formats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return FeedFormats.NAMES.iterator();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Load the configured feeds once and print what each holds, or its error; exits 1 when any failed.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ConnwatchConfig c = config.load();
            PrintWriter out = spec.commandLine().getOut();
            if (c.threatIntel().feeds().isEmpty()) {
                out.println("no feeds configured (threat-intel.feeds)");
                out.flush();
                return 0;
            }
            try (ThreatIntel intel = EngineAssembly.feeds(c, out)) {
                return intel.status().stream().anyMatch((FeedStatus s) -> s.lastError() != null) ? 1 : 0;
            }
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the IP index: build time, heap per indicator, lookups per second (one thread).")
    static final class Bench implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--indicators", defaultValue = "1000000", description = "Mixed IPv4/IPv6 indicators (default: ${DEFAULT-VALUE}).")
        int indicators;

        @Option(names = "--rounds", defaultValue = "3", description = "Rounds (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() {
            IndexBenchmark.run(indicators, rounds, spec.commandLine().getOut());
            return 0;
        }
    }
}
