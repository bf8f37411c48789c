package io.connwatch.engine.cli;

import io.connwatch.engine.devtools.DataGenerator;
import io.connwatch.engine.devtools.FleetProfile;
import io.connwatch.engine.devtools.RowWriter;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes realistic generated data with injected incidents. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generate realistic VMConnection and VMBoundPort records with injected incidents.",
        "Writes rows for a fleet of machines, with incidents of every shipped rule injected in every hour (C2 beacon,",
        "botnet inbound, unexpected wildcard bind, failure spike, failing machine). Deterministic for a seed.",
        "Prints records, not alerts: pipe them into `connwatch replay -` to see what the rules raise."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--profile", defaultValue = "dense", description = "dense (the demo fleet), sparse (thousands of machines, "
        + "a few rows per machine-minute, many processes and remotes) or wide (every column, ~1 KB a row, shuffled within 3 "
        + "minutes): the data `bench --profile` measures (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--machines", description = "Machines in the fleet (default: 20 for dense, the bench's for the others: "
        + "sparse 5000, wide 40).")
    Integer machines;

    @Option(names = "--hours", defaultValue = "1", description = "Hours of data (default: ${DEFAULT-VALUE}).")
    double hours;

    @Option(names = "--start", defaultValue = "2024-04-01T08:00:00Z", description = "Event time of the first minute (default: ${DEFAULT-VALUE}).")
    Instant start;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--format", defaultValue = "jsonl", description = "jsonl, json (array), envelope ({\"records\":[...]}) or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--no-incidents", description = "Generate clean traffic only.")
    boolean noIncidents;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (gzip when it ends in .gz) instead of standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        FleetProfile p = FleetProfile.parse(profile);
        if (p == FleetProfile.REPLAY) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "the replay profile reads a file; "
                + "generate one with dense, sparse or wide");
        }
        int m = machines != null ? machines : p == FleetProfile.DENSE ? 20 : p.defaultMachines();
        DataGenerator.Settings settings = new DataGenerator.Settings(m, hours, start, seed, !noIncidents);
        OutputStream os = output == null ? System.out : new FileOutputStream(output.toFile());
        if (output != null && output.toString().endsWith(".gz")) {
            os = new GZIPOutputStream(os, 1 << 16);
        }
        long[] rows = {0};
        try (RowWriter w = new RowWriter(RowWriter.Format.parse(format), new BufferedOutputStream(os, 1 << 16))) {
            p.generate(settings, row -> {
                w.write(row);
                rows[0]++;
            });
        }
        if (output != null) {
            os.close();
            System.err.println("wrote " + rows[0] + " rows to " + output);
        }
        return 0;
    }
}
