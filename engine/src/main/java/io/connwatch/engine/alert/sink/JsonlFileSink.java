package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends alerts to a JSON-lines file, one alert per line. Each alert is written and flushed to
 * the operating system before {@link #publish} returns, so a crash of the JVM loses none.
 */
public final class JsonlFileSink implements AlertSink, Closeable {
    private final Path file;
    private final BufferedWriter writer;

    public JsonlFileSink(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void publish(Alert alert) {
        try {
            writer.write(AlertJson.toJson(alert));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append alert to " + file, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public String name() {
        return "file " + file;
    }

    public Path file() {
        return file;
    }
}
