package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertFormat;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.ocsf.OcsfFinding;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends alerts to a JSON-lines file, one alert per line: connwatch's alert JSON, or with
 * {@link AlertFormat#OCSF} an OCSF Detection Finding (activity Create) per alert. Each alert is written to the operating
 * system before {@link #publish} returns, so a crash of the JVM loses none. A write that fails
 * part-way (a full disk) is cut off again, so the file never holds half a line that would swallow
 * the next alert.
 */
public final class JsonlFileSink implements AlertSink, Closeable {
    private final Path file;
    private final AlertFormat format;
    private final FileChannel channel;

    public JsonlFileSink(Path file) throws IOException {
        this(file, AlertFormat.NATIVE);
    }

    public JsonlFileSink(Path file, AlertFormat format) throws IOException {
        this.file = file;
        this.format = format;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void publish(Alert alert) {
        String json = format == AlertFormat.OCSF ? OcsfFinding.toJson(OcsfFinding.of(alert)) : AlertJson.toJson(alert);
        ByteBuffer line = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
        long before = -1;
        try {
            before = channel.size();
            while (line.hasRemaining()) {
                channel.write(line);
            }
        } catch (IOException e) {
            cutBackTo(before);
            throw new UncheckedIOException("cannot append alert to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes what a failed write left behind; a file that cannot be cut (a device) is left as it is. */
    private void cutBackTo(long size) {
        if (size < 0) {
            return;
        }
        try {
            if (channel.size() > size) {
                channel.truncate(size);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // nothing more can be done here; the failure itself is reported by the caller
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
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
