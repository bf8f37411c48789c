package io.connwatch.engine.facts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.CharBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import io.connwatch.net.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads VMConnection and VMBoundPort records from the shapes real exports have and hands each
 * to a {@link Sink} as a typed fact or as a {@link Rejection} naming where and why.
 *
 * <p>Shapes, told apart by the first characters: JSON lines (one object per line), a JSON array
 * (a Log Analytics export), Azure Monitor data export's {@code {"records":[...]}} envelope (alone,
 * pretty-printed, or one per line), and CSV with a header row. A bad record never stops the
 * records around it; a JSON syntax error inside a multi-line document ends that document, since
 * nothing after it can be read with certainty, and is reported as one rejection.
 *
 * <p>Not thread-safe: use one decoder per thread.
 */
public final class RecordDecoder {
    /** Receives what a decode yields, in input order. */
    public interface Sink {
        void record(MachineRecord record);

        void rejected(Rejection rejection);

        /** A sink handing records and rejections to two callbacks, e.g. {@code Sink.of(list::add, rejections::add)}. */
        static Sink of(java.util.function.Consumer<MachineRecord> records, java.util.function.Consumer<Rejection> rejections) {
            return new Sink() {
                @Override
                public void record(MachineRecord record) {
                    records.accept(record);
                }

                @Override
                public void rejected(Rejection rejection) {
                    rejections.accept(rejection);
                }
            };
        }
    }

    // Source text in error locations would echo input back (and costs time per parser).
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
    private static final CsvFactory CSV = new CsvFactory();
    private static final java.util.regex.Pattern SOURCE_MARKER =
        java.util.regex.Pattern.compile("\\[Source: [^;\\]]*(?:\\([^)]*\\))?; line: (\\d+), column: (\\d+)\\]");

    private final String defaultTable;
    private final RawRecord raw = new RawRecord();
    private final RawRecord envelope = new RawRecord();
    private static final int MAX_INTERNED = 100_000;
    private final Map<String, String> interned = new HashMap<>();

    /** A decoder that infers the table of records without a Type column from their columns. */
    public RecordDecoder() {
        this(null);
    }

    /**
     * @param defaultTable {@code VMConnection} or {@code VMBoundPort} for records that neither say
     *                     nor show which table they are from, e.g. a topic that carries one table
     */
    public RecordDecoder(String defaultTable) {
        if (defaultTable != null && !defaultTable.equals("VMConnection") && !defaultTable.equals("VMBoundPort")) {
            throw new IllegalArgumentException("default table must be VMConnection or VMBoundPort, got " + defaultTable);
        }
        this.defaultTable = defaultTable;
    }

