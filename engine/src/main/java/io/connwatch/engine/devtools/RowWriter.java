package io.connwatch.engine.devtools;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/** Writes generated rows in one of the shapes the decoder reads. */
public final class RowWriter implements AutoCloseable {
    /** The output shapes. */
    public enum Format {
        JSONL, JSON, ENVELOPE, CSV;

        public static Format parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown format '" + text + "' (expected jsonl, json, envelope or csv)", e);
            }
        }
    }

    /** Every column, in the order CSV output uses. */
    static final String[] CSV_COLUMNS = {"Type", "TimeGenerated", "Computer", "AgentId", "Machine", "Process", "ProcessName",
        "SourceIp", "DestinationIp", "DestinationPort", "Protocol", "Direction", "ConnectionId", "LinksEstablished",
        "LinksTerminated", "LinksFailed", "LinksLive", "BytesSent", "BytesReceived", "Responses", "ResponseTimeMax",
        "ResponseTimeMin", "ResponseTimeSum", "RemoteIp", "RemoteCountry", "MaliciousIp", "IndicatorThreatType",
        "Description", "TLPLevel", "Confidence", "Severity", "FirstReportedDateTime", "LastReportedDateTime", "IsActive",
        "Ip", "Port", "IsWildcardBind", "PortId"};

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Format format;
    private final OutputStream out;
    private final JsonGenerator json;
    private final com.fasterxml.jackson.databind.SequenceWriter csv;
    private boolean first = true;

    public RowWriter(Format format, OutputStream out) throws IOException {
        this.format = format;
        this.out = out;
        switch (format) {
            case CSV -> {
                CsvMapper mapper = new CsvMapper();
                CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
                for (String c : CSV_COLUMNS) {
                    schema.addColumn(c);
                }
                csv = mapper.writer(schema.build()).writeValues(out);
                json = null;
            }
            case JSONL -> {
                json = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8);
                json.setRootValueSeparator(null);
                csv = null;
            }
            default -> {
                json = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8);
                csv = null;
                if (format == Format.ENVELOPE) {
                    json.writeStartObject();
                    json.writeFieldName("records");
                }
                json.writeStartArray();
            }
        }
    }

    public void write(Map<String, Object> row) {
        try {
            switch (format) {
                case CSV -> csv.write(row);
                case JSONL -> {
                    JSON.writeValue(json, row);
                    json.flush();
                    out.write('\n');
                }
                default -> {
                    if (!first) {
                        json.writeRaw('\n');
                    }
                    JSON.writeValue(json, row);
                }
            }
            first = false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        switch (format) {
            case CSV -> csv.close();
            case JSONL -> json.close();
            default -> {
                json.writeEndArray();
                if (format == Format.ENVELOPE) {
                    json.writeEndObject();
                }
                json.close();
            }
        }
        out.flush();
    }
}
