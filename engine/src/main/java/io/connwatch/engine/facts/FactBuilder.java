package io.connwatch.engine.facts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpAddress;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns a {@link RawRecord} into a typed, validated {@link Connection} or {@link BoundPort}. */
final class FactBuilder {
    // The most one row (one minute of one connection group) can plausibly hold. Past these a value
    // is a fault or an attack, not a measurement, and a few such rows would overflow the sums of a
    // machine's minute; the README's input section gives the same figures.
    /** BytesSent, BytesReceived: 10^12 bytes in one minute is about 133 Gbit/s. */
    static final long MAX_BYTES = 1_000_000_000_000L;
    /** LinksEstablished, LinksTerminated, LinksFailed, LinksLive: 10^7 connections in one minute. */
    static final long MAX_LINKS = 10_000_000L;
    /** Responses: 10^9 in one minute. */
    static final long MAX_RESPONSES = 1_000_000_000L;
    /** ResponseTimeMax, ResponseTimeMin: 10^9 ms, about 11.6 days. */
    static final long MAX_RESPONSE_TIME_MS = 1_000_000_000L;
    /** ResponseTimeSum: 10^15 ms, the most responses times the longest response, rounded down. */
    static final long MAX_RESPONSE_TIME_SUM_MS = 1_000_000_000_000_000L;

    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    /** The Log Analytics portal's CSV export format, e.g. {@code 3/27/2019, 10:00:00.000 AM}. */
    private static final DateTimeFormatter PORTAL_TIME = new DateTimeFormatterBuilder()
        .appendPattern("M/d/yyyy, h:mm:ss")
        .optionalStart().appendPattern(".SSS").optionalEnd()
        .appendPattern(" a")
        .toFormatter(Locale.US);

    /** The range of TimeGenerated accepted: Unix time to the end of year 9999. */
    static final java.time.Instant EARLIEST = java.time.Instant.EPOCH;
    static final java.time.Instant LATEST = java.time.Instant.parse("9999-12-31T23:59:59Z");

    private FactBuilder() {
    }

    /** Which table a record belongs to, from its Type column or, failing that, its columns. */
    static Table table(RawRecord raw, Table defaultTable) throws FieldException {
        String type = raw.text(Column.TYPE);
        if (type != null) {
            for (Table t : Table.values()) {
                if (t.azureName().equalsIgnoreCase(type)) {
                    return t;
                }
            }
            throw new FieldException("Type", "unsupported table '" + abbreviate(type) + "' (expected " + Table.choices() + ")");
        }
        if (raw.get(Column.DIRECTION) != null || raw.get(Column.DESTINATION_PORT) != null) {
            return Table.VM_CONNECTION;
        }
        if (raw.get(Column.PORT) != null || raw.get(Column.IS_WILDCARD_BIND) != null) {
            return Table.VM_BOUND_PORT;
        }
        if (defaultTable != null) {
            return defaultTable;
        }
        throw new FieldException("Type", "cannot tell the table: no Type column and neither Direction nor Port");
    }

    static MachineRecord build(RawRecord raw, Table defaultTable) throws FieldException {
        if (raw.problem != null) {
            throw new FieldException(raw.problemField, raw.problem);
        }
        MachineRecord r = table(raw, defaultTable) == Table.VM_CONNECTION ? connection(raw) : boundPort(raw);
        return r;
    }

