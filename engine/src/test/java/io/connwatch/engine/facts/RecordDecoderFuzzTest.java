package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Property-based tests of the decoders: valid records in every shape (JSON lines, JSON array,
 * envelope, pretty-printed, CSV) are spoiled the ways real input is (cut short, bytes inserted,
 * characters flipped, lines duplicated, huge or non-finite numbers, deep nesting, bytes that are
 * not UTF-8) and whatever comes out must account for every record: accepted, or rejected with a
 * location and a reason, never an exception and never a record lost in silence.
 *
 * <p>Where two spoiled lines sit next to each other the input can become a different, valid
 * document (a brace alone followed by a line of members is one pretty-printed object), so the
 * exact-count properties spoil no two neighbouring records; the any-input property has no such
 * limit and checks only that decoding never fails and every rejection is well-formed.
 */
class RecordDecoderFuzzTest {
    /** A record to write, and what to do to its text. */
    record Planned(int bytes, int links, int port, boolean inbound, Mutation mutation) {
    }

    enum Kind { TRUNCATE, INSERT, FLIP, DUPLICATE, HUGE_NUMBER, NON_FINITE, DEEP_NESTING, INVALID_UTF8 }

    /** One way to spoil a line; {@code where} in [0, 1) picks the place, {@code pick} the material. */
    record Mutation(Kind kind, double where, int pick, int size) {
    }

