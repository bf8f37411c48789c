package io.connwatch.engine.ingest.file;

import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.rules.RuleEngine;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Feeds files of records through the engine: decodes them (any shape the decoder reads, gzip
 * or not, {@code -} for standard input), hands records over in batches, and reports each
 * rejected record to a listener as it meets it. A file that cannot be opened or read is reported
 * and skipped; the other files still run.
 */
public final class FileReplay {
    /** Records handed to the engine at a time. */
    public static final int BATCH = 4096;

    private final RuleEngine engine;
    private final IngestStats stats;
    private final Consumer<Rejection> onRejected;
    private final Consumer<Long> onProgress;
    private final RecordDecoder decoder = new RecordDecoder();
    private List<MachineRecord> batch = new ArrayList<>(BATCH);
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

    /**
     * @param onRejected told of every rejected record, in order
     * @param onProgress told of the running record count after each batch
     */
    public FileReplay(RuleEngine engine, IngestStats stats, Consumer<Rejection> onRejected, Consumer<Long> onProgress) {
        this.engine = engine;
        this.stats = stats;
        this.onRejected = onRejected;
        this.onProgress = onProgress;
    }

    /**
     * Replays one file.
     *
     * @return false when the file could not be opened or read to its end (reported as a rejection)
     */
    public boolean replay(Path file) {
        String name = file.toString();
        try (InputStream in = open(file)) {
            decoder.decode(name, in, new RecordDecoder.Sink() {
                @Override
                public void record(MachineRecord record) {
                    stats.accepted(IngestStats.Source.FILE, record);
                    batch.add(record);
                    if (batch.size() == BATCH) {
                        submit();
                    }
                }

                @Override
                public void rejected(Rejection rejection) {
                    stats.rejected(IngestStats.Source.FILE, rejection);
                    onRejected.accept(rejection);
                }
            });
            submit();
            return true;
        } catch (IOException e) {
            submit();
            Rejection r = new Rejection(name, "file", null, "cannot read: " + e.getMessage());
            stats.rejected(IngestStats.Source.FILE, r);
            onRejected.accept(r);
            return false;
        }
    }

    /** Waits until every record handed over so far has been through the rules. */
    public void await() {
        inFlight.join();
    }

    private void submit() {
        if (batch.isEmpty()) {
            return;
        }
        CompletableFuture<Void> done = engine.submit(batch);
        // Keep at most one batch in the rules ahead of decoding: bounded memory, both stages busy.
        inFlight.join();
        inFlight = done;
        batch = new ArrayList<>(BATCH);
        onProgress.accept(stats.accepted.sum());
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = file.toString().equals("-") ? System.in : Files.newInputStream(file);
        in = new BufferedInputStream(in, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }
}