    private static void common(RawRecord raw, MachineRecord r) throws FieldException {
        r.timeGenerated = instant(raw, Column.TIME_GENERATED, true);
        // ISO 8601 allows years of nine digits; epoch milliseconds do not hold them, and minute
        // arithmetic near the ends of a long would overflow: a plausible range instead.
        if (r.timeGenerated.isBefore(EARLIEST) || r.timeGenerated.isAfter(LATEST)) {
            throw new FieldException(Column.TIME_GENERATED.azureName, r.timeGenerated + " is outside the times this engine accepts ("
                + EARLIEST + " to " + LATEST + ")");
        }
        r.timestamp = r.timeGenerated.toEpochMilli();
        r.computer = raw.text(Column.COMPUTER);
        r.agentId = raw.text(Column.AGENT_ID);
        r.machine = required(raw, Column.MACHINE);
        r.process = raw.text(Column.PROCESS);
        r.processName = raw.text(Column.PROCESS_NAME);
        String protocol = raw.text(Column.PROTOCOL);
        if (protocol != null) {
            try {
                r.protocol = Protocol.parse(protocol);
            } catch (IllegalArgumentException e) {
                throw new FieldException("Protocol", e.getMessage());
            }
        }
        r.linksEstablished = count(raw, Column.LINKS_ESTABLISHED);
        r.linksTerminated = count(raw, Column.LINKS_TERMINATED);
        r.linksLive = count(raw, Column.LINKS_LIVE);
        r.bytesSent = count(raw, Column.BYTES_SENT);
        r.bytesReceived = count(raw, Column.BYTES_RECEIVED);
        r.responses = count(raw, Column.RESPONSES);
        r.responseTimeMax = optionalCount(raw, Column.RESPONSE_TIME_MAX);
        r.responseTimeMin = optionalCount(raw, Column.RESPONSE_TIME_MIN);
        r.responseTimeSum = optionalCount(raw, Column.RESPONSE_TIME_SUM);
    }

    private static Connection connection(RawRecord raw) throws FieldException {
        Connection c = new Connection();
        common(raw, c);
        String direction = required(raw, Column.DIRECTION);
        try {
            c.direction = Direction.parse(direction);
        } catch (IllegalArgumentException e) {
            throw new FieldException("Direction", e.getMessage());
        }
        c.sourceIp = ip(raw, Column.SOURCE_IP, true);
        c.destinationIp = ip(raw, Column.DESTINATION_IP, true);
        c.destinationPort = port(raw, Column.DESTINATION_PORT);
        c.connectionId = raw.text(Column.CONNECTION_ID);
        c.linksFailed = count(raw, Column.LINKS_FAILED);
        IpAddress expectedRemote = c.direction == Direction.INBOUND ? c.sourceIp : c.destinationIp;
        IpAddress remote = ip(raw, Column.REMOTE_IP, false);
        if (remote != null && !remote.equals(expectedRemote)) {
            throw new FieldException("RemoteIp", "is " + remote + " but a " + c.direction.azureName()
                + " row's remote end is " + (c.direction == Direction.INBOUND ? "SourceIp " : "DestinationIp ") + expectedRemote);
        }
        c.remoteIp = expectedRemote;
        c.remoteCountry = raw.text(Column.REMOTE_COUNTRY);
        c.remoteLatitude = real(raw, Column.REMOTE_LATITUDE, -90, 90);
        c.remoteLongitude = real(raw, Column.REMOTE_LONGITUDE, -180, 180);
        c.remoteDnsCanonicalNames = stringList(raw, Column.REMOTE_DNS_CANONICAL_NAMES);
        c.remoteDnsQuestions = stringList(raw, Column.REMOTE_DNS_QUESTIONS);
        c.maliciousIp = ip(raw, Column.MALICIOUS_IP, false);
        if (c.maliciousIp != null) {
            String type = raw.text(Column.INDICATOR_THREAT_TYPE);
            if (type != null) {
                try {
                    c.indicatorThreatType = ThreatType.parse(type);
                } catch (IllegalArgumentException e) {
                    throw new FieldException("IndicatorThreatType", e.getMessage());
                }
            }
            c.description = raw.text(Column.DESCRIPTION);
            String tlp = raw.text(Column.TLP_LEVEL);
            if (tlp != null) {
                try {
                    c.tlpLevel = TlpLevel.parse(tlp);
                } catch (IllegalArgumentException e) {
                    throw new FieldException("TLPLevel", e.getMessage());
                }
            }
            c.confidence = boundedInt(raw, Column.CONFIDENCE, 0, 100);
            Integer severity = boundedInt(raw, Column.SEVERITY, 0, 5);
            c.severity = severity == null ? 3 : severity;
            c.firstReportedDateTime = instant(raw, Column.FIRST_REPORTED, false);
            c.lastReportedDateTime = instant(raw, Column.LAST_REPORTED, false);
            c.isActive = bool(raw, Column.IS_ACTIVE);
            c.reportReferenceLink = raw.text(Column.REPORT_REFERENCE_LINK);
            c.additionalInformation = raw.text(Column.ADDITIONAL_INFORMATION);
        }
        return c;
    }