    private static final String[] SNIPPETS = {",", "}", "{", "]", "[", "\"", "\\", ":", " ", "\t", "\u0000", "null",
        "{\"a\":", "[[[", "}}", "\r", "\u2028", "é", "\uD83D\uDCA5", "-", "1e999", "\uFEFF", "'", "/*", "true"};
    private static final char[] FLIPS = {'"', '{', '}', '[', ']', ',', ':', 'x', '0', ' ', '\\', '\u0000', 'é'};
    private static final String[] HUGE = {"9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "99999999999999999999999999999", "1e308", "1E400", "-0", "0.5", "1000000000001", "4.2e-320"};
    private static final String[] NON_FINITE = {"NaN", "Infinity", "-Infinity", "+Infinity", "nan", "\"NaN\"", "\"Infinity\""};
    private static final byte[][] NOT_UTF8 = {{(byte) 0xff}, {(byte) 0xfe}, {(byte) 0xc3, 0x28}, {(byte) 0xc0, (byte) 0xaf},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
        {(byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
    private static final Pattern LOCATION = Pattern.compile("line (\\d+)(, column \\d+)?( \\((element \\d+|records\\[\\d+\\])\\))?");
    private static final Pattern NUMBER_VALUE = Pattern.compile("(?<=[:,])\\s*-?\\d+(?=\\s*[,}\\n]|$)");

    // ---- generators

    @Provide
    Arbitrary<List<Planned>> records() {
        Arbitrary<Mutation> mutation = Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.doubles().between(0, 1).ofScale(4).filter(d -> d < 1),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 3000))
            .as(Mutation::new);
        return Combinators.combine(
                Arbitraries.integers().between(0, 2_000_000_000),
                Arbitraries.integers().between(0, 10_000_000),
                Arbitraries.integers().between(0, 65535),
                Arbitraries.of(true, false),
                mutation.injectNull(0.5))
            .as(Planned::new)
            .list().ofMinSize(1).ofMaxSize(12);
    }

    private static String json(Planned p, int id) {
        return "{\"TimeGenerated\":\"2024-05-01T10:" + String.format("%02d", id % 60) + ":00Z\",\"Machine\":\"m-" + (id % 3)
            + "\",\"Direction\":\"" + (p.inbound() ? "inbound" : "outbound") + "\",\"SourceIp\":\"10.0.0." + (id % 250)
            + "\",\"DestinationIp\":\"192.0.2." + (id % 250) + "\",\"DestinationPort\":" + p.port() + ",\"ConnectionId\":\"c-" + id
            + "\",\"BytesSent\":" + p.bytes() + ",\"LinksEstablished\":" + p.links() + ",\"RemoteDnsQuestions\":[\"a.example\"]}";
    }

    private static final String CSV_HEADER = "TimeGenerated,Machine,Direction,SourceIp,DestinationIp,DestinationPort,ConnectionId,"
        + "BytesSent,LinksEstablished,RemoteDnsQuestions";

    private static String csv(Planned p, int id) {
        String time = "2024-05-01T10:" + String.format("%02d", id % 60) + ":00Z";
        return (id % 2 == 0 ? "\"" + time + "\"" : time) + ",m-" + (id % 3) + "," + (p.inbound() ? "inbound" : "outbound")
            + ",10.0.0." + (id % 250) + ",192.0.2." + (id % 250) + "," + p.port() + ",c-" + id + "," + p.bytes() + ","
            + p.links() + ",\"[\"\"a.example\"\"]\"";
    }

    /** The lines of a pretty-printed record, Python's json.dumps(indent=2) style, indented. */
    private static List<String> pretty(String compact, String indent) {
        List<String> out = new ArrayList<>();
        out.add(indent + "{");
        String body = compact.substring(1, compact.length() - 1);
        List<String> members = splitMembers(body);
        for (int i = 0; i < members.size(); i++) {
            out.add(indent + "  " + members.get(i).replaceFirst("\":", "\": ") + (i < members.size() - 1 ? "," : ""));
        }
        out.add(indent + "}");
        return out;
    }

    private static List<String> splitMembers(String body) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(body.substring(start, i));
                start = i + 1;
            }
        }
        out.add(body.substring(start));
        return out;
    }

    // ---- spoiling

    /** The line's bytes after the mutation (never a line end: each property decides where lines break). */
    private static byte[] spoil(String line, Mutation m) {
        int len = line.length();
        int at = (int) (m.where() * (len + 1));
        switch (m.kind()) {
            case TRUNCATE -> {
                return utf8(line.substring(0, Math.min(at, Math.max(0, len - 1))));
            }
            case INSERT -> {
                return utf8(line.substring(0, at) + SNIPPETS[m.pick() % SNIPPETS.length] + line.substring(at));
            }
            case FLIP -> {
                int i = Math.min(at, len - 1);
                return utf8(line.substring(0, i) + FLIPS[m.pick() % FLIPS.length] + line.substring(i + 1));
            }
            case HUGE_NUMBER, NON_FINITE -> {
                String[] with = m.kind() == Kind.HUGE_NUMBER ? HUGE : NON_FINITE;
                return utf8(replaceNumber(line, m.pick(), with[m.pick() % with.length]));
            }
            case DEEP_NESTING -> {
                int depth = m.size();
                String nested = m.pick() % 2 == 0 ? "[".repeat(depth) + "]".repeat(depth)
                    : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                return utf8(replaceNumber(line, m.pick(), nested));
            }
            case INVALID_UTF8 -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] bytes = utf8(line);
                int cut = Math.min((int) (m.where() * (bytes.length + 1)), bytes.length);
                out.write(bytes, 0, cut);
                out.writeBytes(NOT_UTF8[m.pick() % NOT_UTF8.length]);
                out.write(bytes, cut, bytes.length - cut);
                return out.toByteArray();
            }
            default -> {
                return utf8(line);
            }
        }
    }

    private static String replaceNumber(String line, int pick, String with) {
        Matcher m = NUMBER_VALUE.matcher(line);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return line + with;
        }
        int[] span = spans.get(pick % spans.size());
        return line.substring(0, span[0]) + with + line.substring(span[1]);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- decoding and checking

    record Outcome(List<MachineRecord> records, List<Rejection> rejections) {
        Map<String, Integer> acceptedIds() {
            Map<String, Integer> ids = new HashMap<>();
            for (MachineRecord r : records) {
                if (r instanceof Connection c && c.getConnectionId() != null) {
                    ids.merge(c.getConnectionId(), 1, Integer::sum);
                }
            }
            return ids;
        }
    }

    /** Decodes the bytes, and the same text as a string when it is UTF-8: both must agree. */
    private static Outcome decode(byte[] input, int lineCount) {
        List<MachineRecord> records = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        new RecordDecoder().decode("fuzz", input, RecordDecoder.Sink.of(records::add, rejections::add));
        for (Rejection r : rejections) {
            assertEquals("fuzz", r.source());
            Matcher m = LOCATION.matcher(r.location());
            assertTrue(m.matches(), r.message());
            int line = Integer.parseInt(m.group(1));
            assertTrue(line >= 1 && line <= lineCount, r.message() + " is not within the " + lineCount + " lines");
            assertFalse(r.reason().isBlank(), r.message());
        }
        String text = strictUtf8(input);
        if (text != null) {
            List<MachineRecord> fromText = new ArrayList<>();
            List<Rejection> textRejections = new ArrayList<>();
            new RecordDecoder().decode("fuzz", text, RecordDecoder.Sink.of(fromText::add, textRejections::add));
            assertEquals(records.size(), fromText.size(), "records from bytes and from the same text");
            assertEquals(rejections, textRejections, "rejections from bytes and from the same text");
        }
        return new Outcome(records, rejections);
    }

    private static String strictUtf8(byte[] input) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(input)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean blank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Builds input from lines; counts the lines that carry a record (non-blank) and the intact records by id. */
    private static final class Builder {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Map<String, Integer> intact = new HashMap<>();
        int recordLines;
        int lines;

        void line(byte[] bytes) {
            out.writeBytes(bytes);
            out.write('\n');
            lines++;
        }

        void record(byte[] bytes, String intactId) {
            line(bytes);
            if (!blank(bytes)) {
                recordLines++;
            }
            if (intactId != null) {
                intact.merge(intactId, 1, Integer::sum);
            }
        }

        void check(Outcome o, int expectedOutcomes) {
            assertEquals(expectedOutcomes, o.records().size() + o.rejections().size(),
                "accepted " + o.records().size() + " + rejected " + o.rejections() + "\n" + out.toString(StandardCharsets.UTF_8));
            Map<String, Integer> accepted = o.acceptedIds();
            intact.forEach((id, copies) -> assertTrue(accepted.getOrDefault(id, 0) >= copies,
                id + " was intact " + copies + " time(s) but accepted " + accepted.get(id) + "; " + o.rejections()));
        }
    }

    /**
     * Emits one record's line(s): spoiled when planned and the previous record was not; a
     * duplicate is the intact line twice.
     */
    private static boolean emit(Builder b, String line, Planned p, int id, boolean previousSpoiled) {
        Mutation m = previousSpoiled ? null : p.mutation();
        if (m == null || m.kind() == Kind.DUPLICATE) {
            b.record(utf8(line), "c-" + id);
            if (m != null) {
                b.record(utf8(line), "c-" + id);
            }
            return false;
        }
        b.record(spoil(line, m), null);
        return true;
    }

    // ---- properties

    @Property(tries = 400)
    void jsonLinesAccountForEveryLine(@ForAll("records") List<Planned> planned) {
        Builder b = new Builder();
        boolean spoiled = false;
        for (int i = 0; i < planned.size(); i++) {
            spoiled = emit(b, json(planned.get(i), i), planned.get(i), i, spoiled);
        }
        b.check(decode(b.out.toByteArray(), b.lines), b.recordLines);
    }

    @Property(tries = 300)
    void arraysAndEnvelopesWithARecordPerLineAccountForEveryRecord(@ForAll("records") List<Planned> planned,
                                                                 @ForAll boolean envelope) {
        Builder b = new Builder();
        b.line(utf8(envelope ? "{\"records\": [" : "["));
        boolean spoiled = false;
        for (int i = 0; i < planned.size(); i++) {
            String line = "  " + json(planned.get(i), i) + (i < planned.size() - 1 ? "," : "");
            spoiled = emit(b, line, planned.get(i), i, spoiled);
        }
        b.line(utf8(envelope ? "]}" : "]"));
        b.check(decode(b.out.toByteArray(), b.lines), b.recordLines);
    }

    @Property(tries = 300)
    void prettyPrintedArraysAndEnvelopesAccountForEveryRecord(@ForAll("records") List<Planned> planned,
                                                            @ForAll boolean envelope) {
        Builder b = new Builder();
        if (envelope) {
            b.line(utf8("{"));
            b.line(utf8("  \"records\": ["));
        } else {
            b.line(utf8("["));
        }
        int copies = 0;
        for (int i = 0; i < planned.size(); i++) {
            Planned p = planned.get(i);
            List<String> lines = pretty(json(p, i), envelope ? "    " : "  ");
            if (i < planned.size() - 1) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + ",");
            }
            Mutation m = p.mutation();
            // one member line spoiled (never the braces), in any record: the braces keep records apart
            int member = m == null ? -1 : 1 + (int) (m.where() * (lines.size() - 2));
            for (int k = 0; k < lines.size(); k++) {
                if (k == member && m.kind() == Kind.DUPLICATE) {
                    // a repeated member (the last one keeps the record valid only with a comma between)
                    b.line(utf8(lines.get(k).endsWith(",") ? lines.get(k) : lines.get(k) + ","));
                    b.line(utf8(lines.get(k)));
                } else if (k == member) {
                    b.line(spoil(lines.get(k), new Mutation(m.kind(), m.pick() % 97 / 97.0, m.pick(), m.size())));
                } else {
                    b.line(utf8(lines.get(k)));
                }
            }
            if (m == null || m.kind() == Kind.DUPLICATE) {
                b.intact.merge("c-" + i, 1, Integer::sum);
            }
            copies++;
        }
        if (envelope) {
            b.line(utf8("  ]"));
            b.line(utf8("}"));
        } else {
            b.line(utf8("]"));
        }
        b.check(decode(b.out.toByteArray(), b.lines), copies);
    }

    @Property(tries = 300)
    void csvAccountsForEveryRow(@ForAll("records") List<Planned> planned) {
        Builder b = new Builder();
        b.line(utf8(CSV_HEADER));
        boolean spoiled = false;
        for (int i = 0; i < planned.size(); i++) {
            spoiled = emit(b, csv(planned.get(i), i), planned.get(i), i, spoiled);
        }
        b.check(decode(b.out.toByteArray(), b.lines), b.recordLines);
    }

    /** Any bytes at all, and valid input spoiled anywhere with line ends thrown in: never an exception. */
    @Property(tries = 300)
    void anyInputDecodesWithoutFailing(@ForAll("records") List<Planned> planned,
                                       @ForAll @Size(max = 8) List<@net.jqwik.api.constraints.IntRange(max = 100_000) Integer> cuts,
                                       @ForAll @Size(max = 300) byte[] noise) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < planned.size(); i++) {
            String compact = json(planned.get(i), i);
            switch (i % 4) {
                case 0 -> text.append(compact).append('\n');
                case 1 -> text.append(String.join("\n", pretty(compact, ""))).append(",\n");
                case 2 -> text.append("[").append(compact).append(",").append(compact).append("]\n");
                default -> text.append(CSV_HEADER).append('\n').append(csv(planned.get(i), i)).append('\n');
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] base = utf8(text.toString());
        int from = 0;
        for (int cut : cuts.stream().sorted().toList()) {
            int at = base.length == 0 ? 0 : cut % base.length;
            if (at < from) {
                continue;
            }
            out.write(base, from, at - from);
            Planned p = planned.get(cut % planned.size());
            out.writeBytes(p.mutation() == null ? new byte[] {'\n'} : spoil("\n{\"a\":[\n", p.mutation()));
            from = at;
        }
        out.write(base, from, base.length - from);
        out.writeBytes(noise);
        byte[] input = out.toByteArray();
        int lines = 1;
        for (byte x : input) {
            if (x == '\n') {
                lines++;
            }
        }
        decode(input, lines);
        decode(noise, lines);
    }
}
