package io.connwatch.engine.facts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.connwatch.engine.facts.InputLines.Line;
import io.connwatch.net.IpAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads VMConnection and VMBoundPort records from the shapes real exports have and hands each
 * to a {@link Sink} as a typed fact or as a {@link Rejection} naming where and why.
 *
 * <p>Input is read line by line and each line is judged on its own, so no single line decides
 * the shape of what follows and a bad line costs only itself. A line may hold a JSON object (a
 * record, or an envelope {@code {"records":[...]}} as Azure Monitor data export writes), several
 * objects with the punctuation of a JSON array around them (a Log Analytics export, one element
 * per line or all on one line), the start of a pretty-printed object (a <code>{</code> ending the
 * line: the object is read over the following lines), a CSV header row naming columns, or a CSV
 * row after such a header. A line that is not well-formed is one rejection, even when it held
 * several records. A pretty-printed object broken by a syntax error is one rejection and reading
 * goes on at the next line that starts an object; an object never swallows a line that holds a
 * whole record of its own. Input given as bytes must be UTF-8: a line that is not is rejected.
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

    /** Lines of byte input longer than this are rejected unread (64 MiB). */
    public static final int MAX_LINE_BYTES = 64 << 20;

    /** True when the decoder reads a field of this name (Azure's spelling, in any case); other fields are skipped. */
    public static boolean isColumn(String name) {
        return Column.byName(name) != null;
    }

    /** Every column name as Azure spells it. */
    public static java.util.List<String> columnNames() {
        return java.util.Arrays.stream(Column.values()).map(c -> c.azureName).toList();
    }

    /** A quoted CSV value may run over at most this many lines. */
    static final int MAX_CSV_ROW_LINES = 64;

    // Source text in error locations would echo input back (and costs time per parser).
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
    private static final Pattern SOURCE_MARKER =
        Pattern.compile("\\[Source: [^;\\]]*(?:\\([^)]*\\))?; line: (\\d+), column: (\\d+)\\]");
    private static final int NONE = 0;
    private static final int ARRAY = 1;
    private static final int RECORDS = 2;

    private final Table defaultTable;
    private final int maxLineBytes;
    private final RawRecord raw = new RawRecord();
    private final RawRecord envelope = new RawRecord();
    private static final int MAX_INTERNED = 100_000;
    private final SharedStrings shared = new SharedStrings(MAX_INTERNED);
    private final CharSlice slice = new CharSlice();

    /** A decoder that infers the table of records without a Type column from their columns. */
    public RecordDecoder() {
        this(null);
    }

    /**
     * @param defaultTable {@code VMConnection} or {@code VMBoundPort} for records that neither say
     *                     nor show which table they are from, e.g. a topic that carries one table
     */
    public RecordDecoder(String defaultTable) {
        this(defaultTable, MAX_LINE_BYTES);
    }

    RecordDecoder(String defaultTable, int maxLineBytes) {
        this.defaultTable = defaultTable == null ? null : Table.named(defaultTable)
            .orElseThrow(() -> new IllegalArgumentException("default table must be " + Table.choices() + ", got " + defaultTable));
        this.maxLineBytes = maxLineBytes;
    }

    /** Decodes text held in memory (an HTTP body, a Kafka value). */
    public void decode(String source, String text, Sink sink) {
        try {
            new Run(source, InputLines.of(text), sink).run();
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /** Decodes UTF-8 bytes held in memory; a line that is not UTF-8 is rejected, naming the byte. */
    public void decode(String source, byte[] utf8, Sink sink) {
        try {
            decode(source, new ByteArrayInputStream(utf8), sink);
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    /**
     * Decodes a stream of UTF-8 to its end; a line that is not UTF-8 is rejected, naming the byte.
     *
     * @throws IOException only when the stream itself fails; bad content is reported to the sink
     */
    public void decode(String source, InputStream in, Sink sink) throws IOException {
        new Run(source, InputLines.of(in, maxLineBytes), sink).run();
    }

    /**
     * Decodes everything the reader holds.
     *
     * @throws IOException only when the reader itself fails; bad content is reported to the sink
     */
    public void decode(String source, Reader reader, Sink sink) throws IOException {
        new Run(source, InputLines.of(reader), sink).run();
    }

    /** Where reading goes on: the rest of a line after a multi-line object ended on it. */
    private record Rest(Line line, int from) {
    }

    /** A line held invalid UTF-8 while a multi-line object was being read over it. */
    private static final class BadLine extends IOException {
        final transient Line line;

        BadLine(Line line) {
            super("invalid UTF-8", null);
            this.line = line;
        }
    }

    /** One decode: the state that lives from one line to the next. */
    private final class Run {
        private final String source;
        private final InputLines lines;
        private final Sink sink;
        private final Deque<Line> pushedBack = new ArrayDeque<>();
        /** What the line being read yielded, held until the line proves well-formed. */
        private final List<Object> pending = new ArrayList<>();
        private boolean buffering;
        /**
         * After a multi-line object ended or broke: lines that start no object are the rest of it
         * (members of a broken object, closing brackets) and are dropped without a word.
         */
        private boolean absorbing;
        /** The JSON container lines are in: an array, an envelope's records, or none. */
        private int container = NONE;
        private int index;
        private Column[] header;
        // The object being read: where the record-level object open now is (null between records),
        // whether an envelope's records array is open, and the next index in it.
        private String openWhere;
        private long openAt;
        private boolean inRecords;
        private boolean isEnvelope;
        private int recordsIndex;
        // How the parser's locations map to the input.
        private int baseLine;
        private int baseColumn;
        /** Whether the parser reads one line (and its locations are offsets in it) or continues over lines. */
        private boolean lineLevel;
        private char[] chars = new char[1024];

        Run(String source, InputLines lines, Sink sink) {
            this.source = source;
            this.lines = lines;
            this.sink = sink;
        }

        void run() throws IOException {
            Line l;
            while ((l = next()) != null) {
                Rest rest = line(l);
                while (rest != null) {
                    rest = jsonLine(rest.line(), rest.from());
                }
            }
        }

        private Line next() throws IOException {
            return pushedBack.isEmpty() ? lines.next() : pushedBack.pop();
        }

        private Rest line(Line l) throws IOException {
            if (l.tooLong()) {
                reject("line " + l.number(), null, "longer than " + maxLineBytes + " bytes; skipped");
                absorbing = false;
                return null;
            }
            String t = l.text();
            int i = skipSpace(t, 0);
            if (i == t.length()) {
                return null;
            }
            char c = t.charAt(i);
            if (l.badByte() >= 0) {
                if (absorbing && c != '{') {
                    return null;
                }
                reject("line " + l.number(), null, "invalid UTF-8 at byte " + l.badByte());
                absorbing = false;
                return null;
            }
            if (c == '{' || c == '[' || c == ']' || c == '}' || c == ',') {
                return jsonLine(l, i);
            }
            csvLine(l);
            return null;
        }

        /**
         * Reads the JSON of a line from {@code from}: objects, with array and envelope punctuation
         * around them. Returns where reading goes on when an object ran over several lines.
         */
        private Rest jsonLine(Line l, int from) throws IOException {
            String t = l.text();
            int len = t.length();
            if (chars.length < len) {
                chars = new char[Math.max(len, chars.length * 2)];
            }
            t.getChars(0, len, chars, 0);
            int savedContainer = container;
            int savedIndex = index;
            pending.clear();
            buffering = true;
            boolean sawObject = false;
            boolean metBrace = false;
            int pos = from;
            while (true) {
                pos = skipSpace(t, pos);
                if (pos >= len) {
                    break;
                }
                char c = t.charAt(pos);
                if (c == ',' || c == '}') {
                    pos++;
                    continue;
                }
                if (c == '[') {
                    if (container == NONE) {
                        container = ARRAY;
                        index = 0;
                    }
                    pos++;
                    continue;
                }
                if (c == ']') {
                    container = NONE;
                    pos++;
                    continue;
                }
                if (c != '{') {
                    return badLine(savedContainer, savedIndex, metBrace, notAnObject(l, pos));
                }
                int element = container == NONE ? -1 : index++;
                String where = switch (container) {
                    case ARRAY -> "line " + l.number() + ", column " + (pos + 1) + " (element " + element + ")";
                    case RECORDS -> "line " + l.number() + " (records[" + element + "])";
                    default -> "line " + l.number();
                };
                baseLine = l.number();
                baseColumn = pos;
                lineLevel = true;
                metBrace = true;
                JsonParser p = JSON.createParser(chars, pos, len - pos);
                try {
                    p.nextToken();
                    object(p, where, true);
                    pos += (int) p.currentLocation().getCharOffset();
                    sawObject = true;
                } catch (JsonEOFException e) {
                    // The line ended inside the object: the start of a pretty-printed object, an
                    // envelope whose records follow on the next lines, or a truncated line.
                    int brace = openWhere != null && !sawObject ? prettyStart(t, pos, p) : -1;
                    if (brace >= 0) {
                        String suffix;
                        if (inRecords) {
                            container = RECORDS;
                            index = recordsIndex;
                            suffix = " (records[" + (recordsIndex - 1) + "])";
                        } else {
                            suffix = element < 0 ? "" : container == ARRAY ? " (element " + element + ")" : " (records[" + element + "])";
                        }
                        flush();
                        absorbing = false;
                        return multiLineObject(l, brace, suffix);
                    }
                    if (openWhere == null && isEnvelope) {
                        flush();
                        container = inRecords ? RECORDS : NONE;
                        index = recordsIndex;
                        absorbing = false;
                        return null;
                    }
                    return badLine(savedContainer, savedIndex, true, new Rejection(source,
                        "line " + l.number() + ", column " + (len + 1), null,
                        "malformed JSON: the line ends before the object is closed (truncated?)"));
                } catch (JsonProcessingException e) {
                    return badLine(savedContainer, savedIndex, true,
                        new Rejection(source, at(e.getLocation()), null, "malformed JSON: " + clean(e.getOriginalMessage())));
                } finally {
                    p.close();
                }
            }
            flush();
            if (sawObject) {
                absorbing = false;
            }
            return null;
        }

        /**
         * The index of the brace that starts a pretty-printed object, when the line ended just
         * after the brace of the record-level object being read; -1 otherwise.
         */
        private int prettyStart(String t, int pos, JsonParser p) {
            if (p == null || p.currentToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            long at = p.currentTokenLocation().getCharOffset();
            if (at != openAt) {
                return -1;
            }
            int brace = pos + (int) at;
            return skipSpace(t, brace + 1) == t.length() ? brace : -1;
        }

        /**
         * A line that is not well-formed: one rejection for all of it, unless it starts no object
         * and comes after a multi-line object, whose rest it then is.
         */
        private Rest badLine(int savedContainer, int savedIndex, boolean startsObject, Rejection why) {
            pending.clear();
            buffering = false;
            container = savedContainer;
            index = savedIndex;
            if (startsObject) {
                absorbing = false;
            } else if (absorbing) {
                return null;
            }
            sink.rejected(why);
            return null;
        }

        private Rejection notAnObject(Line l, int pos) {
            String t = l.text();
            String found = switch (t.charAt(pos)) {
                case '"' -> "a string";
                case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> "a number";
                default -> t.startsWith("true", pos) || t.startsWith("false", pos) ? "a boolean"
                    : t.startsWith("null", pos) ? "null" : null;
            };
            if (found != null) {
                return new Rejection(source, "line " + l.number(), null, "expected a JSON object, found " + found);
            }
            baseLine = l.number();
            baseColumn = pos;
            lineLevel = true;
            try (JsonParser p = JSON.createParser(chars, pos, t.length() - pos)) {
                p.nextToken();
                return new Rejection(source, "line " + l.number() + ", column " + (pos + 1), null, "expected a JSON object");
            } catch (JsonProcessingException e) {
                return new Rejection(source, at(e.getLocation()), null, "malformed JSON: " + clean(e.getOriginalMessage()));
            } catch (IOException e) {
                throw new IllegalStateException("reading a string cannot fail", e);
            }
        }

        /**
         * Reads a pretty-printed object that starts at {@code brace} on line {@code start} over as
         * many lines as it takes, and returns where reading goes on after it; on a syntax error,
         * rejects the record it broke and goes on at the next line that starts an object.
         */
        private Rest multiLineObject(Line start, int brace, String suffix) throws IOException {
            buffering = false;
            Continuation in = new Continuation(start, brace);
            baseLine = start.number();
            baseColumn = brace;
            lineLevel = false;
            try (JsonParser p = JSON.createParser(in)) {
                p.nextToken();
                object(p, at(p.currentTokenLocation()) + suffix, false);
                absorbing = true;
                JsonLocation end = p.currentLocation();
                return new Rest(in.line, end.getLineNr() == 1 ? brace + end.getColumnNr() - 1 : end.getColumnNr() - 1);
            } catch (BadLine e) {
                if (openWhere != null) {
                    reject("line " + e.line.number(), null, "invalid UTF-8 at byte " + e.line.badByte());
                }
                afterBrokenObject();
                absorbing = true;
                return null;
            } catch (JsonProcessingException e) {
                if (in.refusedAt > 0) {
                    if (openWhere != null) {
                        reject(openWhere, null, "malformed JSON: the object is not closed before line " + in.refusedAt
                            + ", which holds a record of its own");
                    }
                    afterBrokenObject();
                    absorbing = false;
                    return null;
                }
                JsonLocation loc = e.getLocation();
                if (openWhere != null && e instanceof JsonEOFException) {
                    reject(openWhere, null, "malformed JSON: the input ends before the object is closed");
                } else if (openWhere != null) {
                    reject(loc == null ? "line " + in.line.number() : at(loc), null, "malformed JSON: " + clean(e.getOriginalMessage()));
                }
                afterBrokenObject();
                // A lone brace where the error was met starts the next object (a missing comma):
                // read it again; anything else on that line belonged to the broken object.
                if (in.line != start && loc != null && lineOf(loc) == in.line.number()
                    && isLoneBrace(in.line.text(), columnOf(loc) - 1)) {
                    pushedBack.push(in.line);
                    absorbing = false;
                } else {
                    absorbing = true;
                }
                return null;
            }
        }

        private void afterBrokenObject() {
            if (inRecords) {
                container = RECORDS;
                index = recordsIndex;
            }
        }

        /** Feeds a parser one line at a time, so that a syntax error is always on the last line it was given. */
        private final class Continuation extends Reader {
            private Line line;
            private String text;
            private int at;
            /** The line that ended the object by holding a whole record of its own, or 0. */
            private int refusedAt;

            Continuation(Line start, int from) {
                line = start;
                text = start.text();
                at = from;
            }

            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (refusedAt > 0) {
                    return -1;
                }
                while (at > text.length()) {
                    Line next = next();
                    if (next == null) {
                        return -1;
                    }
                    if (next.tooLong() || startsWholeObject(next.text())) {
                        refusedAt = next.number();
                        pushedBack.push(next);
                        return -1;
                    }
                    if (next.badByte() >= 0) {
                        line = next;
                        throw new BadLine(next);
                    }
                    line = next;
                    text = next.text();
                    at = 0;
                }
                int left = text.length() - at;
                if (left == 0) {
                    buf[off] = '\n';
                    at++;
                    return 1;
                }
                int n = Math.min(len, left);
                text.getChars(at, at + n, buf, off);
                at += n;
                return n;
            }

            @Override
            public void close() {
                // nothing to release: the lines belong to the run
            }
        }

        /**
         * Reads an object whose START_OBJECT is current: either a record or an envelope whose
         * {@code records} array holds records.
         */
        private void object(JsonParser p, String where, boolean lineMode) throws IOException {
            envelope.clear();
            openWhere = where;
            openAt = p.currentTokenLocation().getCharOffset();
            inRecords = false;
            isEnvelope = false;
            recordsIndex = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if (name.equals("records") && t == JsonToken.START_ARRAY) {
                    isEnvelope = true;
                    openWhere = null;
                    inRecords = true;
                    t = p.nextToken();
                    while (t != JsonToken.END_ARRAY) {
                        JsonLocation el = p.currentTokenLocation();
                        String elWhere = (lineMode ? "line " + baseLine : at(el)) + " (records[" + recordsIndex++ + "])";
                        openWhere = elWhere;
                        openAt = el.getCharOffset();
                        if (t == JsonToken.START_OBJECT) {
                            raw.clear();
                            readFields(p, raw);
                            openWhere = null;
                            emit(elWhere, raw);
                            t = p.nextToken();
                        } else {
                            p.skipChildren();
                            openWhere = null;
                            Rejection notObject = new Rejection(source, elWhere, null, "expected a JSON object, found " + describe(t));
                            // Only an element that a comma or the end of the array follows is one:
                            // a string before a colon is a member of an object that closed too early.
                            t = p.nextToken();
                            out(notObject);
                        }
                    }
                    inRecords = false;
                } else {
                    readField(p, name, t, envelope);
                }
            }
            if (!isEnvelope) {
                openWhere = null;
                emit(where, envelope);
            }
        }

        private void csvLine(Line l) throws IOException {
            List<String> row = csvRow(l, header != null && !absorbing);
            if (row != null && isHeader(row)) {
                header = new Column[row.size()];
                for (int i = 0; i < row.size(); i++) {
                    header[i] = Column.byName(row.get(i));
                }
                absorbing = false;
                return;
            }
            if (absorbing) {
                return;
            }
            String where = "line " + l.number();
            if (header == null) {
                reject(where, null, "not a JSON object, nor a CSV row: no CSV header row naming the columns came before it");
                return;
            }
            if (row == null) {
                reject(where, null, "malformed CSV: a quoted value is not closed, or text follows its closing quote");
                return;
            }
            if (row.size() == 1 && row.get(0).isBlank()) {
                return;
            }
            if (row.size() > header.length) {
                reject(where, null, "row has " + row.size() + " fields but the header names " + header.length);
                return;
            }
            raw.clear();
            for (int i = 0; i < row.size(); i++) {
                if (header[i] != null) {
                    raw.put(header[i], intern(row.get(i)));
                }
            }
            buffering = false;
            emit(where, raw);
        }

        /**
         * The fields of the CSV row that starts on {@code first}; a quoted value may run onto
         * following lines when {@code mayContinue}. Null when the row is malformed (the lines it
         * would have taken are given back).
         */
        private List<String> csvRow(Line first, boolean mayContinue) throws IOException {
            List<String> fields = new ArrayList<>();
            StringBuilder value = new StringBuilder();
            List<Line> taken = new ArrayList<>();
            String t = first.text();
            int i = 0;
            boolean quoted = false;
            boolean atStart = true;
            while (true) {
                if (i >= t.length()) {
                    if (!quoted) {
                        fields.add(value.toString());
                        if (!taken.isEmpty() && fields.size() != header.length) {
                            // a quote left open that a later row happened to close
                            for (int k = taken.size() - 1; k >= 0; k--) {
                                pushedBack.push(taken.get(k));
                            }
                            return null;
                        }
                        return fields;
                    }
                    Line more = mayContinue && taken.size() < MAX_CSV_ROW_LINES ? next() : null;
                    if (more == null || more.badByte() >= 0 || more.tooLong()) {
                        if (more != null) {
                            taken.add(more);
                        }
                        for (int k = taken.size() - 1; k >= 0; k--) {
                            pushedBack.push(taken.get(k));
                        }
                        return null;
                    }
                    taken.add(more);
                    value.append('\n');
                    t = more.text();
                    i = 0;
                    continue;
                }
                char c = t.charAt(i++);
                if (quoted) {
                    if (c != '"') {
                        value.append(c);
                    } else if (i < t.length() && t.charAt(i) == '"') {
                        value.append('"');
                        i++;
                    } else {
                        quoted = false;
                        while (i < t.length() && (t.charAt(i) == ' ' || t.charAt(i) == '\t')) {
                            i++;
                        }
                        if (i < t.length() && t.charAt(i) != ',') {
                            for (int k = taken.size() - 1; k >= 0; k--) {
                                pushedBack.push(taken.get(k));
                            }
                            return null;
                        }
                    }
                } else if (c == ',') {
                    fields.add(value.toString());
                    value.setLength(0);
                    atStart = true;
                } else if (c == '"' && atStart) {
                    quoted = true;
                    atStart = false;
                } else {
                    value.append(c);
                    atStart = false;
                }
            }
        }

        private void emit(String where, RawRecord record) {
            MachineRecord fact;
            try {
                fact = FactBuilder.build(record, defaultTable);
            } catch (FieldException e) {
                out(new Rejection(source, where, e.field, e.getMessage()));
                return;
            }
            out(fact);
        }

        private void out(Object outcome) {
            if (buffering) {
                pending.add(outcome);
            } else {
                deliver(outcome);
            }
        }

        private void deliver(Object outcome) {
            if (outcome instanceof MachineRecord r) {
                sink.record(r);
            } else {
                sink.rejected((Rejection) outcome);
            }
        }

        private void flush() {
            for (Object o : pending) {
                deliver(o);
            }
            pending.clear();
            buffering = false;
        }

        private void reject(String where, String field, String reason) {
            sink.rejected(new Rejection(source, where, field, reason));
        }

        private int lineOf(JsonLocation l) {
            return baseLine + l.getLineNr() - 1;
        }

        private int columnOf(JsonLocation l) {
            return l.getLineNr() == 1 ? baseColumn + l.getColumnNr() : l.getColumnNr();
        }

        private String at(JsonLocation l) {
            if (l == null) {
                return "line " + baseLine;
            }
            if (lineLevel) {
                // by offset: a lone carriage return inside the line counts as a line end to the parser
                return "line " + baseLine + ", column " + (baseColumn + l.getCharOffset() + 1);
            }
            return "line " + lineOf(l) + ", column " + columnOf(l);
        }

        /** Jackson's message with the locations it names mapped to the input's. */
        private String clean(String message) {
            Matcher m = SOURCE_MARKER.matcher(message);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                int line = Integer.parseInt(m.group(1));
                int column = Integer.parseInt(m.group(2));
                String mapped = "line " + (baseLine + line - 1) + ", column " + (line == 1 ? baseColumn + column : column);
                m.appendReplacement(out, Matcher.quoteReplacement(mapped));
            }
            m.appendTail(out);
            return out.toString();
        }
    }

    /** True when a CSV row names columns rather than holding values: two of them, or all of one or more. */
    private static boolean isHeader(List<String> row) {
        int known = 0;
        for (String name : row) {
            if (Column.byName(name) != null) {
                known++;
            }
        }
        return known >= 2 || (known == 1 && row.size() == 1);
    }

    /** True when the line, after any comma or bracket, starts with a compact object that closes on it. */
    static boolean startsWholeObject(String t) {
        int i = skipSpace(t, 0);
        if (i < t.length() && (t.charAt(i) == ',' || t.charAt(i) == '[')) {
            i = skipSpace(t, i + 1);
        }
        if (i >= t.length() || t.charAt(i) != '{') {
            return false;
        }
        int j = skipSpace(t, i + 1);
        if (j >= t.length() || (t.charAt(j) != '"' && t.charAt(j) != '}')) {
            return false;
        }
        int depth = 0;
        boolean inString = false;
        for (int k = i; k < t.length(); k++) {
            char c = t.charAt(k);
            if (inString) {
                if (c == '\\') {
                    k++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return true;
            }
        }
        return false;
    }

    /** True when the character at {@code at} is a brace alone on its line but for a comma before it. */
    private static boolean isLoneBrace(String t, int at) {
        if (at < 0 || at >= t.length() || t.charAt(at) != '{' || skipSpace(t, at + 1) != t.length()) {
            return false;
        }
        int i = skipSpace(t, 0);
        if (i < at && t.charAt(i) == ',') {
            i = skipSpace(t, i + 1);
        }
        return i == at;
    }

    private static int skipSpace(String t, int from) {
        int i = from;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\uFEFF') {
                break;
            }
            i++;
        }
        return i;
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
     * sharing one String per distinct value of the columns that repeat on every row (machines and
     * processes are the keys of partitions, rollups and rule joins), which saves a String per
     * field, hashing, and the memory of facts.
     */
    private Object typed(Column c, JsonParser p) throws IOException {
        switch (c) {
            case SOURCE_IP, DESTINATION_IP, REMOTE_IP, MALICIOUS_IP, IP -> {
                IpAddress ip = IpAddress.tryParse(slice.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
                return ip != null ? ip : p.getText();
            }
            case TIME_GENERATED -> {
                Instant t = FastTime.parseIsoUtc(slice.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()));
                return t != null ? t : p.getText();
            }
            case TYPE, COMPUTER, AGENT_ID, MACHINE, PROCESS, PROCESS_NAME, PROTOCOL, DIRECTION, REMOTE_COUNTRY -> {
                return shared.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            }
            default -> {
                return p.getText();
            }
        }
    }

    private String intern(String s) {
        return shared.of(s);
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