    private static BoundPort boundPort(RawRecord raw) throws FieldException {
        BoundPort b = new BoundPort();
        common(raw, b);
        b.ip = ip(raw, Column.IP, true);
        b.port = port(raw, Column.PORT);
        Boolean wildcard = bool(raw, Column.IS_WILDCARD_BIND);
        b.isWildcardBind = wildcard != null && wildcard;
        b.portId = raw.text(Column.PORT_ID);
        return b;
    }

    private static String required(RawRecord raw, Column c) throws FieldException {
        String s = raw.text(c);
        if (s == null) {
            throw new FieldException(c.azureName, "missing (required)");
        }
        return s;
    }

    private static IpAddress ip(RawRecord raw, Column c, boolean required) throws FieldException {
        if (raw.get(c) instanceof IpAddress parsed) {
            return parsed;
        }
        String s = required ? required(raw, c) : raw.text(c);
        if (s == null) {
            return null;
        }
        IpAddress ip = IpAddress.tryParse(s);
        if (ip == null) {
            throw new FieldException(c.azureName, "not an IPv4 or IPv6 address: '" + abbreviate(s) + "'");
        }
        return ip;
    }

    private static int port(RawRecord raw, Column c) throws FieldException {
        long p = raw.get(c) instanceof Long l ? l : parseLong(c, required(raw, c));
        if (p < 0 || p > 65535) {
            throw new FieldException(c.azureName, "port " + p + " is outside 0..65535");
        }
        return (int) p;
    }

    private static long count(RawRecord raw, Column c) throws FieldException {
        Object o = raw.get(c);
        long v;
        if (o instanceof Long l) {
            v = l;
        } else {
            String s = raw.text(c);
            if (s == null) {
                return 0;
            }
            v = parseLong(c, s);
        }
        if (v < 0) {
            throw new FieldException(c.azureName, "negative count " + v);
        }
        long max = maximum(c);
        if (v > max) {
            throw new FieldException(c.azureName, v + " is outside the plausible range 0.." + max + " for one row");
        }
        return v;
    }

    /** The largest value a counter column may hold in one row. */
    static long maximum(Column c) {
        return switch (c) {
            case BYTES_SENT, BYTES_RECEIVED -> MAX_BYTES;
            case LINKS_ESTABLISHED, LINKS_TERMINATED, LINKS_FAILED, LINKS_LIVE -> MAX_LINKS;
            case RESPONSES -> MAX_RESPONSES;
            case RESPONSE_TIME_MAX, RESPONSE_TIME_MIN -> MAX_RESPONSE_TIME_MS;
            case RESPONSE_TIME_SUM -> MAX_RESPONSE_TIME_SUM_MS;
            default -> throw new IllegalArgumentException(c.azureName + " is not a counter");
        };
    }

    private static Long optionalCount(RawRecord raw, Column c) throws FieldException {
        return raw.get(c) instanceof Long || raw.text(c) != null ? count(raw, c) : null;
    }

    private static Integer boundedInt(RawRecord raw, Column c, int min, int max) throws FieldException {
        long v;
        if (raw.get(c) instanceof Long l) {
            // a JSON number, already parsed: no text to make and parse again
            v = l;
        } else {
            String s = raw.text(c);
            if (s == null) {
                return null;
            }
            v = parseLong(c, s);
        }
        if (v < min || v > max) {
            throw new FieldException(c.azureName, v + " is outside " + min + ".." + max);
        }
        return (int) v;
    }