    /** Decodes text held in memory (an HTTP body, a Kafka value). */
    public void decode(String source, String text, Sink sink) {
        // The shape is told from the string itself: the reader's mark/reset below would allocate a
        // megabyte-sized buffer for each call, most of the cost of reading a small Kafka value.
        int first = -1;
        int at = 0;
        for (; at < text.length(); at++) {
            char c = text.charAt(at);
            if (c != '\uFEFF' && !Character.isWhitespace(c)) {
                first = c;
                break;
            }
        }
        if (first < 0) {
            return;
        }
        BufferedReader in = new BufferedReader(new StringReader(text), Math.max(64, Math.min(text.length() + 1, 1 << 16)));
        try {
            if (first == '[') {
                decodeJsonDocument(source, in, sink);
            } else if (first == '{') {
                int lineStart = text.lastIndexOf('\n', at) + 1;
                int lineEnd = text.indexOf('\n', at);
                String firstLine = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
                if (firstLine.endsWith("\r")) {
                    firstLine = firstLine.substring(0, firstLine.length() - 1);
                }
                if (isWholeJsonValue(stripBom(firstLine))) {
                    decodeJsonLines(source, in, sink);
                } else {
                    decodeJsonDocument(source, in, sink);
                }
            } else {
                decodeCsv(source, in, sink);
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /**
     * Decodes everything the reader holds.
     *
     * @throws IOException only when the reader itself fails; bad content is reported to the sink
     */
    public void decode(String source, Reader reader, Sink sink) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
        in.mark(1 << 20);
        int first = firstSignificantChar(in);
        in.reset();
        if (first < 0) {
            return;
        }
        if (first == '[') {
            decodeJsonDocument(source, in, sink);
        } else if (first == '{') {
            in.mark(1 << 20);
            String firstLine = skipBlankLines(in);
            in.reset();
            if (firstLine != null && isWholeJsonValue(stripBom(firstLine))) {
                decodeJsonLines(source, in, sink);
            } else {
                decodeJsonDocument(source, in, sink);
            }
        } else {
            decodeCsv(source, in, sink);
        }
    }

    private static int firstSignificantChar(BufferedReader in) throws IOException {
        int c;
        int read = 0;
        while ((c = in.read()) >= 0 && read++ < (1 << 20) - 1) {
            if (c != '\uFEFF' && !Character.isWhitespace(c)) {
                return c;
            }
        }
        return -1;
    }

    private static String skipBlankLines(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (!stripBom(line).isBlank()) {
                return line;
            }
        }
        return null;
    }

    /** True when the line holds exactly one complete JSON value: the mark of JSON lines. */
    private static boolean isWholeJsonValue(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Jackson's message without the source marker it adds when sources are not kept. */
    private static String clean(String message) {
        return SOURCE_MARKER.matcher(message).replaceAll("line $1, column $2");
    }

    private static String stripBom(String s) {
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    private void decodeJsonLines(String source, BufferedReader in, Sink sink) throws IOException {
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (lineNo == 1) {
                line = stripBom(line);
            }
            if (line.isBlank()) {
                continue;
            }
            try (JsonParser p = JSON.createParser(line)) {
                JsonToken t = p.nextToken();
                if (t != JsonToken.START_OBJECT) {
                    sink.rejected(new Rejection(source, "line " + lineNo, null, "expected a JSON object, found " + describe(t)));
                    continue;
                }
                topLevelObject(source, p, "line " + lineNo, lineNo, true, sink);
                JsonToken trailing = p.nextToken();
                if (trailing != null) {
                    sink.rejected(new Rejection(source, "line " + lineNo, null,
                        "unexpected " + describe(trailing) + " after the JSON object (one object per line)"));
                }
            } catch (JsonProcessingException e) {
                sink.rejected(new Rejection(source, location(lineNo, e.getLocation()), null, "malformed JSON: " + clean(e.getOriginalMessage())));
            }
        }
    }

    private void decodeJsonDocument(String source, BufferedReader in, Sink sink) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                JsonLocation at = p.currentTokenLocation();
                if (t == JsonToken.START_ARRAY) {
                    int index = 0;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t == null) {
                            throw new IllegalStateException("unreachable: parser ends arrays or throws");
                        }
                        JsonLocation el = p.currentTokenLocation();
                        String where = location(el) + " (element " + index++ + ")";
                        if (t == JsonToken.START_OBJECT) {
                            topLevelObject(source, p, where, el.getLineNr(), false, sink);
                        } else {
                            sink.rejected(new Rejection(source, where, null, "expected a JSON object, found " + describe(t)));
                            p.skipChildren();
                        }
                    }
                } else if (t == JsonToken.START_OBJECT) {
                    topLevelObject(source, p, location(at), at.getLineNr(), false, sink);
                } else {
                    sink.rejected(new Rejection(source, location(at), null, "expected a JSON object or array, found " + describe(t)));
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            sink.rejected(new Rejection(source, location(e.getLocation()), null,
                "malformed JSON: " + clean(e.getOriginalMessage()) + "; the rest of this document was skipped"));
        }
    }

    /**
     * Reads an object whose START_OBJECT is current: either a record or an envelope whose
     * {@code records} array holds records.
     */
    private void topLevelObject(String source, JsonParser p, String where, int line, boolean lineMode, Sink sink)
        throws IOException {
        envelope.clear();
        boolean isEnvelope = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            if (name.equals("records") && t == JsonToken.START_ARRAY) {
                isEnvelope = true;
                int index = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    JsonLocation el = p.currentTokenLocation();
                    String elWhere = (lineMode ? "line " + line : location(el)) + " (records[" + index++ + "])";
                    if (t == JsonToken.START_OBJECT) {
                        raw.clear();
                        readFields(p, raw);
                        emit(source, elWhere, raw, sink);
                    } else {
                        sink.rejected(new Rejection(source, elWhere, null, "expected a JSON object, found " + describe(t)));
                        p.skipChildren();
                    }
                }
            } else {
                readField(p, name, t, envelope);
            }
        }
        if (!isEnvelope) {
            emit(source, where, envelope, sink);
        }
    }

    private void readFields(JsonParser p, RawRecord into) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            readField(p, name, t, into);
        }
    }

    private void readField(JsonParser p, String name, JsonToken t, RawRecord into) throws IOException {
        Column c = Column.byName(name);
        if (c == null) {
            p.skipChildren();
            return;
        }
        switch (t) {
            case VALUE_STRING -> into.put(c, typed(c, p));
            case VALUE_NUMBER_INT -> into.put(c, p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getText() : (Object) p.getLongValue());
            case VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> into.put(c, p.getText());
            case VALUE_NULL -> into.put(c, null);
            case START_ARRAY -> {
                List<String> items = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (e.isScalarValue()) {
                        items.add(p.getText());
                    } else {
                        p.skipChildren();
                        into.problem(c.azureName, "expected a list of strings");
                    }
                }
                if (c == Column.REMOTE_DNS_CANONICAL_NAMES || c == Column.REMOTE_DNS_QUESTIONS) {
                    into.put(c, items);
                } else {
                    into.problem(c.azureName, "expected a single value, found an array");
                }
            }
            default -> {
                p.skipChildren();
                into.problem(c.azureName, "expected a single value, found an object");
            }
        }
    }

    /**
     * Reads a string value, parsing addresses and times straight from the parser's buffer and
     * sharing one String per distinct machine and process (they repeat on every row and are the
     * keys of partitions, rollups and rule joins), which saves hashing and the memory of facts.
     */
    private Object typed(Column c, JsonParser p) throws IOException {
        switch (c) {
            case SOURCE_IP, DESTINATION_IP, REMOTE_IP, MALICIOUS_IP, IP -> {
                IpAddress ip = IpAddress.tryParse(CharBuffer.wrap(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
                return ip != null ? ip : p.getText();
            }
            case TIME_GENERATED -> {
                Instant t = FastTime.parseIsoUtc(CharBuffer.wrap(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
                return t != null ? t : p.getText();
            }
            case COMPUTER, MACHINE, PROCESS, PROCESS_NAME -> {
                return intern(p.getText());
            }
            default -> {
                return p.getText();
            }
        }
    }

    private String intern(String s) {
        String shared = interned.putIfAbsent(s, s);
        if (shared != null) {
            return shared;
        }
        if (interned.size() > MAX_INTERNED) {
            interned.clear();
        }
        return s;
    }

    private void decodeCsv(String source, BufferedReader in, Sink sink) throws IOException {
        try (CsvParser p = CSV.createParser(in)) {
            p.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
            Column[] header = null;
            String[] headerNames = null;
            List<String> row = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_ARRAY) {
                    continue;
                }
                int line = -1;
                row.clear();
                while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
                    if (line < 0) {
                        // the row's own first value: START_ARRAY's location is the end of the previous row
                        line = p.currentTokenLocation().getLineNr();
                    }
                    row.add(p.getText());
                }
                if (header == null) {
                    header = new Column[row.size()];
                    headerNames = new String[row.size()];
                    for (int i = 0; i < row.size(); i++) {
                        headerNames[i] = i == 0 ? stripBom(row.get(i)) : row.get(i);
                        header[i] = Column.byName(headerNames[i]);
                    }
                    continue;
                }
                String where = "line " + line;
                if (row.size() == 1 && row.get(0).isBlank()) {
                    continue;
                }
                if (row.size() > header.length) {
                    sink.rejected(new Rejection(source, where, null,
                        "row has " + row.size() + " fields but the header names " + header.length));
                    continue;
                }
                raw.clear();
                for (int i = 0; i < row.size(); i++) {
                    if (header[i] != null) {
                        raw.put(header[i], intern(row.get(i)));
                    }
                }
                emit(source, where, raw, sink);
            }
        } catch (JsonProcessingException e) {
            sink.rejected(new Rejection(source, location(e.getLocation()), null,
                "malformed CSV: " + clean(e.getOriginalMessage()) + "; the rest of this file was skipped"));
        }
    }

    private void emit(String source, String where, RawRecord record, Sink sink) {
        MachineRecord fact;
        try {
            fact = FactBuilder.build(record, defaultTable);
        } catch (FieldException e) {
            sink.rejected(new Rejection(source, where, e.field, e.getMessage()));
            return;
        }
        sink.record(fact);
    }

    private static String location(JsonLocation l) {
        return l == null ? "unknown location" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static String location(int line, JsonLocation l) {
        return l == null ? "line " + line : "line " + line + ", column " + l.getColumnNr();
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }
}