    private static Double real(RawRecord raw, Column c, double min, double max) throws FieldException {
        String s = raw.text(c);
        if (s == null) {
            return null;
        }
        double v;
        try {
            v = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new FieldException(c.azureName, "not a number: '" + abbreviate(s) + "'");
        }
        if (!(v >= min && v <= max)) {
            throw new FieldException(c.azureName, s.trim() + " is outside " + (int) min + ".." + (int) max);
        }
        return v;
    }

    static long parseLong(Column c, String s) throws FieldException {
        String t = s.trim();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            // Some exporters write whole numbers as 3.0.
            try {
                double d = Double.parseDouble(t);
                if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
                    return (long) d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new FieldException(c.azureName, "not a whole number: '" + abbreviate(s) + "'");
        }
    }

    private static Boolean bool(RawRecord raw, Column c) throws FieldException {
        String s = raw.text(c);
        if (s == null) {
            return null;
        }
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> {
                return Boolean.TRUE;
            }
            case "false", "0" -> {
                return Boolean.FALSE;
            }
            default -> throw new FieldException(c.azureName, "expected True or False, got '" + abbreviate(s) + "'");
        }
    }

    private static List<String> stringList(RawRecord raw, Column c) throws FieldException {
        Object v = raw.get(c);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<String> strings = (List<String>) list;
            return List.copyOf(strings);
        }
        String s = ((String) v).trim();
        if (s.isEmpty()) {
            return List.of();
        }
        if (!s.startsWith("[")) {
            return List.of(s);
        }
        // Azure stores these as the text of a JSON array.
        List<String> plain = plainStringArray(s);
        if (plain != null) {
            return plain;
        }
        try (JsonParser p = JSON.createParser(s)) {
            p.nextToken();
            List<String> out = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null || !t.isScalarValue()) {
                    throw new FieldException(c.azureName, "expected a JSON array of strings");
                }
                out.add(p.getText());
            }
            return List.copyOf(out);
        } catch (JsonProcessingException e) {
            throw new FieldException(c.azureName, "not a JSON array of strings: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /**
     * The strings of a JSON array of double-quoted strings without escapes ({@code ["a", "b"]},
     * the shape Azure writes), read without a parser; null for anything else, which the parser
     * then reads (or rejects) as before.
     */
    static List<String> plainStringArray(String s) {
        int n = s.length();
        if (n < 2 || s.charAt(0) != '[' || s.charAt(n - 1) != ']') {
            return null;
        }
        int i = skipBlank(s, 1, n - 1);
        if (i == n - 1) {
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        while (true) {
            if (s.charAt(i) != '"') {
                return null;
            }
            int close = i + 1;
            while (close < n - 1) {
                char ch = s.charAt(close);
                if (ch == '"') {
                    break;
                }
                if (ch == '\\' || ch < 0x20) {
                    return null;
                }
                close++;
            }
            if (close >= n - 1) {
                return null;
            }
            out.add(s.substring(i + 1, close));
            i = skipBlank(s, close + 1, n - 1);
            if (i == n - 1) {
                return List.copyOf(out);
            }
            if (s.charAt(i) != ',') {
                return null;
            }
            i = skipBlank(s, i + 1, n - 1);
            if (i == n - 1) {
                return null;
            }
        }
    }

    private static int skipBlank(String s, int from, int to) {
        int i = from;
        while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
            i++;
        }
        return i;
    }

    private static Instant instant(RawRecord raw, Column c, boolean required) throws FieldException {
        if (raw.get(c) instanceof Instant parsed) {
            return parsed;
        }
        String s = required ? required(raw, c) : raw.text(c);
        if (s == null) {
            return null;
        }
        Instant fast = FastTime.parseIsoUtc(s);
        if (fast != null) {
            return fast;
        }
        String t = s.trim();
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(t, Instant::from);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t, PORTAL_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new FieldException(c.azureName, "not a date-time (ISO 8601, or M/d/yyyy, h:mm:ss AM as the portal exports): '"
                + abbreviate(s) + "'");
        }
    }

    static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
